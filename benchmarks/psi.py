"""PSI benchmark: our ECDH PSI against openmined-psi 2.0.6, two OS processes per run.

Each run starts one process per party, joined by a pair of pipes that carry whole
messages, and times from spawning both to both exiting (interpreter start-up included,
for both libraries alike). openmined-psi pins a protobuf that clashes with ours, so it
runs from its own virtualenv (created on first use), with this same file as the party
program: everything at module level is standard library for that reason.

    python benchmarks/psi.py --sizes 100000,1000000 [--skip-openmined]

Progress goes to stderr; the last stdout line is one JSON object.
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OPENMINED_VERSION = "2.0.6"
# Beijing Haidian, Shanghai Pudong, Shenzhen, Suzhou Industrial Park: where the ids register.
DIVISIONS = ["110108", "310115", "440300", "320571"]


class PipeChannel:
    """Length-prefixed frames over a pair of pipes. Sends go through a writer thread:
    both parties send their first message before reading anything, and a blocking write
    into a full pipe would leave each waiting for the other. Another transport (the gRPC
    relay) plugs in by offering the same send/receive."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._reader = open(read_fd, "rb")
        self._writer = open(write_fd, "wb")
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def send(self, payload: bytes) -> None:
        self._outbox.put(payload)

    def receive(self) -> bytes:
        header = self._reader.read(8)
        if len(header) != 8:
            raise EOFError("peer closed the channel")
        size = int.from_bytes(header, "big")
        payload = self._reader.read(size)
        if len(payload) != size:
            raise EOFError(f"peer closed the channel after {len(payload)} of {size} bytes")
        return payload

    def close(self) -> None:
        self._outbox.put(None)
        self._thread.join()
        self._writer.close()
        self._reader.close()

    def _drain(self) -> None:
        while (payload := self._outbox.get()) is not None:
            self._writer.write(len(payload).to_bytes(8, "big"))
            self._writer.write(payload)
            self._writer.flush()


def read_ids(path: str) -> list[str]:
    return Path(path).read_text().split("\n")[:-1]


# --- party programs (run in child processes) -------------------------------------------


def ours_party(role: str, ids: list[str], channel: PipeChannel, workers: int | None) -> dict:
    from federation.psi import run_bank, run_platform

    if role == "bank":
        return {"intersection": len(run_bank(ids, channel, workers=workers).ids_in_intersection)}
    run_platform(ids, channel, workers=workers)
    return {}


def openmined_party(role: str, ids: list[str], channel: PipeChannel, client_size: int) -> dict:
    """The same exchange in openmined-psi: the server's setup message is its blinded set,
    sent before it reads the client's request, as our platform does."""
    from private_set_intersection.python import (
        DataStructure,
        Request,
        Response,
        ServerSetup,
        client,
        server,
    )

    if role == "bank":
        psi_client = client.CreateWithNewKey(True)
        channel.send(psi_client.CreateRequest(ids).SerializeToString())
        setup = ServerSetup.FromString(channel.receive())
        response = Response.FromString(channel.receive())
        return {"intersection": len(psi_client.GetIntersection(setup, response))}
    psi_server = server.CreateWithNewKey(True)
    # RAW: exact matching like ours, so the false-positive rate argument is unused.
    setup = psi_server.CreateSetupMessage(1e-9, client_size, ids, DataStructure.RAW)
    channel.send(setup.SerializeToString())
    request = Request.FromString(channel.receive())
    channel.send(psi_server.ProcessRequest(request).SerializeToString())
    return {}


def party_main(args: argparse.Namespace) -> None:
    read_fd, write_fd = (int(fd) for fd in args.fds.split(","))
    channel = PipeChannel(read_fd, write_fd)
    ids = read_ids(args.ids)
    if args.library == "ours":
        report = ours_party(args.party, ids, channel, args.workers)
    else:
        report = openmined_party(args.party, ids, channel, args.client_size)
    channel.close()
    print(json.dumps(report), flush=True)


# --- orchestration ---------------------------------------------------------------------


def write_sets(directory: Path, n: int, overlap: float, seed: int) -> tuple[str, str, int]:
    """Two sets of n valid USCCs sharing round(n * overlap), each in random order."""
    import numpy as np

    from federation.data.uscc import random_usccs

    shared = round(n * overlap)
    rng = np.random.default_rng(seed)
    ids = random_usccs(rng, 2 * n - shared, DIVISIONS).tolist()
    bank, platform = ids[:n], ids[:shared] + ids[n:]
    paths = []
    for name, members in (("bank", bank), ("platform", platform)):
        path = directory / f"{name}-{n}.txt"
        path.write_text("\n".join(rng.permutation(members).tolist()) + "\n")
        paths.append(str(path))
    return paths[0], paths[1], shared


def run_pair(
    python: str, library: str, bank_ids: str, platform_ids: str, extra: list[str]
) -> tuple[float, dict]:
    """Wall seconds for one two-process run, and the bank's report."""
    bank_to_platform = os.pipe()
    platform_to_bank = os.pipe()
    ends = {
        "bank": (platform_to_bank[0], bank_to_platform[1], bank_ids),
        "platform": (bank_to_platform[0], platform_to_bank[1], platform_ids),
    }
    started = time.perf_counter()
    children = {}
    for role, (read_fd, write_fd, ids) in ends.items():
        command = [
            python, __file__, "--party", role, "--library", library,
            "--ids", ids, "--fds", f"{read_fd},{write_fd}", *extra,
        ]
        children[role] = subprocess.Popen(
            command, pass_fds=(read_fd, write_fd), stdout=subprocess.PIPE, cwd=REPO
        )
    for fd in (*bank_to_platform, *platform_to_bank):
        os.close(fd)
    outputs = {role: child.communicate()[0] for role, child in children.items()}
    elapsed = time.perf_counter() - started
    for role, child in children.items():
        if child.returncode != 0:
            raise RuntimeError(f"{library} {role} exited with {child.returncode}")
    return elapsed, json.loads(outputs["bank"].decode().strip().splitlines()[-1])


def federated_runs(directory: Path, bank_ids: str, platform_ids: str, shared: int,
                   workers: int | None) -> dict:
    """PSI as the product runs it: a job through the coordinator, each party its own
    process, mutual TLS on loopback. Cold: the platform blinds its register inside the job
    (fresh key per job). Warm: the register was blinded ahead of time for the key epoch;
    the first job of the epoch waits for that preparation, the second is what banks see."""
    import pandas as pd

    from federation.launcher import LocalFederation, PartySpec
    from federation.security.roles import Role

    tables = []
    for role, path in ((Role.PLATFORM, platform_ids), (Role.BANK, bank_ids)):
        ids = Path(path).read_text().split()
        frame = pd.DataFrame({"id": ids})
        schema = "id: id\nid_type: uscc\nfeatures: {}\n"
        if role is Role.BANK:
            frame["y"] = [i % 2 for i in range(len(ids))]
            schema += "label: y\npositive_label: 1\n"
        frame.to_parquet(directory / f"{role.value}.parquet")
        (directory / f"{role.value}.yaml").write_text(schema)
        tables.append(PartySpec(role.value, role, directory / f"{role.value}.parquet",
                                directory / f"{role.value}.yaml"))

    def job_seconds(federation: LocalFederation) -> float:
        with federation.client("bank") as bank:
            started = time.perf_counter()
            job = bank.wait_for_job(bank.submit_job("psi", ["platform"]).id, timeout=3600)
            elapsed = time.perf_counter() - started
        found = json.loads(job.participants[0].result_json)["intersection_size"]
        if found != shared:
            raise RuntimeError(f"federated PSI found {found} of {shared} shared ids")
        return elapsed

    timings = {}
    with LocalFederation(directory / "cold", tables, psi_workers=workers, psi_epoch_hours=0) as federation:
        timings["grpc_cold_s"] = round(job_seconds(federation), 1)
    with LocalFederation(directory / "warm", tables, psi_workers=workers, psi_epoch_hours=24) as federation:
        timings["grpc_first_of_epoch_s"] = round(job_seconds(federation), 1)
        timings["grpc_warm_s"] = round(job_seconds(federation), 1)
    return timings


def openmined_python(venv: Path) -> str:
    python = venv / "bin" / "python"
    probe = (
        "import private_set_intersection.python as p; "
        f"assert p.__version__ == '{OPENMINED_VERSION}'"
    )
    if python.exists() and subprocess.run([python, "-c", probe], capture_output=True).returncode == 0:
        return str(python)
    log(f"creating {venv} with openmined-psi=={OPENMINED_VERSION}")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run(
        [python, "-m", "pip", "install", "-q", f"openmined-psi=={OPENMINED_VERSION}"], check=True
    )
    return str(python)


def per_op_microseconds(size: int) -> dict:
    """Single-core cost of each step, on one process, for reading the wall times."""
    import numpy as np

    from federation.psi.blinding import blind, new_scalar
    from federation.psi.hash_to_curve import encode_to_curve
    from federation.psi.matching import match

    ids = [f"9111{number:014d}".encode() for number in range(size)]
    started = time.perf_counter()
    points = encode_to_curve(ids)
    hashed = time.perf_counter()
    blinded = blind(new_scalar(), points)
    done = time.perf_counter()
    match(blinded, blinded[np.random.default_rng(0).permutation(size)])
    matched = time.perf_counter()
    return {
        "size": size,
        "hash": round((hashed - started) / size * 1e6, 2),
        "blind": round((done - hashed) / size * 1e6, 2),
        "match": round((matched - done) / size * 1e6, 3),
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_main(args: argparse.Namespace) -> None:
    sizes = [int(size) for size in args.sizes.split(",")]
    om_python = None if args.skip_openmined else openmined_python(REPO / args.openmined_venv)
    summary: dict = {"bench": "psi", "overlap": args.overlap, "cores": os.cpu_count()}
    if args.per_op_size:
        summary["per_op_us"] = per_op_microseconds(args.per_op_size)
        log(f"per-op: {summary['per_op_us']}")
    workers = ["--workers", str(args.workers)] if args.workers else []
    results = []
    with tempfile.TemporaryDirectory(prefix="psi-bench-") as directory:
        for n in sizes:
            bank_ids, platform_ids, shared = write_sets(Path(directory), n, args.overlap, args.seed)
            ours_s, ours = run_pair(sys.executable, "ours", bank_ids, platform_ids, workers)
            if ours["intersection"] != shared:
                raise RuntimeError(f"ours found {ours['intersection']} of {shared} shared ids")
            row = {"n": n, "intersection": shared, "ours_s": round(ours_s, 1)}
            log(f"n={n}: ours {ours_s:.1f} s")
            if not args.skip_federated:
                row |= federated_runs(Path(directory), bank_ids, platform_ids, shared, args.workers)
                log(f"n={n}: federated {row}")
            if om_python:
                om_s, om = run_pair(
                    om_python, "openmined", bank_ids, platform_ids, ["--client-size", str(n)]
                )
                if om["intersection"] != shared:
                    raise RuntimeError(f"openmined found {om['intersection']} of {shared}")
                row |= {"openmined_s": round(om_s, 1), "speedup": round(om_s / ours_s, 2)}
                for key in ("grpc_cold_s", "grpc_warm_s"):
                    if key in row:
                        row[f"speedup_{key[:-2]}"] = round(om_s / row[key], 2)
                log(f"n={n}: openmined {om_s:.1f} s")
            results.append(row)
    summary["results"] = results
    print(json.dumps(summary), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated set sizes")
    parser.add_argument("--overlap", type=float, default=0.5, help="shared fraction of each set")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--workers", type=int, help="worker processes per party (ours)")
    parser.add_argument("--skip-openmined", action="store_true")
    parser.add_argument("--skip-federated", action="store_true",
                        help="skip the runs through the coordinator over mutual TLS")
    parser.add_argument("--openmined-venv", default=".venv-openmined", help="relative to the repo")
    parser.add_argument("--per-op-size", type=int, default=100000, help="0 skips per-op timing")
    parser.add_argument("--party", choices=("bank", "platform"), help=argparse.SUPPRESS)
    parser.add_argument("--library", choices=("ours", "openmined"), help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("--fds", help=argparse.SUPPRESS)
    parser.add_argument("--client-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.party:
        party_main(args)
    else:
        bench_main(args)


if __name__ == "__main__":
    main()
