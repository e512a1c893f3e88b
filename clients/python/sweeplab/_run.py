"""A run as the program sees it: log(), config, summary, define_metric(), finish()."""

import collections.abc
import operator
import os
import time
import traceback

from ._batch import MetricDefinition
from ._sender import warn


class Config:
    """wandb.config: item and attribute access; changes after init go to the server in the next
    batch (shallow-merged into the run's config)."""

    def __init__(self, items, queue):
        object.__setattr__(self, "_items", dict(items))
        object.__setattr__(self, "_queue", queue)

    def __getattr__(self, key):
        try:
            return self._items[key]
        except KeyError:
            raise AttributeError(f"config has no key {key!r}") from None

    def __setattr__(self, key, value):
        self[key] = value

    def __getitem__(self, key):
        return self._items[key]

    def __setitem__(self, key, value):
        self.update({key: value})

    def __delattr__(self, key):
        raise TypeError("config keys cannot be removed")

    def update(self, d=None, allow_val_change=None, **kwargs):
        """update(dict), update(argparse.Namespace) or update(key=value)."""
        items = dict(_as_dict(d), **kwargs)
        if items:
            self._items.update(items)
            self._queue.append(("config", items))

    def setdefaults(self, d):
        missing = {k: v for k, v in _as_dict(d).items() if k not in self._items}
        self.update(missing)
        return self

    def get(self, key, default=None):
        return self._items.get(key, default)

    def keys(self):
        return self._items.keys()

    def items(self):
        return self._items.items()

    def values(self):
        return self._items.values()

    def as_dict(self):
        return dict(self._items)

    def __contains__(self, key):
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return f"Config({self._items!r})"


def _as_dict(d):
    if d is None:
        return {}
    if isinstance(d, collections.abc.Mapping):
        return dict(d)
    if hasattr(d, "__dict__"):  # argparse.Namespace and the like, as wandb accepts them
        return {k: v for k, v in vars(d).items() if not k.startswith("_")}
    raise TypeError(f"config: expected a dict or an argparse.Namespace, got {type(d).__name__}")


class Summary:
    """wandb.summary: `summary[key] = v` overrides the run's summary value of `key` (numbers);
    reading gives what was set here, else the last value logged under that name."""

    def __init__(self, queue, last_values):
        self._set = {}
        self._queue = queue
        self._last = last_values  # the sender's view: up to one batch interval behind log()

    def __setitem__(self, key, value):
        self._set[key] = value
        self._queue.append(("summary", key, value))

    def __getitem__(self, key):
        if key in self._set:
            return self._set[key]
        return self._last[key]

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def update(self, d=None, **kwargs):
        for k, v in dict(d or {}, **kwargs).items():
            self[k] = v

    def keys(self):
        return set(self._last) | set(self._set)

    def __contains__(self, key):
        return key in self._set or key in self._last

    def __repr__(self):
        return f"Summary({ {k: self.get(k) for k in sorted(self.keys())}!r})"


class Run:
    def __init__(self, run_id, name, project, url, config, queue, sender, offline_dir, on_finish):
        self.id = run_id
        self.name = name
        self.project = project
        self.url = url  # "/runs/<id>" on the server; None offline
        self.offline_dir = offline_dir
        self.should_stop = False  # set when the server asks the run to stop (user, sweep early stop)
        self._queue = queue
        self._append = queue.append
        self._sender = sender
        self._start = time.monotonic()
        self._step = 0
        self._finished = False
        self._warned_step = False
        self._on_finish = on_finish
        self._console = None  # the console capture (_console.Capture), when it is on
        self.config = config
        self.summary = Summary(queue, sender.batcher.last)

    @property
    def step(self):
        return self._step

    def log(self, data, step=None, commit=None):
        """Queue a row of metrics; returns at once (the sender thread batches and posts).
        step: wandb's _step: by default the next one; commit=False keeps adding to this step."""
        if step is None and self._finished is False:
            s = self._step
            self._append((s, time.monotonic() - self._start, dict(data)))
            if commit is not False:
                self._step = s + 1
            return
        self._log_at(data, step, commit)

    def _log_at(self, data, step, commit):
        if self._finished:
            raise RuntimeError("sweeplab: log() after finish(): call sweeplab.init() for a new run")
        try:
            at = operator.index(step)  # numpy integers too
        except TypeError:
            at = -1
        if at < 0:
            raise ValueError(f"log: step must be an int >= 0 (got {step!r})")
        step = at
        if step < self._step:
            if not self._warned_step:
                self._warned_step = True
                warn(f"log: step {step} is below the current step {self._step}: such rows are dropped (as wandb does)")
            return
        self._append((step, time.monotonic() - self._start, dict(data)))
        self._step = step + 1 if commit else step

    def define_metric(self, name, step_metric=None, summary=None, goal=None, step_sync=None, hidden=None, overwrite=None):
        """Points of `name` (a glob like "val/*" too) are stored at step = the current value of
        `step_metric`; `summary` ("min" | "max" | "mean" | "last" | "best" | "none") makes the
        run's summary value under `name` that aggregation, computed here."""
        self._append(("define", MetricDefinition(name, step_metric, summary, goal)))

    def _stop_requested(self):
        if not self.should_stop:
            self.should_stop = True
            warn(f"the server asks run {self.id} to stop (run.should_stop is True)")

    def finish(self, exit_code=None, quiet=None, error=None, timeout=None):
        """Flush, then end the run: finished, or failed when exit_code is not 0. When the server
        makes no progress for `timeout` s (SWEEPLAB_FINISH_TIMEOUT, default 30), the rest goes to
        an offline file."""
        if self._finished:
            return
        self._finished = True
        body = {"state": "finished" if not exit_code else "failed"}
        if exit_code is not None:
            body["exitCode"] = int(exit_code)
        if error:
            body["error"] = error[-4000:]
        if timeout is None:
            timeout = float(os.environ.get("SWEEPLAB_FINISH_TIMEOUT") or 30)
        if self._console is not None:
            self._console.stop()  # (its last lines, an exit's traceback too, go in the last batch)
        self._sender.close(body, timeout)
        self._on_finish(self)

    def log_code(self, *args, **kwargs):
        """wandb's run.log_code: code is not saved; accepted so scripts run."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            self.finish(0)
        else:
            self.finish(1, error=describe_exception(kind, value, tb))
        return False

    def __repr__(self):
        return f"<sweeplab.Run {self.id} {self.name!r} project={self.project!r}>"


def describe_exception(kind, value, tb):
    if issubclass(kind, KeyboardInterrupt):
        return "KeyboardInterrupt"
    return "".join(traceback.format_exception(kind, value, tb))[-4000:]
