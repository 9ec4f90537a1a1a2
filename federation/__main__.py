"""`python -m federation` is the `fedcredit` command (used to start party processes).

A process started by :class:`~federation.launcher.LocalFederation` is told its parent's
pid in ``FEDCREDIT_PARENT_PID`` and asks the kernel for SIGTERM when that parent dies,
so an interrupted demo or test leaves no process behind. Doing this here rather than in
a ``preexec_fn`` keeps the launcher's fork free of Python code, which can deadlock when
the launching process has gRPC threads running.
"""

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1

if "FEDCREDIT_PARENT_PID" in os.environ:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(os.environ["FEDCREDIT_PARENT_PID"]):
        sys.exit("fedcredit: the launching process is gone")

from federation.cli import app  # noqa: E402  (after the parent check: importing takes seconds)

app(prog_name="fedcredit")
