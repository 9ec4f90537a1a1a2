"""HE benchmark for SecureBoost histograms: HEU OU, HEU ZPaillier, python-paillier, CKKS.

Per backend: key generation, encrypting n packed (g, h) pairs at the bank, the
ciphertext bytes sent to the platform, the platform's bucket sums for one tree level
(``--nodes`` nodes partitioning the n instances, ``--features`` x ``--bins`` buckets
each), the bank's decryption of those sums, and the largest error against numpy's
plaintext sums. python-paillier runs on ``--phe-n`` instances only (it needs minutes
per 10k encryptions) and its encryption time is also given scaled to n.

CKKS (TenSEAL) cannot sum by a plaintext bin index; each bucket is a ciphertext x
plaintext-mask product per 4096-slot chunk plus a rotate-and-sum, so one product and
one rotate-and-sum are timed and a level is extrapolated from them.

``projected_50_trees_depth5_s`` assumes the sibling trick (the bank asks for the
smaller child only and subtracts): per tree one encryption, three full levels of
bucket sums (root, then four levels of at most n/2) and 16 node histograms to decrypt.

    python benchmarks/he.py [--n 100000] [--phe-n 2000] [--skip phe-paillier,ckks]

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from federation.crypto import get_backend

T = TypeVar("T")
CKKS_SLOTS = 4096


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """The result, the wall seconds, and the cores kept busy (CPU seconds over wall seconds):
    whether a kernel already uses every core decides whether sharding it can pay."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall = time.perf_counter() - start
    return result, wall, (time.process_time() - cpu) / max(wall, 1e-9)


def synthetic(n: int, features: int, bins: int, nodes: int, seed: int) -> dict[str, Any]:
    """Logistic-loss gradients (g = p - y, h = p(1 - p)), uniform bins, a random partition."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.01, 0.99, size=n)
    y = rng.random(n) < p
    node = rng.integers(0, nodes, size=n)
    return {
        "g": p - y,
        "h": p * (1 - p),
        "bins": rng.integers(0, bins, size=(n, features)).astype(np.uint8),
        "masks": [node == k for k in range(nodes)],
    }


def numpy_sums(values: np.ndarray, bins: np.ndarray, mask: np.ndarray, n_bins: int) -> np.ndarray:
    return np.concatenate(
        [np.bincount(bins[mask, j], weights=values[mask], minlength=n_bins) for j in range(bins.shape[1])]
    )


def exact_sums(values: np.ndarray, bins: np.ndarray, mask: np.ndarray, n_bins: int) -> np.ndarray:
    """Correctly rounded sums (math.fsum): the yardstick numpy's own sums are held to as well."""
    sums = []
    for j in range(bins.shape[1]):
        column, member_values = bins[mask, j], values[mask]
        order = np.argsort(column, kind="stable")
        groups = np.split(member_values[order], np.searchsorted(column[order], np.arange(1, n_bins)))
        sums.extend(math.fsum(group) for group in groups)
    return np.array(sums)


def bench_backend(name: str, data: dict[str, Any], n_bins: int) -> dict[str, Any]:
    g, h, bins, masks = data["g"], data["h"], data["bins"], data["masks"]
    backend = get_backend(name)
    (public, secret), keygen_s, _ = timed(lambda: backend.generate(2048))
    log(f"{name}: keygen {keygen_s:.1f}s")
    ciphertexts, encrypt_s, encrypt_cores = timed(lambda: public.encrypt_gh(g, h))
    log(f"{name}: encrypt {len(g)} in {encrypt_s:.1f}s")
    wire, serialize_s, _ = timed(ciphertexts.to_bytes)
    platform = backend.load_public(public.to_bytes())
    received, load_s, _ = timed(lambda: platform.load_ciphertexts(wire))
    sums, bucket_s, bucket_cores = timed(lambda: platform.bucket_sums(received, bins, masks, n_bins))
    log(f"{name}: bucket sums {bucket_s:.1f}s")
    decrypted, decrypt_s, decrypt_cores = timed(lambda: [secret.decrypt_gh(node_sums) for node_sums in sums])
    errors, exact_errors, scale = [], [], []
    for (got_g, got_h), mask in zip(decrypted, masks):
        for got, values in ((got_g, g), (got_h, h)):
            expected = numpy_sums(values, bins, mask, n_bins)
            errors.append(np.max(np.abs(got - expected)))
            exact_errors.append(np.max(np.abs(got - exact_sums(values, bins, mask, n_bins))))
            scale.append(np.max(np.abs(expected)))
    return {
        "n": len(g),
        "keygen_s": round(keygen_s, 3),
        "encrypt_gh_s": round(encrypt_s, 3),
        "serialize_s": round(serialize_s, 3),
        "deserialize_s": round(load_s, 3),
        "ciphertexts_mb": round(len(wire) / 1e6, 2),
        "public_key_kb": round(len(public.to_bytes()) / 1e3, 2),
        "bucket_sums_s": round(bucket_s, 3),
        "decrypt_s": round(decrypt_s, 3),
        "sums_mb": round(sum(len(s.to_bytes()) for s in sums) / 1e6, 2),
        "cores_busy": {"encrypt": round(encrypt_cores, 2), "bucket_sums": round(bucket_cores, 2),
                       "decrypt": round(decrypt_cores, 2)},
        "max_abs_err": float(max(errors)),
        "max_rel_err": float(max(errors) / max(scale)),
        "max_abs_err_vs_exact": float(max(exact_errors)),
        "describe": public.describe(),
    }


def bench_ckks(data: dict[str, Any], n_bins: int) -> dict[str, Any]:
    import tenseal as ts

    g, h, bins, masks = data["g"], data["h"], data["bins"], data["masks"]

    def make_context() -> ts.Context:
        context = ts.context(ts.SCHEME_TYPE.CKKS, poly_modulus_degree=8192, coeff_mod_bit_sizes=[60, 40, 40, 60])
        context.global_scale = 2**40
        context.generate_galois_keys()
        return context

    context, keygen_s, _ = timed(make_context)
    chunks = range(0, len(g), CKKS_SLOTS)
    encrypted, encrypt_s, _ = timed(
        lambda: [ts.ckks_vector(context, values[i : i + CKKS_SLOTS].tolist()) for values in (g, h) for i in chunks]
    )
    public = context.copy()
    public.make_context_public()
    wire = sum(len(c.serialize()) for c in encrypted)
    mask = (masks[0] & (bins[:, 0] == 0))[:CKKS_SLOTS]
    product, mul_s, _ = timed(lambda: encrypted[0] * mask.astype(np.float64).tolist())
    total, sum_s, _ = timed(product.sum)
    error = abs(total.decrypt()[0] - float(np.sum(g[:CKKS_SLOTS][mask])))
    buckets = len(masks) * bins.shape[1] * n_bins
    per_bucket = 2 * (len(chunks) * mul_s + sum_s)
    return {
        "n": len(g),
        "params": "N=8192, q=[60,40,40,60], scale=2^40 (128-bit per the HE standard)",
        "keygen_with_galois_s": round(keygen_s, 3),
        "encrypt_gh_s": round(encrypt_s, 3),
        "ciphertexts_mb": round(wire / 1e6, 2),
        "public_context_with_galois_mb": round(len(public.serialize(save_galois_keys=True)) / 1e6, 2),
        "one_ct_pt_mul_s": round(mul_s, 4),
        "one_rotate_sum_s": round(sum_s, 4),
        "bucket_sums_s_extrapolated": round(buckets * per_bucket, 1),
        "one_masked_sum_abs_err": error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--phe-n", type=int, default=2_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--bins", type=int, default=32)
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", default="", help="comma-separated: heu-ou, heu-zpaillier, phe-paillier, ckks")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    data = synthetic(args.n, args.features, args.bins, args.nodes, args.seed)
    results: dict[str, Any] = {}
    for name in ("heu-ou", "heu-zpaillier"):
        if name not in skip:
            result = bench_backend(name, data, args.bins)
            per_tree = result["encrypt_gh_s"] + 3 * result["bucket_sums_s"] + 16 / args.nodes * result["decrypt_s"]
            results[name] = result | {"projected_50_trees_depth5_s": round(50 * per_tree)}
    if "phe-paillier" not in skip:
        small = synthetic(args.phe_n, args.features, args.bins, args.nodes, args.seed)
        results["phe-paillier"] = bench_backend("phe-paillier", small, args.bins)
        results["phe-paillier"]["encrypt_gh_s_scaled_to_n"] = round(
            results["phe-paillier"]["encrypt_gh_s"] * args.n / args.phe_n, 1
        )
    if "ckks" not in skip:
        log("ckks")
        results["tenseal-ckks"] = bench_ckks(data, args.bins)

    print(
        json.dumps(
            {
                "benchmark": "he",
                "n": args.n,
                "features": args.features,
                "bins": args.bins,
                "nodes": args.nodes,
                "cpus": os.cpu_count(),
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
