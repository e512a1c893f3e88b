"""The background thread: drains the log queue every `interval` seconds, batches (Batcher),
numbers the batches (seq 1, 2, 3… per run) and hands them to a sink, in order. A batch that
could not be delivered is retried with the same seq (the server ignores a seq it has), later
batches wait behind it. At close: everything is flushed, then the run is finished; if the
server is still gone by then, what is left is spilled to an offline file for `sweeplab sync`."""

import collections
import os
import sys
import threading
import time

from ._batch import Batcher
from ._http import Error, Unreachable, post
from ._offline import OfflineFile, now_iso

HEARTBEAT = 30.0  # an empty batch after this long without one: the server marks silent runs crashed


def warn(msg):
    print(f"sweeplab: {msg}", file=sys.stderr, flush=True)


class ServerSink:
    def __init__(self, run_id, url, api_key):
        self.run_id, self.url, self.api_key = run_id, url, api_key

    def events(self, body):
        return post(f"/api/runs/{self.run_id}/events", body, self.url, self.api_key)[1]

    def finish(self, body, ended_at):
        # (the server's clock marks the end: it hears it now)
        post(f"/api/runs/{self.run_id}/finish", body, self.url, self.api_key)


class FileSink:
    def __init__(self, offline_file):
        self.file = offline_file

    def events(self, body):
        self.file.batch(body)
        return {}

    def finish(self, body, ended_at):
        self.file.finish(body, ended_at)


class NullSink:
    def events(self, body):
        return {}

    def finish(self, body, ended_at):
        pass


class Sender:
    def __init__(self, queue, sink, init_body, on_stop, first_seq=1, interval=0.5, offline_root=None):
        self.queue = queue
        self.sink = sink
        self.init_body = init_body  # for a spill: the offline file's init line
        self.on_stop = on_stop
        self.seq = first_seq
        self.interval = interval
        self.offline_root = offline_root
        self.batcher = Batcher(warn=warn)
        self.pending = collections.deque()  # numbered bodies not yet delivered
        self.wake = threading.Event()
        self.closing = None  # the finish body, once finish() was called
        self.ended_at = None  # when finish() was called (ISO 8601), for an offline file
        self.deadline = None
        self.retry_at = 0.0
        self.backoff = 0.5
        self.dead = False  # the server refused the run (404/409): nothing more can land
        self.spilled = None  # the OfflineFile, when the rest went there
        self.last_sent = time.monotonic()
        self.heartbeat = float(os.environ.get("SWEEPLAB_HEARTBEAT_SECONDS") or HEARTBEAT)
        self.thread = threading.Thread(target=self._main, name="sweeplab-sender", daemon=True)
        self.thread.start()

    def close(self, finish_body, timeout):
        """Flush, finish the run; spills when the server makes no progress for `timeout` s."""
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.ended_at = now_iso()
        self.closing = finish_body
        self.wake.set()
        while self.thread.is_alive() and time.monotonic() < self.deadline + 5:
            self.thread.join(1.0)

    def _main(self):
        try:
            while True:
                self.wake.wait(self.interval)
                self.wake.clear()
                closing = self.closing
                self._drain()
                if not self.pending and time.monotonic() - self.last_sent >= self.heartbeat and not isinstance(self.sink, (FileSink, NullSink)):
                    self._number({})
                self._deliver()
                if closing is not None:
                    self._finish(closing)
                    return
        except Exception as e:  # never take the program down; say why logging stopped
            warn(f"logging stopped: {type(e).__name__}: {e}")

    def _drain(self):
        q, add = self.queue, self.batcher.add
        while q:
            add(q.popleft())
        for body in self.batcher.take():
            self._number(body)

    def _number(self, body):
        body["seq"] = self.seq
        self.seq += 1
        self.pending.append(body)

    def _deliver(self):
        while self.pending and not self.dead and time.monotonic() >= self.retry_at:
            body = self.pending[0]
            try:
                answer = self.sink.events(body)
            except Unreachable as e:
                if self.backoff == 0.5:
                    warn(f"server unreachable, retrying (batches are kept): {e}")
                self.retry_at = time.monotonic() + self.backoff
                self.backoff = min(self.backoff * 2, 10.0)
                return
            except Error as e:
                if e.status in (404, 409):
                    warn(f"the server no longer takes this run's logs: {e}")
                    self.dead = True
                    self.pending.clear()
                    return
                if e.status in (401, 403):
                    warn(f"{e}: the rest of the run goes to an offline file at finish")
                    self.retry_at = float("inf")
                    return
                warn(f"batch {body['seq']} refused, dropped: {e}")
            self.pending.popleft()
            self.last_sent = time.monotonic()
            if self.deadline is not None:  # closing: progress, so the server is worth waiting for
                self.deadline = self.last_sent + self.timeout
            if self.backoff != 0.5:
                warn("server reachable again")
            self.backoff = 0.5
            if answer.get("stop"):
                self.on_stop()

    def _finish(self, body):
        while self.pending and not self.dead and time.monotonic() < self.deadline:
            if self.retry_at == float("inf"):
                break
            self._deliver()
            if self.pending:
                time.sleep(max(0.0, min(self.retry_at, self.deadline) - time.monotonic()))
        if self.dead:
            return
        while not self.pending:
            try:
                self.sink.finish(body, self.ended_at)
                return
            except Unreachable:
                if time.monotonic() >= self.deadline:
                    break
                time.sleep(min(1.0, max(0.0, self.deadline - time.monotonic())))
            except Error as e:
                if e.status not in (401, 403):
                    warn(f"finish refused: {e}")
                    return
                break
        self._spill(body)

    def _spill(self, finish_body):
        """The server is gone (or refuses the key): the rest, seqs kept, goes to an offline file."""
        self.spilled = OfflineFile(self.init_body, self.offline_root)
        for body in self.pending:
            self.spilled.batch(body)
        self.pending.clear()
        # (no end time: the run started on the server's clock, not this one, and the server marks
        # it crashed after 5 silent minutes, so a spill is synced within minutes of its end or not at all)
        self.spilled.finish(finish_body, None)
        warn(f"server unreachable at finish: the rest of the run is in {self.spilled.dir}; "
             f"upload it with: python -m sweeplab sync {os.path.relpath(self.spilled.dir)}")
