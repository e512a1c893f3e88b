"""Runs written offline (no server): what lands in run.jsonl, from real Python processes."""

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

CLIENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, CLIENT)  # from any cwd
from sweeplab._offline import read, run_files, sync


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def run_script(cwd, code, **env):
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SWEEPLAB_")}
    env = dict(inherited, PYTHONPATH=CLIENT, SWEEPLAB_URL=closed_port_url(), **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def the_run(cwd):
    [path] = run_files([os.path.join(cwd, "sweeplab")])
    return path, read(path)


class OfflineTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.cwd = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def test_unreachable_server_at_init_writes_an_offline_run(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        done = run_script(self.cwd, """
            import sweeplab
            run = sweeplab.init(project="p", name="n", config={"lr": 0.1}, tags=["a"], group="g", notes="hi")
            sweeplab.log({"loss": 2.0})                    # step 0
            sweeplab.log({"loss": 1.0}, commit=False)      # step 1, kept open
            sweeplab.log({"acc": 0.5})                     # joins step 1
            sweeplab.log({"loss": 0.5}, step=5)            # step 5, kept open until the next step
            sweeplab.log({"loss": 0.7}, step=3)            # below the current step: dropped, as wandb
            sweeplab.log({"acc": 0.6})                     # joins step 5
            sweeplab.log({"loss": float("nan")})           # step 6
            sweeplab.config.update({"batch": 32})
            sweeplab.summary["test_acc"] = 0.9
            print(run.id, run.offline_dir)
            sweeplab.finish()
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("server unreachable", done.stderr)
        after = datetime.datetime.now(datetime.timezone.utc)
        run_id, offline_dir = done.stdout.split()
        self.assertRegex(run_id, r"^[0-9a-z]{8}$")
        self.assertRegex(os.path.basename(offline_dir), rf"^offline-run-\d{{8}}_\d{{6}}-{run_id}$")
        path, (init, batches, finish) = the_run(self.cwd)
        started = datetime.datetime.fromisoformat(init["body"].pop("startedAt"))
        self.assertEqual(init["body"], {"project": "p", "name": "n", "group": "g", "notes": "hi", "tags": ["a"],
                                        "config": {"lr": 0.1}, "id": run_id})
        self.assertEqual([b["seq"] for b in batches], list(range(1, len(batches) + 1)))
        rows = {}
        for b in batches:
            for p in b.get("metrics", []):
                rows.setdefault(p["step"], {}).update(p["values"])
        self.assertEqual(rows, {0: {"loss": 2.0}, 1: {"loss": 1.0, "acc": 0.5}, 5: {"loss": 0.5, "acc": 0.6}, 6: {"loss": None}})
        self.assertEqual([b["config"] for b in batches if "config" in b], [{"batch": 32}])
        self.assertEqual([b["summary"] for b in batches if "summary" in b], [{"test_acc": 0.9}])
        finished = datetime.datetime.fromisoformat(finish.pop("finishedAt"))
        self.assertEqual(finish, {"state": "finished"})
        # the run's own times, on this clock, with their offset
        self.assertTrue(before <= started <= finished <= after, (before, started, finished, after))

    def test_a_run_left_open_is_finished_at_exit_failed_on_an_exception_or_nonzero_exit(self):
        cases = [
            ("sweeplab.log({'a': 1})", "finished", None),
            ("sweeplab.log({'a': 1}); raise ValueError('diverged at step 3')", "failed", "ValueError: diverged at step 3"),
            ("import sys; sys.exit(3)", "failed", "exit code 3"),
            ("raise KeyboardInterrupt", "failed", "KeyboardInterrupt"),
        ]
        for body, state, error in cases:
            with self.subTest(body=body), tempfile.TemporaryDirectory() as cwd:
                run_script(cwd, f"import sweeplab\nsweeplab.init(project='p')\n{body}\n", SWEEPLAB_MODE="offline")
                _, (_, _, finish) = the_run(cwd)
                self.assertEqual(finish["state"], state)
                if error:
                    self.assertIn(error, finish["error"])
                else:
                    self.assertNotIn("error", finish)

    def test_a_killed_process_leaves_batches_and_no_finish(self):
        done = run_script(self.cwd, """
            import os, signal, time, sweeplab
            run = sweeplab.init(project="p")
            sweeplab.log({"a": 1})
            path = os.path.join(run.offline_dir, "run.jsonl")
            while len(open(path).readlines()) < 2:  # until the sender wrote the batch
                time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGKILL)
        """, SWEEPLAB_MODE="offline")
        self.assertEqual(done.returncode, -9)
        _, (_, batches, finish) = the_run(self.cwd)
        self.assertEqual(len(batches), 1)
        self.assertIsNone(finish)

    def test_sync_of_a_killed_run_ends_it_crashed_at_its_last_point(self):
        path = os.path.join(self.cwd, "run.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"type": "init", "id": "abcd1234", "body": {"id": "abcd1234", "startedAt": "2026-01-02T03:04:05.000+00:00"}}) + "\n")
            f.write(json.dumps({"type": "batch", "body": {"seq": 1, "metrics": [{"step": 0, "time": 1.5, "values": {}}, {"step": 1, "time": 90.25, "values": {}}]}}) + "\n")
        sent = []
        answer = lambda url, body, *rest: sent.append((url, body)) or (201, {"run": {"state": "running"}})
        with mock.patch.object(sys.modules["sweeplab._offline"], "post", answer), open(os.devnull, "w") as quiet:
            sync(path, "http://sweeplab.invalid", out=quiet)
        self.assertEqual(sent[0], ("/api/runs", {"id": "abcd1234", "startedAt": "2026-01-02T03:04:05.000+00:00"}))
        url, finish = sent[-1]
        self.assertEqual((url, finish["state"], finish["finishedAt"]), ("/api/runs/abcd1234/finish", "crashed", "2026-01-02T03:05:35.250+00:00"))

    def test_a_torn_last_line_is_skipped(self):
        path = os.path.join(self.cwd, "run.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"type": "init", "id": "abcd1234", "body": {"id": "abcd1234"}}) + "\n")
            f.write(json.dumps({"type": "batch", "body": {"seq": 1}}) + "\n")
            f.write('{"type": "batch", "body": {"se')
        init, batches, finish = read(path)
        self.assertEqual((init["id"], batches, finish), ("abcd1234", [{"seq": 1}], None))

    def test_disabled_mode_writes_nothing(self):
        done = run_script(self.cwd, "import sweeplab\nsweeplab.init()\nsweeplab.log({'a': 1})\nsweeplab.finish()\n", SWEEPLAB_MODE="disabled")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(os.listdir(self.cwd), [])


class SyncArgumentsTest(unittest.TestCase):
    def test_sync_names_what_it_cannot_find(self):
        with tempfile.TemporaryDirectory() as cwd:
            done = subprocess.run([sys.executable, "-m", "sweeplab", "sync", "nowhere", cwd], cwd=cwd,
                                  env=dict(os.environ, PYTHONPATH=CLIENT), capture_output=True, text=True)
            self.assertEqual(done.returncode, 2)
            self.assertIn("nowhere: no such file or folder", done.stderr)


if __name__ == "__main__":
    unittest.main()
