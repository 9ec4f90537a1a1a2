"""Additively homomorphic encryption for vertical SecureBoost (and the scorecard).

The bank (active party) generates a key pair, encrypts packed (gradient, hessian)
pairs and sends the ciphertexts and the public key only; the platform sums them into
per-(feature, bin) histograms for the nodes the bank asks about and returns the
re-randomized sums; the bank decrypts those sums and nothing else.

=============  ==========================================================================
bank           the (G, H) sums per (node, platform feature, bin) it decrypts, which is
               inherent to SecureBoost; not the platform's bin edges or feature values
platform       ciphertexts, the public key, the node masks the bank sends (hence bucket
               counts, which it could compute from its own bins anyway); no g, h or label
coordinator    envelopes: scheme, key id and sizes; re-randomization keeps it from
               matching a returned sum to an incoming ciphertext
=============  ==========================================================================

``docs/crypto.md`` has the measured comparison and why ``heu-ou`` is the default.
"""

from federation.crypto.backend import (
    Backend,
    Ciphertexts,
    EnvelopeError,
    KeyMismatchError,
    PublicContext,
    SecretContext,
)
from federation.crypto.encoding import FixedPointPacking, PlaintextRangeError
from federation.crypto.heu_backend import HeuBackend
from federation.crypto.phe_backend import PheBackend

DEFAULT_BACKEND = "heu-ou"


def get_backend(name: str = DEFAULT_BACKEND) -> Backend:
    """Backend by the name a job configuration or model card uses."""
    backends: dict[str, Backend] = {
        "heu-ou": HeuBackend("ou"),
        "heu-zpaillier": HeuBackend("zpaillier"),
        "phe-paillier": PheBackend(),
    }
    if name not in backends:
        raise ValueError(f"unknown HE backend {name!r}; known: {sorted(backends)}")
    return backends[name]


__all__ = [
    "DEFAULT_BACKEND",
    "Backend",
    "Ciphertexts",
    "EnvelopeError",
    "FixedPointPacking",
    "HeuBackend",
    "KeyMismatchError",
    "PheBackend",
    "PlaintextRangeError",
    "PublicContext",
    "SecretContext",
    "get_backend",
]
