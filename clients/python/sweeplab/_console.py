"""The program's console as the run's log, as wandb captures it: after init() what is written to
sys.stdout and sys.stderr still reaches the terminal, and each line also goes to the run's log
(stdout as "info", stderr as "stderr": the levels the sweep runner gives a program's output,
sweeps/program.ts). A line is sent when it ends, as a terminal leaves it: a `\\r` progress bar
keeps its last update, colour codes are dropped (the runner's terminalLine / onTerminalLines).

The streams' `write` is patched on the objects themselves (wandb's "wrap"), not swapped for
proxies, so a logging handler made before init() is heard too, and a script that sets
sys.stdout itself keeps what it set. Off with init(console="off") or SWEEPLAB_CONSOLE=off; the
sweep runner sets the latter, as it reads its program's console itself."""

import os
import re
import sys
import threading

LINE_MAX = 16_000  # characters of one line sent; a longer one is cut
OPEN_LINE_MAX = 64 * 1024  # a line still being written keeps its end past this (a bar never ends its line)
LEVELS = (("stdout", "info"), ("stderr", "stderr"))

# Node's stripVTControlCharacters (what the runner uses), in Python's re
_VT_CODES = re.compile(
    "[\u001B\u009B][\\[\\]()#;?]*"
    "(?:(?:(?:(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]+)*|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/#&.:=?%@~_]*)*)?(?:\u0007|\u001B\u005C|\u009C))"
    "|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PR-TZcf-ntqry=><~]))")


def last_update(line):
    """What a terminal leaves of a line after its `\\r` updates: the last one that is not blank."""
    parts = [p for p in line.split("\r") if p.strip()]
    return parts[-1] if parts else ""


def terminal_line(line):
    """A finished line as the run's log keeps it: its last update, no colour codes, cut at LINE_MAX."""
    line = _VT_CODES.sub("", last_update(line))
    if len(line) > LINE_MAX:
        line = f"{line[:LINE_MAX]} … ({len(line) - LINE_MAX} characters cut)"
    return line


class Lines:
    """One stream's text in, its finished lines out (split at newlines only, as the runner does)."""

    def __init__(self):
        self.open = ""

    def feed(self, text):
        text = self.open + text
        lines = text.split("\n")
        open_ = lines.pop()
        if "\r" in open_:  # (the updates before its last are overwritten already)
            open_ = last_update(open_) + ("\r" if open_.endswith("\r") else "")
        self.open = open_[-OPEN_LINE_MAX:]
        return [terminal_line(line) for line in lines]

    def end(self):
        rest, self.open = self.open, ""
        return [terminal_line(rest)] if rest else []


class Capture:
    """Patches sys.stdout's and sys.stderr's write until stop(); lines go to `queue` as
    ("log", level, message) records, in the order they end across both streams."""

    def __init__(self, queue, quiet_thread=None):
        self._append = queue.append
        self._lock = threading.RLock()
        self._quiet = quiet_thread  # the sender's own warnings are not logged (a refused batch would echo forever)
        self.active = True
        self._patched = []  # (stream, our write, its Lines, level)
        for name, level in LEVELS:
            stream = getattr(sys, name, None)
            if stream is None or any(p[0] is stream for p in self._patched):
                continue
            lines = Lines()
            write = self._writer(stream.write, level, lines)
            try:
                stream.write = write
            except (AttributeError, TypeError):
                continue  # a stream that takes no attributes: not captured
            self._patched.append((stream, write, lines, level))
        os.register_at_fork(after_in_child=self._forked)

    def _writer(self, original, level, lines):
        def write(text):
            written = original(text)
            if self.active and type(text) is str and threading.current_thread() is not self._quiet:
                with self._lock:
                    for line in lines.feed(text):
                        if line.strip():
                            self._append(("log", level, line))
            return written
        return write

    def _forked(self):
        self.active = False  # a forked child's writes are not the run's (no sender thread there)

    def stop(self):
        """The open lines sent, the streams' own write back (where no one patched over ours)."""
        with self._lock:
            for _, _, lines, level in self._patched:
                for line in lines.end():
                    if line.strip():
                        self._append(("log", level, line))
            self.active = False
        for stream, write, _, _ in self._patched:
            if getattr(stream, "__dict__", {}).get("write") is write:
                try:
                    del stream.write
                except AttributeError:
                    pass
        self._patched = []
