"""The committed stubs are exactly what protoc generates from protos/ with the pinned grpcio-tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GENERATED = ("coordinator_pb2.py", "coordinator_pb2.pyi", "coordinator_pb2_grpc.py")


def test_generated_stubs_match_the_proto(tmp_path: Path) -> None:
    protos = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "protos").rglob("*.proto"))
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-Iprotos", f"--python_out={tmp_path}",
                    f"--pyi_out={tmp_path}", f"--grpc_python_out={tmp_path}", *protos], cwd=ROOT, check=True)
    for name in GENERATED:
        fresh = (tmp_path / "federation" / "rpc" / name).read_text()
        committed = (ROOT / "federation" / "rpc" / name).read_text()
        assert fresh == committed, f"federation/rpc/{name} is stale: run `make protos`"


def test_stubs_load_with_the_installed_protobuf_runtime() -> None:
    from federation.rpc import coordinator_pb2

    assert coordinator_pb2.DESCRIPTOR.services_by_name["Coordinator"].full_name == "fedcredit.v1.Coordinator"
