"""SecureBoost between two processes: the platform answers requests, the bank makes them.

:class:`PlatformTrainer` is everything the platform does during training, as a function
from request bytes to reply bytes; :class:`RemotePlatform` is the platform as the bank's
booster sees it, turning each call into a request over a :class:`Transport`. Gradients
leave the bank only encrypted under its own key; the platform's bin edges and feature
values never leave the platform (the bank gets histograms, row partitions and routing
answers, the standard SecureBoost disclosures listed in ``docs/leakage.md``).

The in-process estimator and the federated job run exactly this code; only the transport
differs (a direct call, or the coordinator's relay), so both grow the same model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from federation.crypto.backend import Backend, SecretContext
from models.secureboost.binning import BinLayout
from models.secureboost.encrypted import EncryptedHistogramServer
from models.secureboost.histogram import Histogram
from models.secureboost.messages import (
    Message,
    MessageFormatError,
    pack_ints,
    pack_masks,
    unpack_ints,
    unpack_masks,
)
from models.secureboost.passive import LocalPassiveParty
from models.secureboost.split import SplitRule

SETUP_SCOPE = "setup"


def round_scope(trees_done: int) -> str:
    """Requests are grouped by boosting round so that a resumed run can find its place."""
    return f"round-{trees_done}"


class Transport(Protocol):
    def exchange(self, request: bytes, scope: str) -> bytes:
        """Deliver ``request`` to the platform and return its reply."""


class PlatformTrainer:
    """The platform's side of one training job, holding its bins and the bank's public key.

    ``holdout`` are the platform's rows of the bank's test set, routed through the finished
    model on request (the bank evaluates the joint model on them). ``rounds`` is the
    number of trees whose splits ``platform`` already holds. ``on_finish`` runs once
    the bank has kept its final trees, with the model's platform paths (the federated job
    stores the model part and, for encrypted scoring, the paths there).
    """

    def __init__(self, platform: LocalPassiveParty, backend: Backend, holdout: pd.DataFrame | None = None,
                 rounds: int = 0, on_finish: Callable[[int, dict[str, Any]], None] | None = None) -> None:
        self.platform = platform
        self._backend = backend
        self._server = EncryptedHistogramServer(platform.train_bins, platform.layout, platform.sampler, backend)
        self._holdout = holdout
        self._on_finish = on_finish
        self.rounds = rounds
        self.finished = False
        self._handlers: dict[str, Callable[[Message], Message]] = {
            "hello": self._hello,
            "begin_tree": self._begin_tree,
            "histograms": self._histograms,
            "apply_split": self._apply_split,
            "validation_go_left": self._validation_go_left,
            "keep_trees": self._keep_trees,
            "end_round": self._end_round,
            "route": self._route,
            "finish": self._finish,
        }

    def handle(self, request: bytes) -> bytes:
        message = Message.from_bytes(request)
        handler = self._handlers.get(message.kind)
        if handler is None:
            raise MessageFormatError(f"the platform does not serve {message.kind!r} requests")
        return handler(message).to_bytes()

    def _hello(self, message: Message) -> Message:
        if message.fields.get("scheme") != self._backend.name:
            raise ValueError(f"the bank encrypts with {message.fields.get('scheme')!r}, "
                             f"the platform was set up for {self._backend.name!r}")
        self._server.set_public_key(_single_blob(message))
        return Message("hello", {"layout": self.platform.layout.to_dict()})

    def _begin_tree(self, message: Message) -> Message:
        features = self._server.begin_tree(int(message.fields["tree"]), _single_blob(message))
        return Message("begin_tree", {}, (pack_ints(np.frombuffer(features, dtype=np.int64)),))

    def _histograms(self, message: Message) -> Message:
        n_nodes = int(message.fields["nodes"])
        return Message("histograms", {}, tuple(self._server.histograms(_single_blob(message), n_nodes)))

    def _apply_split(self, message: Message) -> Message:
        mask = unpack_masks(_single_blob(message), (len(self.platform.train_bins),))
        rule = SplitRule.from_dict(message.fields["rule"])
        if not 0 <= rule.feature < self.platform.layout.n_features:
            raise MessageFormatError(f"split on feature {rule.feature}: the platform has "
                                     f"{self.platform.layout.n_features}")
        ref, left = self.platform.apply_split(int(message.fields["tree"]), int(message.fields["node"]), rule, mask)
        return Message("apply_split", {"ref": ref}, (pack_masks(left),))

    def _validation_go_left(self, message: Message) -> Message:
        answers = self.platform.validation_go_left(list(message.fields["refs"]))
        return Message("validation_go_left", {"shape": list(answers.shape)}, (pack_masks(answers),))

    def _keep_trees(self, message: Message) -> Message:
        self.platform.keep_trees(int(message.fields["trees"]))
        return Message("keep_trees")

    def _end_round(self, message: Message) -> Message:
        self.rounds = int(message.fields["trees"])
        self.platform.end_round(self.rounds)
        return Message("end_round")

    def _route(self, message: Message) -> Message:
        if self._holdout is None:
            raise ValueError("this job has no holdout rows to route")
        answers = self.platform.model.router(self._holdout).go_left(list(message.fields["refs"]))
        return Message("route", {"shape": list(answers.shape)}, (pack_masks(answers),))

    def _finish(self, message: Message) -> Message:
        trees = int(message.fields["trees"])
        self.platform.keep_trees(trees)
        self.finished = True
        if self._on_finish is not None:
            self._on_finish(trees, dict(message.fields.get("paths", {})))
        return Message("finish")


class RemotePlatform:
    """The platform as the bank's :class:`~models.secureboost.booster.ActiveBooster` sees it.

    ``trees_done`` is where a resumed run starts; requests carry their round so that the
    transport can file them where the interrupted run did.
    """

    def __init__(self, transport: Transport, secret: SecretContext, trees_done: int = 0) -> None:
        self._transport = transport
        self._secret = secret
        self._scope = SETUP_SCOPE
        public = secret.public
        reply = self._call(Message("hello", {"scheme": public.scheme}, (public.to_bytes(),)))
        self.layout = BinLayout.from_dict(reply.fields["layout"])
        self.description = public.describe()
        self._features = np.arange(self.layout.n_features)
        self._scope = round_scope(trees_done)

    def _call(self, request: Message) -> Message:
        return Message.from_bytes(self._transport.exchange(request.to_bytes(), self._scope), expect=request.kind)

    def begin_tree(self, tree: int, grad: np.ndarray, hess: np.ndarray) -> None:
        ciphertexts = self._secret.public.encrypt_gh(grad, hess).to_bytes()
        reply = self._call(Message("begin_tree", {"tree": tree}, (ciphertexts,)))
        features = unpack_ints(_single_blob(reply))
        if features.size and (features.min() < 0 or features.max() >= self.layout.n_features):
            raise MessageFormatError("the platform named features outside its layout")
        self._features = features

    def histograms(self, node_masks: Sequence[np.ndarray]) -> list[Histogram]:
        if not node_masks:
            return []
        reply = self._call(Message("histograms", {"nodes": len(node_masks)}, (pack_masks(np.asarray(node_masks)),)))
        if len(reply.blobs) != len(node_masks):
            raise MessageFormatError(f"{len(reply.blobs)} histograms for {len(node_masks)} nodes")
        shape = (len(self._features), self.layout.n_bins)
        live = self.layout.live_buckets(self._features)
        out = []
        for payload in reply.blobs:
            sums = self._secret.public.load_ciphertexts(payload)
            if len(sums) != len(live):
                raise MessageFormatError(f"a histogram of {len(sums)} sums, expected {len(live)}")
            grad, hess = np.zeros(shape[0] * shape[1]), np.zeros(shape[0] * shape[1])
            grad[live], hess[live] = self._secret.decrypt_gh(sums)
            out.append(Histogram(self._features, grad.reshape(shape), hess.reshape(shape)))
        return out

    def apply_split(self, tree: int, node: int, rule: SplitRule, node_mask: np.ndarray) -> tuple[str, np.ndarray]:
        request = Message("apply_split", {"tree": tree, "node": node, "rule": rule.to_dict()},
                          (pack_masks(node_mask),))
        reply = self._call(request)
        return str(reply.fields["ref"]), unpack_masks(_single_blob(reply), node_mask.shape)

    def validation_go_left(self, refs: Sequence[str]) -> np.ndarray:
        return self._answers(self._call(Message("validation_go_left", {"refs": list(refs)})), len(refs))

    def keep_trees(self, n_trees: int) -> None:
        self._call(Message("keep_trees", {"trees": n_trees}))

    def end_round(self, trees_done: int) -> None:
        """The tree is final at the bank: the platform may persist its splits."""
        self._call(Message("end_round", {"trees": trees_done}))
        self._scope = round_scope(trees_done)

    def route(self, refs: Sequence[str]) -> np.ndarray:
        """Where the holdout rows go at each platform split, as :class:`~models.secureboost.tree.Router`."""
        return self._answers(self._call(Message("route", {"refs": list(refs)})), len(refs))

    def finish(self, n_trees: int, paths: dict[str, Any]) -> None:
        """Training is over; ``paths`` (:class:`models.scoring.paths.PlatformPaths`) let the
        platform take part in encrypted scoring without learning the bank's rules or values."""
        self._call(Message("finish", {"trees": n_trees, "paths": paths}))

    @staticmethod
    def _answers(reply: Message, n_refs: int) -> np.ndarray:
        shape = tuple(int(x) for x in reply.fields["shape"])
        if len(shape) != 2 or shape[0] != n_refs:
            raise MessageFormatError(f"routing answers of shape {shape} for {n_refs} splits")
        return unpack_masks(_single_blob(reply), shape)


class HoldoutRouter:
    """The holdout rows' side of :func:`~models.secureboost.tree.predict_raw`, asked of the platform."""

    def __init__(self, platform: RemotePlatform) -> None:
        self._platform = platform

    def go_left(self, refs: Sequence[str]) -> np.ndarray:
        return self._platform.route(refs)


class InProcessTransport:
    """A direct call: the notebook and test path, with every byte still going through the codec."""

    def __init__(self, trainer: PlatformTrainer) -> None:
        self._trainer = trainer

    def exchange(self, request: bytes, scope: str) -> bytes:
        return self._trainer.handle(request)


def _single_blob(message: Message) -> bytes:
    if len(message.blobs) != 1:
        raise MessageFormatError(f"a {message.kind!r} message needs one blob, got {len(message.blobs)}")
    return message.blobs[0]
