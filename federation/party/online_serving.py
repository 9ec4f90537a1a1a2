"""The platform's side of online scoring: a stream that answers decryption questions.

The platform only dials out, so it keeps a ``ServeScoring`` stream open to the
coordinator (reconnecting like the job watch loop) and answers each question with
``models.scoring.online.decrypt_masked``: one masked value, under the secret key it made
for (model, bank) in the ``publish_masks`` job, loaded on first use. A question carries
no enterprise id; the platform could not tell whom it helps score even if it logged
everything it receives.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

import grpc

from federation.party.client import CoordinatorClient
from federation.party.online_job import load_platform_keys, platform_key_path
from federation.rpc import coordinator_pb2 as pb
from models.scoring.keys import BfvKeys
from models.scoring.online import decrypt_masked
from models.secureboost.messages import Message

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


class ScoringServer:
    """``ready`` is set once the coordinator has this platform as serving."""

    def __init__(self, client: CoordinatorClient, models_dir: Path) -> None:
        self._client = client
        self._models_dir = models_dir
        self._keys: dict[tuple[str, str], BfvKeys] = {}
        self.ready = threading.Event()

    def run(self, stop: threading.Event) -> None:
        """Answer questions until ``stop`` is set, reopening the stream whenever it ends."""
        while not stop.is_set():
            answers: queue.Queue[pb.ScoringAnswer | None] = queue.Queue()
            stream = self._client.serve_scoring(iter(answers.get, None))
            stopper = threading.Thread(target=lambda: (stop.wait(), stream.cancel()), daemon=True)
            stopper.start()
            try:
                for question in stream:
                    if not question.request_id:
                        self.ready.set()
                        continue
                    answers.put(self._answer(question))
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.CANCELLED and stop.is_set():
                    break
                log.warning("scoring stream from coordinator ended (%s); reconnecting", exc.code().name)
            finally:
                answers.put(None)
            stop.wait(RECONNECT_SECONDS)

    def _answer(self, question: pb.ScoringQuestion) -> pb.ScoringAnswer:
        try:
            keys = self._keys_for(question.model_id, question.bank)
            value, *reasons = (int(Message.from_bytes(decrypt_masked(blob, keys), expect="decrypt").fields["values"][0])
                               for blob in (question.ciphertext, *question.reason_ciphertexts))
            return pb.ScoringAnswer(request_id=question.request_id, masked_value=value, reason_masked_values=reasons)
        except Exception as exc:  # a bad question must not end the stream for everyone else
            log.warning("could not answer a score of model %s for %s: %s", question.model_id, question.bank, exc)
            return pb.ScoringAnswer(request_id=question.request_id, error=f"{type(exc).__name__}: {exc}")

    def _keys_for(self, model_id: str, bank: str) -> BfvKeys:
        key = (model_id, bank)
        if key not in self._keys:
            self._keys[key] = load_platform_keys(platform_key_path(self._models_dir, model_id, bank))
        return self._keys[key]
