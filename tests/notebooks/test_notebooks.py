"""Every notebook runs top to bottom in a fresh kernel, shows its plots and raises nothing.

The executed copies are left in ``test-artifacts/notebooks/`` to be looked at.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "notebooks"
CELL_TIMEOUT = 600


def _outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def executed(request: pytest.FixtureRequest) -> nbformat.NotebookNode:
    notebook = nbformat.read(request.param, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO)}}).execute()
    notebook.metadata["fedcredit_seconds"] = round(time.monotonic() - started, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, ARTIFACTS / request.param.name)
    return notebook


def test_there_are_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"01_joint_model.ipynb", "02_scoring_and_portraits.ipynb",
                                           "03_monitoring_report.ipynb"}


def test_the_notebook_shows_its_plots(executed: nbformat.NotebookNode) -> None:
    assert any("image/png" in output.get("data", {}) for output in _outputs(executed))


def test_no_cell_output_is_an_error(executed: nbformat.NotebookNode) -> None:
    assert [o for o in _outputs(executed) if o.output_type == "error"] == []
    assert not [o for o in _outputs(executed) if o.output_type == "stream" and "Traceback" in o.get("text", "")]
