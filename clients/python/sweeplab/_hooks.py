"""How a run left open ends: at exit, finished; failed when an exception propagated out of the
program or sys.exit() got a non-zero code (wandb hooks sys.exit and sys.excepthook the same way).
A killed process (SIGKILL) cannot say anything: the server marks its run crashed later."""

import atexit
import os
import sys

from ._run import describe_exception

_state = {"installed": False, "exit_code": None, "error": None, "pid": None}


def install(on_exit):
    _state["pid"] = os.getpid()
    if _state["installed"]:
        return
    _state["installed"] = True
    previous_hook, previous_exit = sys.excepthook, sys.exit

    def excepthook(kind, value, tb):
        _state["exit_code"] = 1
        _state["error"] = describe_exception(kind, value, tb)
        previous_hook(kind, value, tb)

    def exit(code=None):
        _state["exit_code"] = code if isinstance(code, int) or code is None else 1
        previous_exit(code)

    sys.excepthook = excepthook
    sys.exit = exit

    def at_exit():
        if os.getpid() != _state["pid"]:  # a forked child exiting: the run belongs to the parent
            return
        code = _state["exit_code"]
        error = _state["error"] or (f"exit code {code}" if code else None)
        on_exit(code or 0, error)

    atexit.register(at_exit)
