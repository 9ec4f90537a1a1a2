"""Valid enterprise ids for the monitoring tests."""

from __future__ import annotations

import numpy as np
import pytest

from federation.data.uscc import random_usccs


@pytest.fixture(scope="session")
def usccs() -> list[str]:
    return [str(u) for u in random_usccs(np.random.default_rng(5), 40, ["320706"])]
