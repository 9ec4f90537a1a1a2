"""Fixtures shared across the suite: certificates from a development CA, and a rogue CA."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.security.certs import init_certificates
from federation.security.roles import Role

PARTIES = {"platform": Role.PLATFORM, "bank_a": Role.BANK, "bank_b": Role.BANK, "operator": Role.OPERATOR,
           "regulator": Role.REGULATOR}


@pytest.fixture(scope="session")
def certs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("certs")
    init_certificates(directory, PARTIES)
    return directory


@pytest.fixture(scope="session")
def rogue_certs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Same party names, issued by a CA the coordinator does not trust."""
    directory = tmp_path_factory.mktemp("rogue-certs")
    init_certificates(directory, PARTIES)
    return directory
