"""The pure core of the client: log records in, numbered-batch bodies out (no I/O, no threads).

A record is what the hot path appended to the queue:
  (step, time, values)                 a row of metrics (values: the caller's dict, copied)
  ("summary", key, value)              run.summary[key] = value
  ("config", {key: value})             run.config changes
  ("define", MetricDefinition)         define_metric
  ("log", level, message)              a console line (_console.py)
Times are seconds since the run started. Steps follow wandb's _step.
"""

import fnmatch
import functools
import math
import re
import sys
import unicodedata

MAX_VALUES = 10_000  # per batch: the server answers 413 above this
MAX_LOG_CHARS = 200_000  # of log lines per batch: far below the server's 4 MiB body, even escaped
MAX_PER_STEP = 256  # values in one {step, time, values} entry (the server's METRICS_PER_MESSAGE_MAX)
MAX_CONFIG_DEPTH = 8
# The server's rule for names that become columns (metric names, summary and config keys, tags):
# a batch with one bad name would be refused whole, so bad names are dropped here. It must stay
# the rule of sweeps/names.ts KEY_PATTERN and clients/ts/sweeplab.ts NAME_PATTERN
# (/^(?!.{129})[\p{L}\p{N}_](?:[\p{L}\p{N}\p{M}_./@#%+\-:()[\]]|(?<![. ]) (?=[\p{L}\p{N}_/@#%+\-:()[\]]))*$/u;
# sweeps/names.test.ts checks the three agree). Python's re has no \p{...} classes, so the Unicode
# categories are read here (from this Python's own Unicode database: a letter newer than it is
# dropped here, taken by the server).
KEY_SIGNS = frozenset("_./@#%+-:()[]")
KEY_RULE = "1-128 letters (of any script), digits, combining marks, single inner spaces (not beside a dot) and _ . / @ # % + - : ( ) [ ], starting with a letter, digit or _"


def _starts_key(c):
    """A letter or digit (any script) or _: what may begin a name."""
    return c == "_" or unicodedata.category(c)[0] in "LN"


@functools.lru_cache(maxsize=4096)  # (called per name per logged row; a run logs few names)
def is_key(name):
    """A letter or digit (any script) or _ first, then letters, digits, combining marks, KEY_SIGNS
    or single spaces (between two characters, neither of them a dot, no combining mark after it:
    `val loss`, `train acc (%)`); 1-128 code points."""
    if not 0 < len(name) <= 128 or not _starts_key(name[0]):
        return False
    for i in range(1, len(name)):
        c = name[i]
        if c == " ":
            after = name[i + 1] if i + 1 < len(name) else "."
            if name[i - 1] in ". " or after in ". " or not (after in KEY_SIGNS or _starts_key(after)):
                return False
        elif not (c in KEY_SIGNS or unicodedata.category(c)[0] in "LNM"):
            return False
    return True


def config_key_issues(config, path=""):
    """The keys of a (nested) config the server would refuse, as it flattens them: "a.b"."""
    issues = []
    for k, v in config.items():
        key = f"{path}.{k}" if path else str(k)
        if isinstance(v, dict):
            if key.count(".") + 1 >= MAX_CONFIG_DEPTH:
                issues.append((key, f"nested deeper than {MAX_CONFIG_DEPTH} levels"))
            else:
                issues.extend(config_key_issues(v, key))
        elif not is_key(key):
            issues.append((key, f"no column name: a name is {KEY_RULE}"))
    return issues


PROJECT = re.compile(r"[A-Za-z0-9._-]{1,64}")
RUN_ID = re.compile(r"[0-9a-z]{4,32}")


def create_issues(body):
    """What the server would refuse in a POST /api/runs body, as (field, message): checked here
    for offline runs, which would otherwise learn it only at sync."""
    issues = []
    if "project" in body and not PROJECT.fullmatch(body["project"]):
        issues.append(("project", "a project name is 1-64 letters, digits and . _ -"))
    if "name" in body and not 0 < len(body["name"].strip()) <= 128:
        issues.append(("name", "1-128 characters"))
    if "group" in body and not is_key(body["group"]):
        issues.append(("group", f"a group is {KEY_RULE}"))
    for i, tag in enumerate(body.get("tags", [])):
        if not is_key(tag):
            issues.append((f"tags.{i}", f"a tag is {KEY_RULE}"))
    if "id" in body and not RUN_ID.fullmatch(body["id"]):
        issues.append(("id", "an id is 4-32 lowercase letters and digits"))
    issues.extend((f"config.{key}", message) for key, message in config_key_issues(body.get("config", {})))
    return issues


def without_keys(config, keys, path=""):
    out = {}
    for k, v in config.items():
        key = f"{path}.{k}" if path else str(k)
        if key in keys:
            continue
        out[k] = without_keys(v, keys, key) if isinstance(v, dict) else v
    return out
SUMMARIES = ("min", "max", "mean", "last", "best", "none")
GOALS = {"minimize": "minimize", "min": "minimize", "maximize": "maximize", "max": "maximize"}


def encode_number(v):
    """A JSON-safe metric value: finite numbers as they are, NaN as null, ±inf as strings.
    Anything else that converts to float (numpy scalars, 1-element tensors) is converted;
    returns the sentinel `SKIP` for what is not a number."""
    if type(v) is float:
        pass
    elif type(v) is int:
        return v
    elif isinstance(v, bool):
        return int(v)
    else:
        try:
            v = float(v)
        except (TypeError, ValueError):
            return SKIP
    if v != v:
        return None
    if v == math.inf:
        return "Infinity"
    if v == -math.inf:
        return "-Infinity"
    return v


SKIP = object()


def jsonable(v):
    """Config values as JSON: nested dicts/lists kept, non-finite floats as strings, numpy-like
    scalars converted, other objects by str() (like wandb does for paths and classes)."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else ("NaN" if v != v else "Infinity" if v > 0 else "-Infinity")
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [jsonable(x) for x in v]
    if hasattr(v, "item") and callable(v.item):  # numpy scalar / 0-d array
        try:
            return jsonable(v.item())
        except Exception:
            pass
    if hasattr(v, "tolist") and callable(v.tolist):
        try:
            return jsonable(v.tolist())
        except Exception:
            pass
    return str(v)


class MetricDefinition:
    """define_metric(name, step_metric=..., summary=..., goal=...): name may be a glob ("val/*")."""

    __slots__ = ("name", "step_metric", "summary", "goal")

    def __init__(self, name, step_metric=None, summary=None, goal=None):
        if not isinstance(name, str) or not name:
            raise ValueError("define_metric: name must be a non-empty string")
        if summary is not None and summary not in SUMMARIES:
            raise ValueError(f"define_metric({name!r}): summary must be one of {', '.join(SUMMARIES)} (got {summary!r}; "
                             "one aggregation per metric, sent as the summary value under the metric's name)")
        if goal is not None and goal not in GOALS:
            raise ValueError(f"define_metric({name!r}): goal must be 'minimize' or 'maximize' (got {goal!r})")
        self.name = name
        self.step_metric = step_metric
        self.summary = summary
        self.goal = GOALS.get(goal, "minimize") if goal is not None else None

    def matches(self, key):
        return key == self.name or (("*" in self.name or "?" in self.name) and fnmatch.fnmatchcase(key, self.name))


class _Aggregate:
    __slots__ = ("kind", "goal", "value", "total", "count")

    def __init__(self, kind, goal):
        self.kind, self.goal = kind, goal
        self.value, self.total, self.count = None, 0.0, 0

    def add(self, v):
        """v: a float. Returns the summary value now (NaN never becomes min/max/best/mean; ±inf
        does, as in wandb: a loss that went to inf has max inf, and its mean is inf)."""
        kind = self.kind
        if kind == "last":
            self.value = v
        elif math.isnan(v):
            pass
        elif kind == "mean":
            self.total += v
            self.count += 1
            self.value = self.total / self.count
        elif kind == "min" or (kind == "best" and self.goal != "maximize"):
            self.value = v if self.value is None or v < self.value else self.value
        else:  # max, best+maximize
            self.value = v if self.value is None or v > self.value else self.value
        return self.value


class Batcher:
    """Turns records into batch bodies ({metrics, summary, config}, without seq), each with at
    most `max_values` metric values and log lines. Keeps what define_metric needs: the last value of every
    metric (for step metrics) and the running aggregations (for summary overrides)."""

    def __init__(self, max_values=MAX_VALUES, warn=None):
        self.max_values = max_values
        self.warn = warn or (lambda msg: print(f"sweeplab: {msg}", file=sys.stderr))
        self.definitions = []
        self.resolved = {}  # metric name -> (step_metric, _Aggregate | None) once looked up
        self.last = {}  # metric name -> last numeric value (floats; for step metrics)
        self.ready = []  # closed batches
        self._open()
        self._warned = set()

    def _open(self):
        self.points = []  # [{step, time, values}]
        self.summary = {}
        self.config = {}
        self.logs = []  # [{level, message}]
        self.n_values = 0  # metric values and log lines: the server's batch weight
        self.log_chars = 0

    def _close(self):
        body = {}
        if self.points:
            body["metrics"] = self.points
        if self.summary:
            body["summary"] = self.summary
        if self.config:
            body["config"] = self.config
        if self.logs:
            body["logs"] = self.logs
        self.ready.append(body)
        self._open()

    def _warn_once(self, key, msg):
        if key not in self._warned:
            self._warned.add(key)
            self.warn(msg)

    def _resolve(self, name):
        got = self.resolved.get(name)
        if got is None:
            step_metric, aggregate = None, None
            for d in self.definitions:  # later definitions win, as in wandb
                if d.matches(name):
                    if d.step_metric is not None and d.step_metric != name:
                        step_metric = d.step_metric
                    if d.summary is not None:
                        aggregate = None if d.summary == "none" else _Aggregate(d.summary, d.goal)
            got = self.resolved[name] = (step_metric, aggregate)
        return got

    def add(self, record):
        head = record[0]
        if head == "summary":
            value = encode_number(record[2])
            if not is_key(str(record[1])):
                self._warn_once(("name", record[1]), f"summary key {str(record[1])[:60]!r} is not sent: a name is {KEY_RULE}")
            elif value is SKIP:
                self._warn_once(("summary", record[1]), f"summary[{record[1]!r}] is not a number; the server keeps numbers only, so it is not sent")
            else:
                self.summary[str(record[1])] = value
        elif head == "config":
            config = jsonable(record[1])
            issues = config_key_issues(config)
            for key, message in issues:
                self._warn_once(("config", key), f"config key {key[:60]!r} is not sent: {message}")
            self.config.update(without_keys(config, {key for key, _ in issues}) if issues else config)
        elif head == "log":
            self.logs.append({"level": record[1], "message": record[2]})
            self.n_values += 1
            self.log_chars += len(record[2])
            if self.n_values >= self.max_values or self.log_chars >= MAX_LOG_CHARS:
                self._close()
        elif head == "define":
            self.definitions.append(record[1])
            self.resolved.clear()  # aggregations restart for re-defined metrics, like wandb's
        else:
            self._add_row(*record)

    def _add_row(self, step, time, values):
        rows = {}  # step -> values (define_metric step metrics put a row's points at other steps)
        for name, value in _flatten(values):
            if not is_key(name):
                self._warn_once(("name", name), f"metric {name[:60]!r} is not sent: a name is {KEY_RULE}")
                continue
            encoded = encode_number(value)
            if encoded is SKIP:
                self._warn_once(("type", name), f"{name!r} is not a number ({type(value).__name__}); the server keeps numbers only, so it is not sent")
                continue
            number = _FLOAT_OF.get(encoded, math.nan) if encoded is None or isinstance(encoded, str) else float(encoded)
            self.last[name] = number
            step_metric, aggregate = self._resolve(name)
            at = step
            if step_metric is not None and step_metric != "_step":
                sm = values.get(step_metric, None)  # the same row's value first, as wandb does
                sm = self.last.get(step_metric) if sm is None else encode_number(sm)
                if isinstance(sm, (int, float)) and math.isfinite(sm) and sm >= 0:
                    at = int(sm)
                else:
                    self._warn_once(("step_metric", name), f"{name!r} is logged against {step_metric!r}, which has no value >= 0 yet: stored at step {step}")
            rows.setdefault(at, {})[name] = encoded
            if aggregate is not None:
                self.summary[name] = encode_number(aggregate.add(number))
        for at, row in rows.items():
            self._put(at, time, row)

    def _put(self, step, time, row):
        while row:
            last = self.points[-1] if self.points else None
            if last is not None and (last["step"] != step or len(last["values"]) >= MAX_PER_STEP):
                last = None
            room = min(self.max_values - self.n_values, MAX_PER_STEP - (len(last["values"]) if last else 0))
            if len(row) > room:
                keys = list(row)
                part, row = {k: row[k] for k in keys[:room]}, {k: row[k] for k in keys[room:]}
            else:
                part, row = row, None
            if part:
                if last is not None:
                    before = len(last["values"])
                    last["values"].update(part)  # commit=False rows at one step merge; later value wins
                    last["time"] = time
                    self.n_values += len(last["values"]) - before
                else:
                    self.points.append({"step": step, "time": time, "values": part})
                    self.n_values += len(part)
            if self.n_values >= self.max_values:
                self._close()

    def take(self):
        """Every batch body made so far (the open one closed too when it has anything)."""
        if self.points or self.summary or self.config or self.logs:
            self._close()
        ready, self.ready = self.ready, []
        return ready

    def has_ready(self):
        return bool(self.ready)


_FLOAT_OF = {"Infinity": math.inf, "-Infinity": -math.inf}


def _flatten(values, prefix=""):
    """wandb.log({"train": {"loss": 1}}) → "train.loss" (nested dicts, as wandb's summary shows them)."""
    for k, v in values.items():
        name = prefix + str(k)
        if isinstance(v, dict):
            yield from _flatten(v, name + ".")
        else:
            yield name, v
