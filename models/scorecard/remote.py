"""The federated scorecard between two processes: the platform answers, the bank asks.

:class:`PlatformScorecardTrainer` is everything the platform does during training, from
request bytes to reply bytes; :class:`RemotePlatform` is the platform as the bank sees
it. The bank sends its public key, its labels as Enc(y, 1 - y), the grouping and WOE it
chose for the platform's features (bin positions only: it never learns an edge),
encrypted residuals and decrypted masked gradients; the platform returns encrypted
per-prebin counts, its per-row linear predictor, masked encrypted gradients and, at the
end, its points aggregated by feature group. The in-process estimator and the federated
job run this code; only the transport differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from models.scorecard.binning import group_matrix
from models.scorecard.ciphers import BankCipher, EncryptedPlatform, PlainPlatform, PlatformCipher
from models.scorecard.logistic import residual_ints
from models.scorecard.platform import LocalPlatform, Selection
from models.scorecard.points import feature_group, group_summary
from models.secureboost.messages import Message, MessageFormatError


class Transport(Protocol):
    def exchange(self, request: bytes) -> bytes:
        """Deliver ``request`` to the platform and return its reply."""


class PlatformScorecardTrainer:
    """The platform's side of one training job. ``holdout`` are its rows of the bank's test
    set, scored on request; ``on_finish`` receives the platform's model part."""

    def __init__(self, platform: LocalPlatform, holdout: pd.DataFrame | None = None, *,
                 allow_plaintext: bool = False, on_finish: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.platform = platform
        self._holdout = holdout
        self._allow_plaintext = allow_plaintext
        self._on_finish = on_finish
        self._cipher: PlatformCipher | None = None
        self._C = 1.0
        self.closed = False
        self.part: dict[str, Any] | None = None
        self._handlers: dict[str, Callable[[Message], Message]] = {
            "hello": self._hello, "bin_counts": self._bin_counts, "select": self._select,
            "gradient": self._gradient, "descend": self._descend, "holdout": self._holdout_scores,
            "finish": self._finish, "close": self._close,
        }

    def handle(self, request: bytes) -> bytes:
        message = Message.from_bytes(request)
        handler = self._handlers.get(message.kind)
        if handler is None:
            raise MessageFormatError(f"the platform does not serve {message.kind!r} scorecard requests")
        if message.kind != "hello" and self._cipher is None:
            raise MessageFormatError(f"a {message.kind!r} request before the bank's key")
        return handler(message).to_bytes()

    def _hello(self, message: Message) -> Message:
        scheme = message.fields.get("scheme")
        if scheme is None:
            if not self._allow_plaintext:
                raise ValueError("the bank asked for a plaintext scorecard: labels never leave it in the clear")
            self._cipher = PlainPlatform()
        else:
            self._cipher = EncryptedPlatform(str(scheme), _single_blob(message))
        prebins = self.platform.prebins
        return Message("hello", {"n_prebins": self.platform.n_prebins, "width": self.platform.width,
                                 "rows": len(self.platform.training),
                                 "categorical": [b.kind == "categorical" for b in prebins],
                                 "has_missing_prebin": [b.has_missing_prebin for b in prebins]})

    def _bin_counts(self, message: Message) -> Message:
        assert self._cipher is not None
        counts = self._cipher.bin_counts(_single_blob(message), self.platform.prebin_codes, self.platform.width)
        return Message("bin_counts", {}, (counts,))

    def _select(self, message: Message) -> Message:
        self._C = float(message.fields["C"])
        self.platform.select(Selection.from_dict(message.fields["selection"]))
        return Message("select", {"features": len(self.platform.binnings)})

    def _gradient(self, message: Message) -> Message:
        assert self._cipher is not None
        return Message("gradient", {}, (self.platform.masked_gradient(self._cipher, _single_blob(message)),))

    def _descend(self, message: Message) -> Message:
        masked = [int(v) for v in message.fields["masked"]]
        linear = self.platform.descend(masked, float(message.fields["step_size"]), float(message.fields["momentum"]),
                                       self._C)
        return Message("descend", {}, (np.asarray(linear, dtype="<f8").tobytes(),))

    def _holdout_scores(self, message: Message) -> Message:
        if self.part is None:
            raise MessageFormatError("holdout rows are scored once training has finished")
        if self._holdout is None:
            raise ValueError("this job has no holdout rows to score")
        codes = group_matrix(self.platform.binnings, self._holdout)
        linear = self.platform.linear_part(self.platform.state.weights, codes)
        return Message("holdout", {}, (np.asarray(linear, dtype="<f8").tobytes(),))

    def _finish(self, message: Message) -> Message:
        self.part = platform_part(self.platform, float(message.fields["factor"]))
        if self._on_finish is not None:
            self._on_finish(self.part)
        means = [float(np.mean(np.asarray(f["points"])[self.platform.codes[:, j]]))
                 for j, f in enumerate(self.part["scorecard"]["features"])]
        return Message("finish", {"platform_groups": group_summary(self.part["scorecard"]["features"], means)})


    def _close(self, message: Message) -> Message:
        self.closed = True
        return Message("close")


def platform_part(platform: LocalPlatform, factor: float) -> dict[str, Any]:
    """The platform's stored part: its bins with edges, WOE, weights and points."""
    features = [{"name": b.name, "group": feature_group(b.name), "bins": b.group_labels(),
                 "woe": platform.woe[j, :b.n_groups].tolist(), "weight": float(platform.state.weights[j]),
                 "points": points.tolist()}
                for j, (b, points) in enumerate(zip(platform.binnings, platform.points(factor)))]
    return {"scorecard": {"factor": factor, "features": features},
            "binnings": [b.to_dict() for b in platform.binnings]}


class RemotePlatform:
    """The platform as the bank's scorecard training sees it (a
    :class:`~models.scorecard.logistic.PlatformBlock` once features are selected)."""

    def __init__(self, transport: Transport, cipher: BankCipher) -> None:
        self._transport = transport
        self._cipher = cipher
        reply = self._call(Message("hello", {"scheme": cipher.scheme}, (cipher.public_bytes(),)))
        self.n_prebins = [int(k) for k in reply.fields["n_prebins"]]
        self.width = int(reply.fields["width"])
        self.categorical = [bool(c) for c in reply.fields["categorical"]]
        self.has_missing_prebin = [bool(m) for m in reply.fields["has_missing_prebin"]]
        self.rows = int(reply.fields["rows"])
        self.description = cipher.describe()

    def _call(self, request: Message) -> Message:
        return Message.from_bytes(self._transport.exchange(request.to_bytes()), expect=request.kind)

    def bin_counts(self, labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Events and non-events per prebin of each platform feature."""
        if len(labels) != self.rows:
            raise ValueError(f"{len(labels)} labels for the platform's {self.rows} training rows")
        reply = self._call(Message("bin_counts", {}, (self._cipher.encrypt_labels(labels),)))
        events, nonevents = self._cipher.decrypt_counts(_single_blob(reply), len(self.n_prebins), self.width)
        return [(events[j, :k], nonevents[j, :k]) for j, k in enumerate(self.n_prebins)]

    def select(self, selection: Selection, C: float) -> None:
        self._call(Message("select", {"selection": selection.to_dict(), "C": C}))

    def start(self) -> np.ndarray:
        return np.zeros(self.rows)

    def descend(self, residuals: np.ndarray, step_size: float, momentum: float) -> np.ndarray:
        reply = self._call(Message("gradient", {}, (self._cipher.encrypt_ints(residual_ints(residuals)),)))
        masked = self._cipher.decrypt_ints(_single_blob(reply))
        reply = self._call(Message("descend", {"masked": [str(v) for v in masked], "step_size": step_size,
                                               "momentum": momentum}))
        return _floats(_single_blob(reply), self.rows)

    def holdout(self, n_rows: int) -> np.ndarray:
        """The platform's linear predictor for the bank's test rows, to evaluate the joint model."""
        return _floats(_single_blob(self._call(Message("holdout"))), n_rows)

    def finish(self, factor: float) -> list[dict[str, Any]]:
        """Training is over: the platform stores its part and returns its points by feature group."""
        return list(self._call(Message("finish", {"factor": factor})).fields["platform_groups"])


    def close(self) -> None:
        """The bank needs nothing more: the platform's side of the job ends."""
        self._call(Message("close"))


class InProcessTransport:
    """A direct call, with every byte still going through the message codec."""

    def __init__(self, trainer: PlatformScorecardTrainer) -> None:
        self._trainer = trainer

    def exchange(self, request: bytes) -> bytes:
        return self._trainer.handle(request)


def _floats(payload: bytes, n_rows: int) -> np.ndarray:
    if len(payload) != 8 * n_rows:
        raise MessageFormatError(f"{len(payload)} bytes for {n_rows} linear predictor values")
    return np.frombuffer(payload, dtype="<f8").astype(np.float64)


def _single_blob(message: Message) -> bytes:
    if len(message.blobs) != 1:
        raise MessageFormatError(f"a {message.kind!r} message needs one blob, got {len(message.blobs)}")
    return message.blobs[0]
