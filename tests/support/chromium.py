"""Headless Chromium for checking rendered pages: the DOM it builds and a screenshot.

Screenshots go to the test artifacts folder (``FEDCREDIT_TEST_ARTIFACTS``, by default
``test-artifacts/`` in the working directory) so a reviewer can look at them after a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WINDOW = "1280,1800"


def chromium_binary() -> str | None:
    return next((path for path in map(shutil.which, CANDIDATES) if path), None)


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("FEDCREDIT_TEST_ARTIFACTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _run(binary: str, page: Path, *args: str, window: str = WINDOW) -> subprocess.CompletedProcess[str]:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", f"--window-size={window}", *args, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def rendered_dom(binary: str, page: Path) -> str:
    return _run(binary, page, "--dump-dom").stdout


def screenshot(binary: str, page: Path, out: Path, window: str = WINDOW) -> Path:
    _run(binary, page, f"--screenshot={out.resolve()}", window=window)
    return out
