"""Console capture (_console.py): lines as a terminal leaves them, the batches that carry them,
and the streams patched and given back; offline runs from real Python processes."""

import collections
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

CLIENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, CLIENT)  # from any cwd
from sweeplab import Error, Settings, _console_on
from sweeplab._batch import Batcher
from sweeplab._console import LINE_MAX, Capture, Lines
from sweeplab._offline import read, run_files


class LinesTest(unittest.TestCase):
    def test_split_at_newlines_a_progress_bar_keeps_its_last_update_colours_dropped(self):
        lines = Lines()
        self.assertEqual(lines.feed("a"), [])
        self.assertEqual(lines.feed("b\nc\r\n"), ["ab", "c"])
        for i in range(1000):
            self.assertEqual(lines.feed(f"\r{i}%|\x1b[32m##\x1b[0m|"), [])
        self.assertLess(len(lines.open), 40, "a bar's overwritten updates are not kept")
        self.assertEqual(lines.feed("\n"), ["999%|##|"])
        self.assertEqual(lines.feed("done\r\r"), [])
        self.assertEqual(lines.end(), ["done"])
        self.assertEqual(lines.end(), [])

    def test_a_very_long_line_is_cut(self):
        [line] = Lines().feed("x" * (LINE_MAX + 10) + "\n")
        self.assertEqual(line, "x" * LINE_MAX + " … (10 characters cut)")


class BatcherLogsTest(unittest.TestCase):
    def test_log_lines_go_in_order_and_count_towards_a_batchs_weight(self):
        b = Batcher(max_values=3, warn=lambda msg: None)
        b.add((0, 0.0, {"loss": 1.0}))
        b.add(("log", "info", "one"))
        b.add(("log", "stderr", "two"))
        b.add(("log", "info", "three"))
        first, second = b.take()
        self.assertEqual(first, {"metrics": [{"step": 0, "time": 0.0, "values": {"loss": 1.0}}],
                                 "logs": [{"level": "info", "message": "one"}, {"level": "stderr", "message": "two"}]})
        self.assertEqual(second, {"logs": [{"level": "info", "message": "three"}]})


class CaptureTest(unittest.TestCase):
    def setUp(self):
        self.saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()

    def tearDown(self):
        sys.stdout, sys.stderr = self.saved

    def test_lines_of_both_streams_in_the_order_they_end_and_the_streams_unchanged(self):
        queue = collections.deque()
        out, err = sys.stdout, sys.stderr
        capture = Capture(queue)
        print("one")
        print("two", file=sys.stderr)
        sys.stdout.write("three")
        print("\rfour")
        capture.stop()
        print("after")
        self.assertEqual(list(queue), [("log", "info", "one"), ("log", "stderr", "two"), ("log", "info", "four")])
        self.assertEqual(out.getvalue(), "one\nthree\rfour\nafter\n")
        self.assertEqual(err.getvalue(), "two\n")
        self.assertEqual(out.__dict__, {}, "the stream's own write is back")

    def test_a_stream_the_script_sets_itself_is_left_alone(self):
        queue = collections.deque()
        capture = Capture(queue)
        mine = io.StringIO()
        sys.stdout = mine
        print("to my buffer")
        capture.stop()
        self.assertIs(sys.stdout, mine)
        self.assertEqual(mine.getvalue(), "to my buffer\n")
        self.assertEqual(list(queue), [])

    def test_the_quiet_threads_writes_are_not_logged(self):
        queue = collections.deque()
        thread = threading.Thread(target=lambda: print("sweeplab: a warning", file=sys.stderr))
        capture = Capture(queue, thread)
        thread.start()
        thread.join()
        capture.stop()
        self.assertEqual(list(queue), [])
        self.assertEqual(sys.stderr.getvalue(), "sweeplab: a warning\n")


class ConsoleSettingTest(unittest.TestCase):
    def test_off_from_init_settings_or_the_environment(self):
        env = os.environ.pop("SWEEPLAB_CONSOLE", None)
        try:
            self.assertTrue(_console_on(None, None))
            self.assertTrue(_console_on("wrap", Settings()))
            self.assertFalse(_console_on("off", None))
            self.assertFalse(_console_on(None, Settings(console="off")))
            self.assertFalse(_console_on(None, {"console": "off"}))
            os.environ["SWEEPLAB_CONSOLE"] = "off"
            self.assertFalse(_console_on("auto", None), "the sweep runner's off wins")
            with self.assertRaises(Error):
                _console_on("quiet", None)
        finally:
            os.environ.pop("SWEEPLAB_CONSOLE", None)
            if env is not None:
                os.environ["SWEEPLAB_CONSOLE"] = env


def run_offline(cwd, code, **env):
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SWEEPLAB_")}
    env = dict(inherited, PYTHONPATH=CLIENT, SWEEPLAB_MODE="offline", **env)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    [path] = run_files([os.path.join(cwd, "sweeplab")])
    _, batches, finish = read(path)
    return done, [(line["level"], line["message"]) for body in batches for line in body.get("logs", [])], finish


class OfflineConsoleTest(unittest.TestCase):
    SCRIPT = """
        import logging, sys, sweeplab
        logging.basicConfig(level=logging.INFO)  # (its handler holds sys.stderr from before init)
        sweeplab.init(project="console"{args})
        print("to stdout")
        logging.info("to logging")
        raise ValueError("boom")
    """

    def test_an_offline_runs_console_goes_to_its_file_traceback_included(self):
        with tempfile.TemporaryDirectory() as cwd:
            done, logs, finish = run_offline(cwd, self.SCRIPT.format(args=""))
        self.assertEqual(done.stdout, "to stdout\n")
        self.assertEqual(logs[:3], [("info", "to stdout"), ("stderr", "INFO:root:to logging"), ("stderr", "Traceback (most recent call last):")])
        self.assertEqual(logs[-1], ("stderr", "ValueError: boom"))
        self.assertEqual(finish["state"], "failed")

    def test_console_off(self):
        for args, env in ((', console="off"', {}), (', settings=sweeplab.Settings(console="off")', {}), ("", {"SWEEPLAB_CONSOLE": "off"})):
            with tempfile.TemporaryDirectory() as cwd:
                done, logs, _ = run_offline(cwd, self.SCRIPT.format(args=args), **env)
            self.assertEqual(done.stdout, "to stdout\n")
            self.assertIn("ValueError: boom", done.stderr)
            self.assertEqual(logs, [], args or env)


if __name__ == "__main__":
    unittest.main()
