"""Which parties are connected to the coordinator right now, and since when the others left.

A running party agent keeps one ``WatchJobs`` stream open for as long as it lives, so an
open stream is the coordinator's proof that a party is there; a killed agent's stream ends
when its connection drops. Presence is kept in memory only: after a restart every party
counts as away since the coordinator started, and agents reconnect within seconds.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable


class Presence:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._streams: Counter[str] = Counter()
        self._left: dict[str, float] = {}
        self._started = clock()

    def connect(self, party: str) -> Callable[[], None]:
        """Count one open stream of ``party``; call the returned function once it ends
        (calling it again does nothing, as gRPC may report a stream's end twice)."""
        with self._lock:
            self._streams[party] += 1
        ended = threading.Event()

        def disconnect() -> None:
            with self._lock:
                if ended.is_set():
                    return
                ended.set()
                self._streams[party] -= 1
                if self._streams[party] <= 0:
                    del self._streams[party]
                    self._left[party] = self._clock()

        return disconnect

    def absent_for(self, party: str) -> float:
        """Seconds since ``party`` last had a stream open (or since the coordinator started);
        0 while it has one."""
        with self._lock:
            if self._streams[party] > 0:
                return 0.0
            return max(0.0, self._clock() - self._left.get(party, self._started))
