#!/usr/bin/env python3
"""Sweeplab's driver for W&B's sweep engine (github.com/wandb/sweeps).

W&B's code is not part of this repository: sweeps/reference/wandb.ts exports it from a git
mirror (or takes a checkout) and starts this script with `--src <dir holding the sweeps
package>`. Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
Requests name W&B's own functions; answers are what those functions returned.

Values W&B distinguishes but JSON does not are sent tagged: {"__float__": 3000000} is the float
3000000.0 (W&B hashes it like the int), {"__float__": "nan"} is NaN. Non-finite floats in
answers come back as the strings "Infinity", "-Infinity", "NaN".

When the interpreter lacks `jsonref` or pydantic 2 (Debian bookworm has neither), a minimal
stand-in is installed in this process only, for exactly what W&B uses: JsonRef.replace_refs
(local "#/..." references, cycles shared) and pydantic.AliasChoices (W&B's SweepRun then
accepts field names only, which is all this driver passes). `hello` reports which were used.
"""
import argparse
import json
import math
import random
import sys
import types
import traceback

SHIMS = []


def install_shims():
    try:
        import jsonref  # noqa: F401
    except ImportError:
        def deref(node, root, cache):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/"):
                    if ref in cache:
                        return cache[ref]
                    target = root
                    for part in ref[2:].split("/"):
                        target = target[part]
                    out = {}
                    cache[ref] = out
                    out.update(deref(target, root, cache))
                    return out
                return {k: deref(v, root, cache) for k, v in node.items()}
            if isinstance(node, list):
                return [deref(v, root, cache) for v in node]
            return node

        class JsonRef:
            @staticmethod
            def replace_refs(obj, **_kwargs):
                return deref(obj, obj, {})

        module = types.ModuleType("jsonref")
        module.JsonRef = JsonRef
        sys.modules["jsonref"] = module
        SHIMS.append("jsonref: local stand-in for JsonRef.replace_refs")
    import pydantic

    if not hasattr(pydantic, "AliasChoices"):
        pydantic.AliasChoices = lambda *names: names[0]
        SHIMS.append(f"pydantic {pydantic.VERSION}: AliasChoices stand-in (field names only)")


def decode(obj):
    if isinstance(obj, dict):
        if set(obj) == {"__float__"}:
            return float(obj["__float__"])
        return {k: decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    return obj


def encode(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, np.ndarray):
        obj = obj.tolist()
    if isinstance(obj, float) and not math.isfinite(obj):
        return "NaN" if math.isnan(obj) else ("Infinity" if obj > 0 else "-Infinity")
    if isinstance(obj, dict):
        return {str(k): encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if hasattr(obj, "value") and hasattr(obj, "name") and type(obj).__module__.startswith("sweeps"):
        return obj.value  # RunState
    return obj


def yaml_load(text):
    """As the wandb CLI reads a sweep file: PyYAML, YAML 1.1 rules (1e-5 without a dot is a string);
    JSON that YAML cannot read (a tab in the indentation) with json."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return json.loads(text)


def flat(run_config):
    """W&B run config {"a": {"value": 1}} -> {"a": 1}."""
    return {k: v["value"] for k, v in run_config.items() if isinstance(v, dict) and "value" in v}


def nested(params):
    return {k: {"value": v} for k, v in params.items()}


# --- operations ---------------------------------------------------------------------------


def op_hello(_req):
    import numpy
    import scipy
    import sklearn
    import sweeps

    return {
        "version": getattr(sweeps, "__version__", "?"),
        "shims": SHIMS,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }


def op_grid(req):
    """Every suggestion of grid_search_next_runs (through run.next_run), one at a time, until None."""
    from sweeps import SweepRun, next_run

    config = req["config"]
    runs = [SweepRun(config=nested(p)) for p in req.get("runs", [])]
    out = []
    for _ in range(int(req.get("limit", 10000))):
        run = next_run(config, runs)
        if run is None:
            break
        out.append(flat(run.config))
        runs.append(run)
    return {"suggestions": out}


def op_stop(req):
    """hyperband_stop_runs via run.stop_runs: names of the runs to stop, and W&B's bands/thresholds."""
    from sweeps import RunState, SweepRun, stop_runs

    config = req["config"]
    metric = config["metric"]["name"]
    runs = []
    for r in req["runs"]:
        history = [{metric: v} if v is not None else {} for v in r["history"]]
        runs.append(SweepRun(name=r["name"], state=RunState(r["state"]), history=history))
    stopped = stop_runs(config, runs)
    info = next((r.early_terminate_info for r in runs if r.early_terminate_info), None) or {}
    return {"stop": [r.name for r in stopped], "bands": info.get("bands"), "thresholds": info.get("thresholds")}


def op_validate(req):
    """schema_violations_from_proposed_config, then whether SweepConfig() accepts the config."""
    from sweeps.config import SweepConfig, schema_violations_from_proposed_config

    config = yaml_load(req["text"]) if "text" in req else req["config"]
    answer = {}
    try:
        answer["violations"] = schema_violations_from_proposed_config(config)
    except Exception as e:  # W&B raises for configs it cannot even walk
        answer["violations_raise"] = f"{type(e).__name__}: {e}"
    try:
        answer["filled"] = dict(SweepConfig(config))
        answer["valid"] = True
    except Exception as e:  # ValidationError, ValueError, or W&B failing on what it cannot walk
        answer["valid"] = False
        answer["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return answer


def op_fill_parameter(req):
    """config.fill_parameter: W&B's parameter type (which distribution it infers) and its filled spec."""
    from sweeps.config import fill_parameter

    spec = yaml_load(req["yaml"]) if "yaml" in req else req["spec"]
    try:
        result = fill_parameter(req["name"], spec)
    except Exception as e:
        return {"raise": f"{type(e).__name__}: {e}"}
    if result is None:
        return {"type": None}
    kind, spec = result
    return {"type": kind, "spec": spec}


def op_hyperparameter_values(req):
    """What W&B's grid enumerates for one parameter (int_uniform: range, q_uniform: numpy.arange)."""
    from sweeps import SweepRun, next_run

    config = {"method": "grid", "parameters": {"x": req["spec"]}}
    runs, out = [], []
    while True:
        run = next_run(config, runs)
        if run is None:
            return {"values": out}
        out.append(flat(run.config)["x"])
        runs.append(run)


def op_yaml_hash(req):
    from sweeps.grid_search import yaml_hash

    return {"hashes": [yaml_hash(v) for v in req["values"]]}


def op_bayes_next(req):
    """bayes_search_next_run on the given runs; `seed` reseeds numpy's and Python's global RNGs first."""
    import numpy as np
    from sweeps import RunState, SweepRun
    from sweeps.bayes_search import bayes_search_next_run

    if req.get("seed") is not None:
        np.random.seed(int(req["seed"]))
        random.seed(int(req["seed"]))
    runs = []
    for r in req["runs"]:
        runs.append(
            SweepRun(
                config=nested(r["params"]),
                state=RunState(r.get("state", "finished")),
                summary_metrics=r.get("summary", {}),
                history=r.get("history", []),
            )
        )
    suggestion = bayes_search_next_run(runs, req["config"])
    return {"params": flat(suggestion.config), "info": suggestion.search_info}


OPS = {
    "hello": op_hello,
    "grid": op_grid,
    "stop": op_stop,
    "validate": op_validate,
    "fill_parameter": op_fill_parameter,
    "hyperparameter_values": op_hyperparameter_values,
    "yaml_hash": op_yaml_hash,
    "bayes_next": op_bayes_next,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True, help="directory that holds W&B's `sweeps` package")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    import warnings

    warnings.filterwarnings("ignore")
    install_shims()
    import logging

    logging.disable(logging.CRITICAL)
    out = sys.stdout
    sys.stdout = sys.stderr  # W&B prints notes; only answers go to the real stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = decode(json.loads(line))
            answer = {"ok": True, "result": encode(OPS[req["op"]](req))}
        except Exception as e:
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
        out.write(json.dumps(answer, allow_nan=False) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
