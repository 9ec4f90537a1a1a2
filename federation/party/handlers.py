"""Which function runs a job of a given kind for a party of a given role."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from federation.coordinator.online import CONSENT_CATEGORIES, ENFORCES_CONSENT
from federation.governance.categories import categories_of
from federation.party.agent import Handler
from federation.party.online_job import bank_publish_masks, platform_publish_masks
from federation.party.psi_job import bank_psi, platform_psi
from federation.party.psi_register import BlindedRegister
from federation.party.scoring_job import bank_score_batch, platform_score_batch
from federation.party.secureboost_job import bank_secureboost, platform_secureboost
from federation.security.roles import Role


def handlers(*, enforce_consent: bool, psi_workers: int | None = None,
             psi_register: BlindedRegister | None = None) -> dict[tuple[str, Role], Handler]:
    """``enforce_consent`` restricts the platform's side of every job to the enterprises
    that authorize the job's bank (see ``federation.party.consent``)."""
    return {
        ("psi", Role.BANK): partial(bank_psi, workers=psi_workers),
        ("psi", Role.PLATFORM): partial(platform_psi, workers=psi_workers, register=psi_register,
                                        enforce_consent=enforce_consent),
        ("secureboost", Role.BANK): bank_secureboost,
        ("secureboost", Role.PLATFORM): partial(platform_secureboost, enforce_consent=enforce_consent),
        ("score_batch", Role.BANK): bank_score_batch,
        ("score_batch", Role.PLATFORM): partial(platform_score_batch, enforce_consent=enforce_consent),
        ("publish_masks", Role.BANK): bank_publish_masks,
        ("publish_masks", Role.PLATFORM): partial(platform_publish_masks, enforce_consent=enforce_consent),
    }


def platform_labels(enforce_consent: bool, columns: Iterable[str]) -> dict[str, str]:
    """What the platform registers with so that the coordinator, which routes online scores
    without seeing the platform's rows, applies the same consent rule as its jobs."""
    if not enforce_consent:
        return {ENFORCES_CONSENT: "false"}
    return {ENFORCES_CONSENT: "true", CONSENT_CATEGORIES: ",".join(categories_of(columns))}
