"""An alert, its stable id, and sealing the alerts only the bank may read.

Ids are stable so that a run repeated for the same date, or resumed after a crash,
produces the same ids and the coordinator stores each alert once; the bank's inbox
de-duplicates redeliveries by the same id.

* event alerts (the platform's feed): ``sha256(bank, enterprise, rule, date, event)``;
* score alerts (grade drop, PD above): the reason holds a grade and a probability of
  default that neither the coordinator nor the platform may learn, so the bank seals
  rule, severity and reason with AES-GCM under a key of its own, and the id is an HMAC
  under that key: a plain hash of the handful of rule names would tell a curious
  coordinator which rule fired.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

EVENT, SCORE = "event", "score"
KEY_BYTES = 32
_NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed alert that does not open under the bank's key (another key, or tampered)."""


@dataclass(frozen=True)
class Alert:
    """One alert for one bank about one enterprise.

    ``source`` is ``event`` or ``score``; ``categories`` are the data categories the alert
    derives from, which the enterprise's consent must cover for the bank to receive it.
    A sealed score alert carries ``sealed`` and leaves rule, kind, severity and reason empty.
    ``objections`` are added by the coordinator on delivery: the enterprise's unresolved
    objections to records of its data, outside the seal because they are the coordinator's.
    """

    id: str
    bank: str
    enterprise: str
    date: str
    source: str
    rule: str = ""
    kind: str = ""
    severity: str = ""
    reason: str = ""
    event_type: str = ""
    categories: tuple[str, ...] = ()
    sealed: bytes = b""
    objections: tuple[str, ...] = ()


def event_key(date: str, event_type: str, details: str) -> str:
    """What identifies one event in the feed: same day, type and details is the same event."""
    return f"{date}|{event_type}|{hashlib.sha256(details.encode()).hexdigest()[:16]}"


def event_alert_id(bank: str, enterprise: str, rule: str, key: str) -> str:
    return hashlib.sha256("\x1f".join((EVENT, bank, enterprise, rule, key)).encode()).hexdigest()


def score_alert_id(secret: bytes, bank: str, enterprise: str, rule: str, date: str) -> str:
    return hmac.new(secret, "\x1f".join((SCORE, bank, enterprise, rule, date)).encode(), hashlib.sha256).hexdigest()


def new_sealing_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _header(alert: Alert) -> bytes:
    """What the seal binds the body to, so a body cannot be moved to another alert."""
    return "\x1f".join((alert.id, alert.bank, alert.enterprise, alert.date)).encode()


def seal(alert: Alert, secret: bytes) -> Alert:
    body = json.dumps({"rule": alert.rule, "kind": alert.kind, "severity": alert.severity,
                       "reason": alert.reason}).encode()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + AESGCM(secret).encrypt(nonce, body, _header(alert))
    return replace(alert, rule="", kind="", severity="", reason="", sealed=sealed)


def unseal(alert: Alert, secret: bytes) -> Alert:
    """The alert with rule, kind, severity and reason restored; unsealed alerts pass as they are."""
    if not alert.sealed:
        return alert
    try:
        body = AESGCM(secret).decrypt(alert.sealed[:_NONCE_BYTES], alert.sealed[_NONCE_BYTES:], _header(alert))
    except Exception as exc:  # cryptography raises InvalidTag, or ValueError on a short blob
        raise SealError(f"alert {alert.id} does not open under this bank's key") from exc
    fields = json.loads(body)
    return replace(alert, rule=fields["rule"], kind=fields["kind"], severity=fields["severity"],
                   reason=fields["reason"], sealed=b"")
