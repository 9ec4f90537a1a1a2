"""The message schedule over a transport: both parties send before they receive."""

import queue
import threading

from federation.psi import run_bank, run_platform


class QueueChannel:
    def __init__(self, inbox: queue.Queue, outbox: queue.Queue) -> None:
        self.inbox, self.outbox, self.sent = inbox, outbox, []

    def send(self, payload: bytes) -> None:
        self.sent.append(payload[:6])
        self.outbox.put(payload)

    def receive(self) -> bytes:
        return self.inbox.get(timeout=30)


def test_parties_complete_a_job_over_a_channel():
    to_bank, to_platform = queue.Queue(), queue.Queue()
    bank_channel = QueueChannel(to_bank, to_platform)
    platform_channel = QueueChannel(to_platform, to_bank)
    bank_ids = [f"91110000{i:010d}" for i in range(0, 300)]
    platform_ids = [f"91110000{i:010d}" for i in range(200, 400)]
    parties = {}

    def platform_side():
        parties["platform"] = run_platform(platform_ids, platform_channel, workers=1)

    platform_thread = threading.Thread(target=platform_side)
    platform_thread.start()
    result = run_bank(bank_ids, bank_channel, workers=1)
    platform_thread.join()
    assert result.ids_in_intersection.tolist() == bank_ids[200:]
    rows = parties["platform"].rows_for_handles(result.platform_handles)
    assert [platform_ids[row] for row in rows] == bank_ids[200:]
    # kind bytes: platform sends PlatformBlinded (2) then DoubleBlinded (3)
    assert [header[5] for header in platform_channel.sent] == [2, 3]
