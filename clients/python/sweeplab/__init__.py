"""Sweeplab's Python client: log any program's runs to a Sweeplab server over HTTP.

    import sweeplab                       # or: import sweeplab as wandb
    run = sweeplab.init(project="mnist", config={"lr": 1e-3})
    for step in range(100):
        sweeplab.log({"loss": loss, "val/loss": val_loss})
    sweeplab.summary["test_acc"] = 0.98
    sweeplab.finish()

Standard library only. Environment: SWEEPLAB_URL (default http://127.0.0.1:3000),
SWEEPLAB_API_KEY, SWEEPLAB_PROJECT, SWEEPLAB_RUN_ID (attach to that run), SWEEPLAB_MODE
(online | offline | disabled), SWEEPLAB_CONSOLE (off: the console is not logged)."""

import collections
import json
import os
import sys
import threading
import time
import traceback

from . import _hooks
from ._batch import create_issues, jsonable
from ._console import Capture
from ._http import Error, Unreachable, base_url, post
from ._offline import OfflineFile, new_run_id, now_iso
from ._run import Config, Run, _as_dict
from ._sender import FileSink, NullSink, Sender, ServerSink, warn

__all__ = ["init", "log", "finish", "define_metric", "config", "summary", "run", "login", "watch", "sweep", "agent", "Settings", "log_code", "Error", "Run"]


class _NoRun:
    """sweeplab.config / summary before init(): a clear error instead of an AttributeError."""

    def __init__(self, what):
        object.__setattr__(self, "_what", what)

    def _fail(self, *args, **kwargs):
        raise Error(f"call sweeplab.init() before using sweeplab.{self._what}")

    __getattr__ = __setattr__ = __getitem__ = __setitem__ = __contains__ = __iter__ = _fail

    def __repr__(self):
        return f"<sweeplab.{self._what}: no run; call sweeplab.init()>"


run = None
config = _NoRun("config")
summary = _NoRun("summary")
_lock = threading.Lock()


def init(project=None, name=None, config=None, group=None, tags=None, notes=None, id=None, mode=None, dir=None,
         config_exclude_keys=None, config_include_keys=None, entity=None, job_type=None, reinit=None, resume=None,
         save_code=None, settings=None, allow_val_change=None, anonymous=None, sync_tensorboard=None,
         monitor_gym=None, magic=None, url=None, api_key=None, console=None):
    """Start a run (a run still open in this process is finished first). Returns the Run.
    Unreachable server (or mode="offline" / SWEEPLAB_MODE=offline): the run is written to
    ./sweeplab/offline-run-*/ for `python -m sweeplab sync`. id= (or SWEEPLAB_RUN_ID) attaches to
    that run while it runs; one that has ended goes on only with resume="allow" (or "must",
    "auto", True), else init() raises. What the program prints (stdout, stderr) becomes the run's
    log too, unless console="off" (or settings=Settings(console="off"), SWEEPLAB_CONSOLE=off). entity, job_type, reinit and the other wandb-only
    arguments are accepted and ignored."""
    global run
    with _lock:
        if run is not None:
            run.finish()
        capture = _console_on(console, settings)
        mode = mode or os.environ.get("SWEEPLAB_MODE") or "online"
        if mode == "dryrun":
            mode = "offline"
        if mode not in ("online", "offline", "disabled"):
            raise Error(f"mode must be online, offline or disabled (got {mode!r})")
        items = _as_dict(config)
        chosen = _chosen_by_sweep(id)
        if chosen:
            # a run a sweep chose (the program an agent started): its values win over the
            # script's defaults, as in wandb, whether the server is reachable or not
            items = dict(items, **chosen)
        if config_include_keys:
            items = {k: v for k, v in items.items() if k in config_include_keys}
        if config_exclude_keys:
            items = {k: v for k, v in items.items() if k not in config_exclude_keys}
        body = {
            "project": project or os.environ.get("SWEEPLAB_PROJECT") or None,
            "name": name, "group": group, "notes": notes,
            "tags": [tags] if isinstance(tags, str) else [str(t) for t in tags] if tags is not None else None,
            "config": jsonable(items),
            "id": id or os.environ.get("SWEEPLAB_RUN_ID") or None,
            # wandb's resume="allow"/"must"/"auto"/True: a run of this id that has ended goes on
            "resume": True if resume in (True, "allow", "must", "auto") else None,
        }
        body = {k: v for k, v in body.items() if v is not None}
        url = (url or base_url()).rstrip("/")
        queue = collections.deque()
        offline_root = os.path.join(dir, "sweeplab") if dir else None
        new_run = None
        if mode == "online":
            try:
                new_run = _online(body, url, api_key, queue, items, offline_root)
            except Unreachable as e:
                warn(f"server unreachable ({e}): this run is logged offline")
        if new_run is None:
            new_run = _offline(body, mode, queue, items, offline_root)
        if capture and mode != "disabled":
            new_run._console = Capture(queue, new_run._sender.thread)
        _start(new_run)
        return new_run


CONSOLE_ON = ("auto", "on", "wrap", "redirect", "wrap_raw", "wrap_emu")  # (wandb's ways to capture: all one here)


def _console_on(console, settings):
    """Whether the console is logged: not when init's console=, settings' console or
    SWEEPLAB_CONSOLE says "off" (the sweep runner says so: it logs its program's console itself)."""
    given = getattr(settings, "console", None) if not isinstance(settings, dict) else settings.get("console")
    said = [str(v).lower() for v in (console, given, os.environ.get("SWEEPLAB_CONSOLE") or None) if v is not None]
    for value in said:
        if value not in CONSOLE_ON + ("off",):
            raise Error(f"console must be 'off' or one of {', '.join(CONSOLE_ON)} (got {value!r})")
    return "off" not in said


def _online(body, url, api_key, queue, items, offline_root):
    status, answer = post("/api/runs", body, url, api_key)
    server_run = answer["run"]
    run_id = server_run["id"]
    if server_run.get("state") not in ("running", "queued"):
        # (its every batch would be refused)
        raise Error(f"run {run_id} has ended on the server ({server_run.get('state')}) after step {server_run.get('lastStep')}: "
                    "pass resume='allow' to init() to go on with it, or choose another id", 409, answer)
    # the run existed (200: resumed, attached): go on after its batch numbers, steps and clock
    sender = Sender(queue, ServerSink(run_id, url, api_key), dict(body, id=run_id), None,
                    first_seq=int(server_run.get("clientSeq") or 0) + 1, offline_root=offline_root)
    new_run = Run(run_id, server_run.get("name"), server_run.get("project"), url + answer.get("url", f"/runs/{run_id}"),
                  Config(items, queue), queue, sender, None, _finished)
    sender.on_stop = new_run._stop_requested
    if status == 200:
        # a run a sweep chose (an agent's, or one `agent()` fetched): its values win over the
        # script's defaults, as in wandb; the defaults it lacks join its config
        chosen = _nest(server_run.get("config") or {})
        if chosen:
            missing = {k: v for k, v in items.items() if k not in chosen}
            new_run.config._items.update(chosen)
            new_run.config.update(missing)
        last_step = server_run.get("lastStep")
        if isinstance(last_step, int) and last_step > 0:
            new_run._step = last_step + 1
        runtime = (server_run.get("summary") or {}).get("_runtime")
        if isinstance(runtime, (int, float)) and runtime > 0:
            new_run._start -= runtime
    return new_run


def _offline(body, mode, queue, items, offline_root):
    # (its start on this clock: a sync later keeps it, not the upload's)
    body = dict(body, id=body.get("id") or new_run_id(), startedAt=now_iso())
    issues = create_issues(body)
    if issues:  # refused now rather than at sync
        raise Error("invalid run (" + "; ".join(f"{path}: {message}" for path, message in issues) + ")", 400)
    if mode == "disabled":
        sink, offline_dir = NullSink(), None
    else:
        offline = OfflineFile(body, offline_root)
        sink, offline_dir = FileSink(offline), offline.dir
        warn(f"offline run {body['id']} in {offline_dir}; upload it later with: python -m sweeplab sync {os.path.relpath(offline_dir)}")
    sender = Sender(queue, sink, body, None, offline_root=offline_root)
    new_run = Run(body["id"], body.get("name"), body.get("project"), None, Config(items, queue), queue, sender, offline_dir, _finished)
    sender.on_stop = new_run._stop_requested
    return new_run


def _start(new_run):
    global run, config, summary
    run, config, summary = new_run, new_run.config, new_run.summary
    _hooks.install(_at_exit)


def _finished(old_run):
    global run, config, summary
    if run is old_run:
        run, config, summary = None, _NoRun("config"), _NoRun("summary")


def _at_exit(exit_code, error):
    if run is not None:
        run.finish(exit_code, error=error)


def _current():
    current = run
    if current is None:
        raise Error("call sweeplab.init() before sweeplab.log() / define_metric()")
    return current


def log(data, step=None, commit=None):
    """wandb.log: see Run.log."""
    current = run
    if current is None:
        _current()
    current.log(data, step, commit)


def define_metric(name, step_metric=None, summary=None, goal=None, step_sync=None, hidden=None, overwrite=None):
    """wandb.define_metric: see Run.define_metric."""
    return _current().define_metric(name, step_metric, summary, goal)


def finish(exit_code=None, quiet=None):
    """wandb.finish: flush and end the current run (failed when exit_code is not 0)."""
    if run is not None:
        run.finish(exit_code)


def login(key=None, host=None, **ignored):
    """wandb.login: `key` and `host` become SWEEPLAB_API_KEY and SWEEPLAB_URL for this process."""
    if key:
        os.environ["SWEEPLAB_API_KEY"] = key
    if host:
        os.environ["SWEEPLAB_URL"] = host
    return True


def watch(*args, **kwargs):
    """wandb.watch (gradient and parameter histograms): not recorded; accepted so scripts run."""


def _chosen_by_sweep(explicit_id):
    """The values of the run an agent started this program for (SWEEPLAB_CONFIG, nested), if any."""
    raw = os.environ.get("SWEEPLAB_CONFIG")
    if not raw or not os.environ.get("SWEEPLAB_RUN_ID") or (explicit_id and explicit_id != os.environ["SWEEPLAB_RUN_ID"]):
        return {}
    try:
        chosen = json.loads(raw)
    except ValueError:
        return {}
    return chosen if isinstance(chosen, dict) else {}


class Settings(dict):
    """wandb.Settings: accepted (and kept) so scripts written for wandb run; init() reads its
    `console` ("off": the console is not logged), nothing else."""

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)


def log_code(*args, **kwargs):
    """wandb.log_code: code is not saved; accepted so scripts run."""


def _nest(flat):
    """The server's flat config (`optimizer.lr`) nested back (`{"optimizer": {"lr": ...}}`)."""
    out = {}
    for key in sorted(flat):
        parts = key.split(".")
        at = out
        for p in parts[:-1]:
            if not isinstance(at.get(p), dict):
                at[p] = {}
            at = at[p]
        at[parts[-1]] = flat[key]
    return out


def sweep(sweep, project=None, entity=None, url=None, api_key=None):
    """wandb.sweep: create a sweep from a config dict (W&B's keys); returns its id. A config
    without `program` or `command` is a sweep for function agents (agent()): its parameters are
    free names. One with a program is run by `npm run agent -- --sweep ID` where the program is."""
    config = dict(sweep)
    if "program" not in config and "command" not in config:
        config.setdefault("agent", "function")
    if project:
        config.setdefault("project", project)
    _, answer = post("/api/sweeps", jsonable(config), (url or base_url()).rstrip("/"), api_key)
    return answer["id"]


_ENDED = ("finished", "cancelled", "failed")


def agent(sweep_id, function=None, count=None, project=None, entity=None, url=None, api_key=None, wait=2.0):
    """wandb.agent for function agents: run `function()` once per run the sweep proposes, in this
    process, with sweeplab.config holding the run's values (its init() attaches to that run),
    until the sweep ends or `count` runs are done. A function that raises fails its run; the
    agent goes on with the next one."""
    if function is None:
        raise Error("agent() runs a function: pass function=train (programs run with npm run agent)")
    url = (url or base_url()).rstrip("/")
    done = 0
    while count is None or done < count:
        _, answer = post(f"/api/sweeps/{sweep_id}/next", {}, url, api_key)
        given = answer.get("run")
        if given is None:
            if answer.get("sweepState") in _ENDED:
                return
            time.sleep(wait)  # paused, or as many runs in progress as it allows
            continue
        previous = os.environ.get("SWEEPLAB_RUN_ID")
        os.environ["SWEEPLAB_RUN_ID"] = given["id"]
        try:
            function()
            _end_given(given["id"], 0, None, url, api_key)
        except Exception:
            text = traceback.format_exc()
            sys.stderr.write(text)
            _end_given(given["id"], 1, text.strip().splitlines()[-1], url, api_key)
        finally:
            if previous is None:
                os.environ.pop("SWEEPLAB_RUN_ID", None)
            else:
                os.environ["SWEEPLAB_RUN_ID"] = previous
        done += 1


def _end_given(run_id, exit_code, error, url, api_key):
    """End the run agent() gave the function: through its Run when init() was called, else directly."""
    current = run
    if current is not None and current.id == run_id:
        current.finish(exit_code, error=error)
        return
    why = error or "the function never called sweeplab.init(), so nothing was logged to its run"
    try:
        post(f"/api/runs/{run_id}/finish", {"state": "failed", "error": why}, url, api_key)
    except Error:
        pass  # (the function finished its run itself: it has ended already)
