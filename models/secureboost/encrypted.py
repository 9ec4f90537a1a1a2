"""Histograms of the platform's features under the bank's homomorphic key.

:class:`EncryptedHistogramServer` is the platform's histogram work: it holds its bins
and the bank's public key, takes the tree's encrypted gradients and answers with
encrypted per-bin sums, bytes in and bytes out (``models.secureboost.remote`` carries
them). The decrypted sums are exact (see ``federation.crypto.encoding``), so the
encrypted run grows the model the plaintext run grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from federation.crypto.backend import Backend
from models.secureboost.binning import BinLayout
from models.secureboost.histogram import FeatureSampler


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
                                        self._layout.n_bins, keep=self._layout.live_buckets(self._features))
        return [s.to_bytes() for s in sums]
