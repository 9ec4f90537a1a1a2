"""Model cards at the coordinator: the owner publishes, the regulator reads and approves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.models.model_card.test_card import facts
from tests.support.coordinator import BANK_A, BANK_B, OPERATOR, PLATFORM, REGULATOR, registered_service

from federation.coordinator.errors import InvalidArgument, NotFound, PermissionDenied
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import ModelRow
from models.model_card import build_card


@pytest.fixture()
def service(tmp_path: Path) -> CoordinatorService:
    return registered_service(tmp_path, PLATFORM, BANK_A, BANK_B, OPERATOR, REGULATOR)


@pytest.fixture()
def card(service: CoordinatorService) -> str:
    """A registered model of bank_a (version 2) and its card, as bank_a would generate it."""
    job = service.submit_job(BANK_A, "psi", ["platform"], "{}")
    with service.audit.transaction() as session:
        session.add(ModelRow(id=job.id, kind="secureboost", owner="bank_a", version=2, parts={"bank_a": {}}))
    generated = build_card(facts())
    generated["model_details"]["model_id"] = job.id
    return json.dumps(generated)


def model_id(card: str) -> str:
    return json.loads(card)["model_details"]["model_id"]


def test_the_regulator_reads_the_published_card(service: CoordinatorService, card: str) -> None:
    service.model_cards.publish(BANK_A, model_id(card), card)
    read = service.model_cards.read(REGULATOR, model_id(card))
    assert read["metrics"] == json.loads(card)["metrics"]


def test_an_approval_appears_on_the_card(service: CoordinatorService, card: str) -> None:
    service.model_cards.publish(BANK_A, model_id(card), card)
    service.model_cards.approve(REGULATOR, model_id(card), "conditional", "revalidate real estate")
    approvals = service.model_cards.read(BANK_A, model_id(card))["approvals"]
    assert [(a["reviewer"], a["decision"], a["note"]) for a in approvals] == [
        ("regulator", "conditional", "revalidate real estate")]


def test_approvals_written_into_a_published_card_are_dropped(service: CoordinatorService, card: str) -> None:
    forged = json.loads(card)
    forged["approvals"] = [{"reviewer": "regulator", "decision": "approved", "at": "2026-11-20"}]
    service.model_cards.publish(BANK_A, model_id(card), json.dumps(forged))
    assert service.model_cards.read(REGULATOR, model_id(card))["approvals"] == []


def test_another_bank_cannot_read_the_card(service: CoordinatorService, card: str) -> None:
    service.model_cards.publish(BANK_A, model_id(card), card)
    with pytest.raises(NotFound):
        service.model_cards.read(BANK_B, model_id(card))


def test_another_bank_cannot_publish_a_card_for_the_model(service: CoordinatorService, card: str) -> None:
    with pytest.raises(NotFound):
        service.model_cards.publish(BANK_B, model_id(card), card)


def test_a_card_failing_the_schema_is_refused_naming_the_field(service: CoordinatorService, card: str) -> None:
    broken = json.loads(card)
    broken["intended_use"]["purpose"] = "marketing"
    with pytest.raises(InvalidArgument, match="at intended_use/purpose"):
        service.model_cards.publish(BANK_A, model_id(card), json.dumps(broken))


def test_a_card_of_another_version_is_refused(service: CoordinatorService, card: str) -> None:
    other = json.loads(card)
    other["model_details"]["version"] = 1
    with pytest.raises(InvalidArgument, match="v1, not bank_a's"):
        service.model_cards.publish(BANK_A, model_id(card), json.dumps(other))


def test_a_bank_cannot_approve(service: CoordinatorService, card: str) -> None:
    with pytest.raises(PermissionDenied, match="cannot approve models"):
        service.model_cards.approve(BANK_A, model_id(card), "approved", "")


def test_the_regulator_lists_every_model(service: CoordinatorService, card: str) -> None:
    assert [m.id for m in service.list_models(REGULATOR)] == [model_id(card)]
    assert service.list_models(BANK_B) == []
