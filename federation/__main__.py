"""`python -m federation` is the `fedcredit` command (used to start party processes)."""

from federation.cli import app

app(prog_name="fedcredit")
