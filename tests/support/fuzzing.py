"""The fault suite's fuzzing budget: at least 1,000 generated cases per target, none timed
(the machine is shared, so a slow case is not a failure)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ_CASES = 1000
fuzz = settings(max_examples=FUZZ_CASES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
