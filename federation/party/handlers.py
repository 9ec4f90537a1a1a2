"""Which function runs a job of a given kind for a party of a given role."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from federation.coordinator.online import CONSENT_CATEGORIES, ENFORCES_CONSENT
from federation.governance.categories import categories_of
from federation.governance.classification import Classification, refuse_sensitive
from federation.party.agent import FollowUp, Handler, JobContext
from federation.party.model_card import card_after_training
from federation.party.monitor_job import bank_monitor
from federation.party.online_job import bank_publish_masks, platform_publish_masks
from federation.party.psi_job import bank_psi, platform_psi
from federation.party.psi_register import BlindedRegister
from federation.party.publish_job import bank_publish, platform_publish
from federation.party.scorecard_job import bank_scorecard, platform_scorecard
from federation.party.scoring_job import bank_score_batch, platform_score_batch
from federation.party.secureboost_job import bank_secureboost, platform_secureboost
from federation.security.roles import Role


def _without_sensitive(handler: Handler, classification: Classification) -> Handler:
    """A platform handler that refuses, before it sends anything, a table with a sensitive column."""
    def run(context: JobContext) -> dict[str, Any]:
        refuse_sensitive(context.table.features.columns, classification)
        return handler(context)
    return run


def handlers(*, enforce_consent: bool, psi_workers: int | None = None,
             psi_register: BlindedRegister | None = None,
             classification: Classification | None = None,
             ray_address: str | None = None) -> dict[tuple[str, Role], Handler]:
    """``enforce_consent`` restricts the platform's side of every job to the enterprises
    that authorize the job's bank (see ``federation.party.consent``); ``classification``
    grades the platform's columns: jobs that use its features refuse a sensitive one, and
    ``publish`` sends only public ones (``federation.governance.classification``); batch
    scoring and a bank's monitoring job score their chunks on Ray at ``ray_address``
    (``local``: a private instance), on local worker processes without one."""
    graded = classification or Classification()
    guard = partial(_without_sensitive, classification=graded)
    return {
        ("psi", Role.BANK): partial(bank_psi, workers=psi_workers),
        ("psi", Role.PLATFORM): partial(platform_psi, workers=psi_workers, register=psi_register,
                                        enforce_consent=enforce_consent),
        ("secureboost", Role.BANK): bank_secureboost,
        ("secureboost", Role.PLATFORM): guard(partial(platform_secureboost, enforce_consent=enforce_consent)),
        ("score_batch", Role.BANK): partial(bank_score_batch, ray_address=ray_address),
        ("score_batch", Role.PLATFORM): guard(partial(platform_score_batch, enforce_consent=enforce_consent,
                                                      ray_address=ray_address)),
        ("publish_masks", Role.BANK): bank_publish_masks,
        ("publish_masks", Role.PLATFORM): guard(partial(platform_publish_masks, enforce_consent=enforce_consent)),
        ("publish", Role.BANK): bank_publish,
        ("publish", Role.PLATFORM): partial(platform_publish, classification=graded),
        ("monitor", Role.BANK): partial(bank_monitor, ray_address=ray_address),
        ("scorecard", Role.BANK): bank_scorecard,
        ("scorecard", Role.PLATFORM): guard(partial(platform_scorecard, enforce_consent=enforce_consent)),
    }


def follow_ups() -> dict[tuple[str, Role], FollowUp]:
    """What a party does once its part of a job is done: a bank writes and publishes the
    card of every model it trains."""
    return {("secureboost", Role.BANK): card_after_training, ("scorecard", Role.BANK): card_after_training}


def platform_labels(enforce_consent: bool, columns: Iterable[str]) -> dict[str, str]:
    """What the platform registers with so that the coordinator, which routes online scores
    without seeing the platform's rows, applies the same consent rule as its jobs."""
    if not enforce_consent:
        return {ENFORCES_CONSENT: "false"}
    return {ENFORCES_CONSENT: "true", CONSENT_CATEGORIES: ",".join(categories_of(columns))}
