"""Routing online score requests to the platform that holds the model's other part.

The platform cannot be dialled (parties only dial out), so it keeps a ``ServeScoring``
stream open; each open stream is a ``ServingSession`` here. A bank's request becomes a
question on the serving platform's queue and a future the bank's call waits on, bounded
by a timeout, so a platform that stalls or goes away fails the request with an error
naming it instead of hanging the bank's loan officer. Only what the platform needs to
decrypt crosses: the request id, the model, the bank and the ciphertext; never the
enterprise.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from federation.coordinator.errors import CoordinatorError

log = logging.getLogger(__name__)
DEFAULT_ANSWER_SECONDS = 30.0
# Labels a platform agent registers with, saying whether (and for which data categories)
# it enforces consent; the coordinator applies them to the online scores it routes.
ENFORCES_CONSENT = "enforce_consent"
CONSENT_CATEGORIES = "consent_categories"
POLL_SECONDS = 1.0


class PlatformNotServing(CoordinatorError):
    """The platform holding the model's part has no open scoring stream, or did not answer."""


class ScoringFailed(CoordinatorError):
    """The platform answered with an error instead of a value."""


@dataclass(frozen=True)
class ScoringQuestion:
    request_id: str
    model_id: str
    bank: str
    ciphertext: bytes
    reason_ciphertexts: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class ScoringAnswer:
    request_id: str
    masked_value: int
    error: str = ""
    reason_masked_values: tuple[int, ...] = ()


class ServingSession:
    """One open ``ServeScoring`` stream: questions to push, answers awaited by request id."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._questions: queue.Queue[ScoringQuestion] = queue.Queue()
        self._pending: dict[str, Future[ScoringAnswer]] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, question: ScoringQuestion) -> Future[ScoringAnswer]:
        future: Future[ScoringAnswer] = Future()
        with self._lock:
            if self._closed:
                raise PlatformNotServing(f"{self.platform} stopped serving online scoring")
            self._pending[question.request_id] = future
        self._questions.put(question)
        return future

    def forget(self, request_id: str) -> None:
        with self._lock:
            self._pending.pop(request_id, None)

    def questions(self, is_active: Callable[[], bool]) -> Iterator[ScoringQuestion]:
        """Questions to push down the stream, until it closes or its caller hangs up."""
        while not self._closed and is_active():
            try:
                yield self._questions.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue

    def answer(self, answer: ScoringAnswer) -> None:
        with self._lock:
            future = self._pending.pop(answer.request_id, None)
        if future is None:
            log.warning("%s answered request %s, which nobody waits for", self.platform, answer.request_id)
            return
        future.set_result(answer)

    def close(self) -> None:
        """Fail every question still waiting: its answer can no longer come on this stream."""
        with self._lock:
            self._closed = True
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(PlatformNotServing(f"{self.platform} stopped serving before answering"))


class ScoringRouter:
    """The latest open stream per platform; a reconnecting platform replaces its old one."""

    def __init__(self, answer_seconds: float = DEFAULT_ANSWER_SECONDS) -> None:
        self._answer_seconds = answer_seconds
        self._sessions: dict[str, ServingSession] = {}
        self._lock = threading.Lock()

    def serve(self, platform: str) -> ServingSession:
        session = ServingSession(platform)
        with self._lock:
            previous = self._sessions.get(platform)
            self._sessions[platform] = session
        if previous is not None:
            previous.close()
        log.info("%s is serving online scoring", platform)
        return session

    def serving(self, platform: str) -> bool:
        with self._lock:
            session = self._sessions.get(platform)
        return session is not None and not session.closed

    def ask(self, platform: str, model_id: str, bank: str, ciphertext: bytes,
            reason_ciphertexts: tuple[bytes, ...] = ()) -> ScoringAnswer:
        """The platform's masked values for ``ciphertext`` and any reason ciphertexts (a
        portrait); raises naming the platform."""
        with self._lock:
            session = self._sessions.get(platform)
        if session is None or session.closed:
            raise PlatformNotServing(f"{platform} is not serving online scoring (its agent is not connected "
                                     f"to the coordinator); try again once it is")
        question = ScoringQuestion(str(uuid.uuid4()), model_id, bank, ciphertext, reason_ciphertexts)
        future = session.submit(question)
        try:
            answer = future.result(timeout=self._answer_seconds)
        except FutureTimeout:
            session.forget(question.request_id)
            raise PlatformNotServing(f"{platform} did not answer within {self._answer_seconds:.0f} s") from None
        if answer.error:
            raise ScoringFailed(f"{platform} could not score: {answer.error}")
        if len(answer.reason_masked_values) != len(reason_ciphertexts):
            raise ScoringFailed(f"{platform} answered {len(answer.reason_masked_values)} of "
                                f"{len(reason_ciphertexts)} reason ciphertexts")
        return answer
