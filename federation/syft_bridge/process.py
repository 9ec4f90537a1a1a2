"""The main side of the boundary: start the syft process and exchange typed messages with it.

The syft process is a child of this one reading our pipe: when we go, its stdin ends and
it shuts its server down. Its work folder and syft's own database live under ``workdir``,
and a reply that does not come within ``timeout`` seconds ends the exchange with an error.
"""

from __future__ import annotations

import os
import select
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from federation.syft_bridge import messages as m

REPO = Path(__file__).resolve().parents[2]
SYFT_PYTHON_VARIABLE = "FEDCREDIT_SYFT_PYTHON"
T = TypeVar("T")


class SyftUnavailable(RuntimeError):
    """No syft environment: ``make syft`` creates it."""


class DatasiteError(RuntimeError):
    """The syft side refused or failed a request; the message is its own."""


def syft_python() -> Path:
    """The syft environment's interpreter: ``$FEDCREDIT_SYFT_PYTHON`` or the repository's ``.venv-syft``."""
    path = Path(os.environ.get(SYFT_PYTHON_VARIABLE) or REPO / ".venv-syft" / "bin" / "python")
    if not path.exists():
        raise SyftUnavailable(f"no syft environment at {path}: run `make syft` (or set {SYFT_PYTHON_VARIABLE})")
    return path


class DatasiteProcess:
    def __init__(self, workdir: Path, *, timeout: float = 300.0) -> None:
        self.workdir = workdir
        self._timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.syft_version = ""

    def __enter__(self) -> "DatasiteProcess":
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        tmp = self.workdir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp)}
        log = open(self.workdir / "datasite.log", "ab")
        self._proc = subprocess.Popen([str(syft_python()), "-m", "federation.syft_bridge.datasite", str(self.workdir)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, cwd=REPO)
        log.close()
        self.syft_version = self._read(m.Ready).syft_version

    def call(self, request: Any, reply_type: type[T]) -> T:
        """Send one request and return its reply, which must be a ``reply_type``."""
        if self._proc is None or self._proc.stdin is None:
            raise RuntimeError("the datasite process is not running")
        self._proc.stdin.write((m.encode(request) + "\n").encode("utf-8"))
        self._proc.stdin.flush()
        return self._read(reply_type)

    def _read(self, reply_type: type[T]) -> T:
        assert self._proc is not None and self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], self._timeout)
        line = self._proc.stdout.readline() if ready else b""
        if not line:
            code = self._proc.poll()
            what = "did not answer" if code is None else f"exited with {code}"
            raise DatasiteError(f"the syft process {what} (waiting for {reply_type.__name__}); "
                                f"see {self.workdir / 'datasite.log'}")
        reply = m.decode(line.decode("utf-8"))
        if isinstance(reply, m.Failed):
            raise DatasiteError(reply.error)
        if not isinstance(reply, reply_type):
            raise DatasiteError(f"expected {reply_type.__name__} from the syft process, got {type(reply).__name__}")
        return reply

    def stop(self) -> None:
        if self._proc is None:
            return
        try:
            if self._proc.poll() is None:
                self.call(m.Stop(), m.Stopped)
                self._proc.wait(timeout=30)
        except (DatasiteError, OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            self._proc = None
