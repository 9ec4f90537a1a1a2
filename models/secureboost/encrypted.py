"""Histograms of the platform's features under the bank's homomorphic key.

Two halves that exchange bytes only, so that the same objects serve the one-process
estimator and the federated job (where the bytes ride the coordinator's relay):
the platform's :class:`EncryptedHistogramServer` holds its bins and the bank's public
key and answers with encrypted per-bin sums; the bank's :class:`EncryptedPassiveParty`
encrypts the gradients, decrypts only those sums, and forwards everything else the
booster asks of the platform (split bookkeeping) unchanged. The decrypted sums are
exact (see ``federation.crypto.encoding``), so the encrypted run grows the model the
plaintext run grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from federation.crypto.backend import Backend
from models.secureboost.binning import BinLayout
from models.secureboost.histogram import FeatureSampler, Histogram
from models.secureboost.passive import LocalPassiveParty
from models.secureboost.split import SplitRule


class EncryptedHistogramServer:
    """The platform's half: it never holds a secret key or a plaintext gradient."""

    def __init__(self, train_bins: np.ndarray, layout: BinLayout, sampler: FeatureSampler,
                 backend: Backend) -> None:
        self._bins = np.ascontiguousarray(train_bins, dtype=np.uint8)
        self._layout = layout
        self._sampler = sampler
        self._backend = backend
        self._public: Any = None
        self._ciphertexts: Any = None
        self._features = np.arange(layout.n_features)

    def set_public_key(self, public_key: bytes) -> None:
        self._public = self._backend.load_public(public_key)

    def begin_tree(self, tree: int, ciphertexts: bytes) -> bytes:
        """Take the tree's encrypted (g, h); answer with the feature indices this tree may use."""
        if self._public is None:
            raise RuntimeError("the bank's public key must arrive before its gradients")
        self._ciphertexts = self._public.load_ciphertexts(ciphertexts)
        if len(self._ciphertexts) != len(self._bins):
            raise ValueError(f"{len(self._ciphertexts)} ciphertexts for {len(self._bins)} training rows")
        self._features = self._sampler.features(tree, self._layout.n_features)
        return self._features.astype(np.int64).tobytes()

    def histograms(self, packed_masks: bytes, n_nodes: int) -> list[bytes]:
        rows = len(self._bins)
        masks = np.unpackbits(np.frombuffer(packed_masks, dtype=np.uint8), count=n_nodes * rows)
        node_masks = list(masks.reshape(n_nodes, rows).astype(bool))
        sums = self._public.bucket_sums(self._ciphertexts, self._bins[:, self._features], node_masks,
                                        self._layout.n_bins)
        return [s.to_bytes() for s in sums]


class EncryptedPassiveParty:
    """The platform as the bank's booster sees it, with every gradient encrypted on the way out."""

    def __init__(self, platform: LocalPassiveParty, backend: Backend, key_bits: int = 2048) -> None:
        self._platform = platform
        self._server = EncryptedHistogramServer(platform.train_bins, platform.layout, platform.sampler, backend)
        public, self._secret = backend.generate(key_bits)
        self.description = public.describe()
        self._server.set_public_key(public.to_bytes())
        self._features = np.arange(platform.layout.n_features)

    @property
    def layout(self) -> BinLayout:
        return self._platform.layout

    def begin_tree(self, tree: int, grad: np.ndarray, hess: np.ndarray) -> None:
        payload = self._secret.public.encrypt_gh(grad, hess).to_bytes()
        self._features = np.frombuffer(self._server.begin_tree(tree, payload), dtype=np.int64)

    def histograms(self, node_masks: Sequence[np.ndarray]) -> list[Histogram]:
        if not node_masks:
            return []
        packed = np.packbits(np.asarray(node_masks, dtype=bool)).tobytes()
        shape = (len(self._features), self.layout.n_bins)
        out = []
        for payload in self._server.histograms(packed, len(node_masks)):
            grad, hess = self._secret.decrypt_gh(self._secret.public.load_ciphertexts(payload))
            out.append(Histogram(self._features, grad.reshape(shape), hess.reshape(shape)))
        return out

    def apply_split(self, tree: int, node: int, rule: SplitRule, node_mask: np.ndarray) -> tuple[str, np.ndarray]:
        return self._platform.apply_split(tree, node, rule, node_mask)

    def validation_go_left(self, refs: Sequence[str]) -> np.ndarray:
        return self._platform.validation_go_left(refs)

    def keep_trees(self, n_trees: int) -> None:
        self._platform.keep_trees(n_trees)
