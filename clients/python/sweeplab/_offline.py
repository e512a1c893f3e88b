"""Offline runs, like `wandb offline` / `wandb sync`: one JSON line per event in
./sweeplab/offline-run-<YYYYmmdd_HHMMSS>-<id>/run.jsonl

  {"type": "init", "id": "<run id>", "body": <the POST /api/runs body, id and startedAt included>}
  {"type": "batch", "body": <a POST /api/runs/<id>/events body, seq included>}   (in seq order)
  {"type": "finish", "body": <the POST /api/runs/<id>/finish body, finishedAt included>}
  (a spill, the rest of an online run at finish, has no startedAt or finishedAt: the server started it)

Syncing replays them: the id and the seqs make a second sync a no-op on the server; startedAt
and finishedAt (ISO 8601, UTC) keep the run's own times, as `wandb sync` does, not the upload's.
Files written before they were recorded sync as before (the server's clock)."""

import datetime
import json
import os
import secrets
import string
import sys
import time

from ._http import Error, base_url, dumps, post

ID_ALPHABET = string.digits + string.ascii_lowercase


def new_run_id():
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(8))


def now_iso():
    """This moment as the logging API's startedAt/finishedAt take it: 2026-12-05T10:24:00.123+00:00."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


class OfflineFile:
    def __init__(self, body, root=None):
        run_id = body["id"]
        stamp = time.strftime("%Y%m%d_%H%M%S")
        self.dir = os.path.join(root or os.path.join(os.getcwd(), "sweeplab"), f"offline-run-{stamp}-{run_id}")
        os.makedirs(self.dir, exist_ok=True)
        self.path = os.path.join(self.dir, "run.jsonl")
        self._file = open(self.path, "ab")
        self._write({"type": "init", "id": run_id, "body": body})

    def _write(self, line):
        self._file.write(dumps(line) + b"\n")
        self._file.flush()

    def batch(self, body):
        self._write({"type": "batch", "body": body})

    def finish(self, body, ended_at):
        self._write({"type": "finish", "body": dict(body, finishedAt=ended_at) if ended_at else body})
        self._file.close()


def read(path):
    """(init line, batch bodies, finish body or None) of a run.jsonl; a torn last line (the
    process died mid-write) is skipped."""
    init, batches, finish = None, [], None
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                line = json.loads(raw)
            except ValueError:
                print(f"sweeplab sync: {path}:{number}: not a JSON line, skipped", file=sys.stderr)
                continue
            kind = line.get("type")
            if kind == "init":
                init = line
            elif kind == "batch":
                batches.append(line["body"])
            elif kind == "finish":
                finish = line["body"]
    if init is None:
        raise Error(f"{path}: no init line: not a sweeplab offline run")
    return init, batches, finish


def _last_point_at(init_body, batches):
    """When the last point of an offline run was logged (its start + the point's time), or None."""
    times = [p["time"] for body in batches for p in body.get("metrics", [])]
    if "startedAt" not in init_body or not times:
        return None
    start = datetime.datetime.fromisoformat(init_body["startedAt"])
    return (start + datetime.timedelta(seconds=max(times))).isoformat(timespec="milliseconds")


def run_files(paths):
    """run.jsonl files named by PATHs: a file, an offline-run-* folder, or a folder holding them."""
    found = []
    for p in paths:
        if os.path.isfile(p):
            found.append(p)
        elif os.path.isfile(os.path.join(p, "run.jsonl")):
            found.append(os.path.join(p, "run.jsonl"))
        elif os.path.isdir(p):
            inner = sorted(d for d in os.listdir(p) if d.startswith("offline-run-") and os.path.isfile(os.path.join(p, d, "run.jsonl")))
            if not inner:
                raise Error(f"{p}: no offline runs (offline-run-*/run.jsonl) in this folder")
            found.extend(os.path.join(p, d, "run.jsonl") for d in inner)
        else:
            raise Error(f"{p}: no such file or folder")
    return found


def sync(path, url=None, api_key=None, out=sys.stdout):
    """Upload one offline run. Returns the run's id. Raises Error / Unreachable."""
    init, batches, finish = read(path)
    run_id = init["id"]
    _, answer = post("/api/runs", init["body"], url, api_key)
    run = answer.get("run") or {}
    if run.get("state", "running") != "running":
        print(f"{run_id}: already ended on the server ({run.get('state')}): nothing to upload", file=out)
        return run_id
    for body in batches:
        post(f"/api/runs/{run_id}/events", body, url, api_key)
    if finish is None:
        # the process died without finishing (killed): the run did not end well, and no earlier
        # than its last point
        finish = {"state": "crashed", "error": "the offline run has no finish record (was the process killed?)"}
        last_point = _last_point_at(init["body"], batches)
        if last_point:
            finish["finishedAt"] = last_point
    post(f"/api/runs/{run_id}/finish", finish, url, api_key)
    print(f"{run_id}: synced {len(batches)} batches, {finish['state']}: {(url or base_url()) + answer.get('url', '')}", file=out)
    return run_id
