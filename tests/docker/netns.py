"""Separate network hosts on one machine: a network namespace per host, each with one veth
into a bridge that lives in a namespace of its own, so nothing touches the machine's own
network. Addresses are the test's own, inside namespaces it made and removes."""

from __future__ import annotations

import os
import shutil
import subprocess
from types import TracebackType


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def netns_unavailable() -> str | None:
    """Why this machine cannot make namespaces here, or None."""
    if shutil.which("ip") is None:
        return "no `ip` command (iproute2)"
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"fc-probe-{os.getpid()}"
    result = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if result.returncode != 0:
        return f"`ip netns add` refused: {result.stderr.strip()}"
    _ip("netns", "del", probe)
    return None


class Hosts:
    """Hosts ``names`` on 10.213.<n>.0/24, the first at .1; ``exec`` runs a command on one."""

    def __init__(self, names: list[str]) -> None:
        tag = os.getpid() % 10_000
        self._prefix = f"fc{tag}"
        self._subnet = f"10.213.{tag % 250}"
        self.address = {name: f"{self._subnet}.{i + 1}" for i, name in enumerate(names)}
        self._spaces: list[str] = []

    def namespace(self, name: str) -> str:
        return f"{self._prefix}-{name}"

    def __enter__(self) -> "Hosts":
        try:
            switch = self.namespace("switch")
            _ip("netns", "add", switch)
            self._spaces.append(switch)
            _ip("-n", switch, "link", "add", "br0", "type", "bridge")
            _ip("-n", switch, "link", "set", "br0", "up")
            for i, (name, address) in enumerate(self.address.items()):
                space = self.namespace(name)
                _ip("netns", "add", space)
                self._spaces.append(space)
                host_end, switch_end = f"{self._prefix}h{i}", f"{self._prefix}s{i}"
                _ip("link", "add", host_end, "type", "veth", "peer", "name", switch_end)
                _ip("link", "set", host_end, "netns", space)
                _ip("link", "set", switch_end, "netns", switch)
                _ip("-n", switch, "link", "set", switch_end, "master", "br0", "up")
                _ip("-n", space, "link", "set", host_end, "name", "eth0")
                _ip("-n", space, "addr", "add", f"{address}/24", "dev", "eth0")
                _ip("-n", space, "link", "set", "eth0", "up")
                _ip("-n", space, "link", "set", "lo", "up")
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.remove()

    def command(self, name: str, args: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace(name), *args]

    def remove(self) -> None:
        for space in reversed(self._spaces):
            subprocess.run(["ip", "netns", "del", space], capture_output=True)
        self._spaces.clear()
