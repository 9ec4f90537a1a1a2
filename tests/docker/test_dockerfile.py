"""docker/Dockerfile against the rules that matter here (no hadolint on this machine):
multi-stage, pinned base images, no remote ADD, an unprivileged runtime user, and an
entrypoint that is the package's console script."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


@pytest.fixture(scope="module")
def steps() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text(encoding="utf-8"))


def test_the_build_is_multi_stage(steps: list[tuple[str, str]]) -> None:
    stages = [args.split()[-1] for op, args in steps if op == "FROM" and " AS " in args.upper()]
    assert len([op for op, _ in steps if op == "FROM"]) >= 2 and len(stages) >= 2
    copied_from = [m.group(1) for op, args in steps if op == "COPY" for m in [re.search(r"--from=(\S+)", args)] if m]
    assert copied_from and set(copied_from) <= set(stages)


def test_base_images_are_pinned_to_a_version_tag(steps: list[tuple[str, str]]) -> None:
    for op, args in steps:
        if op == "FROM":
            image = args.split()[0]
            assert re.fullmatch(r"[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*(@sha256:[0-9a-f]{64})?", image), image


def test_nothing_is_added_from_a_url(steps: list[tuple[str, str]]) -> None:
    assert not [args for op, args in steps if op == "ADD" and re.search(r"\w+://", args)]
    assert not [args for op, args in steps if op == "RUN" and re.search(r"\b(curl|wget)\b", args)]


def test_the_runtime_stage_runs_as_an_unprivileged_user(steps: list[tuple[str, str]]) -> None:
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    users = [args.split(":")[0] for op, args in steps[last_from:] if op == "USER"]
    assert users and users[-1] not in ("root", "0")


def test_the_entrypoint_is_the_packages_console_script(steps: list[tuple[str, str]]) -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    entrypoints = [args for op, args in steps if op == "ENTRYPOINT"]
    assert entrypoints[-1] == '["fedcredit"]' and "fedcredit" in scripts

