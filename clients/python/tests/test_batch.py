import json
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # clients/python, from any cwd
from sweeplab._batch import SKIP, Batcher, MetricDefinition, create_issues, encode_number, jsonable
from sweeplab._http import dumps


class FloatLike:  # a numpy scalar / 1-element tensor stand-in: anything with __float__
    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v


def batcher(max_values=10_000):
    warnings = []
    return Batcher(max_values, warn=warnings.append), warnings


def points(bodies):
    return [(p["step"], name, v) for b in bodies for p in b.get("metrics", []) for name, v in p["values"].items()]


class EncodeTest(unittest.TestCase):
    def test_non_finite_numbers_become_json(self):
        self.assertIsNone(encode_number(math.nan))
        self.assertEqual(encode_number(math.inf), "Infinity")
        self.assertEqual(encode_number(-math.inf), "-Infinity")
        self.assertEqual(encode_number(FloatLike(math.nan)), None)
        self.assertEqual(encode_number(FloatLike(2.5)), 2.5)
        self.assertEqual(encode_number(True), 1)
        self.assertEqual(encode_number(3), 3)
        self.assertIs(encode_number("high"), SKIP)
        self.assertIs(encode_number([1, 2]), SKIP)

    def test_a_batch_with_nan_and_inf_is_valid_json(self):
        b, _ = batcher()
        b.add((0, 0.0, {"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "ok": 1.5}))
        b.add(("summary", "best", math.nan))
        [body] = b.take()
        text = dumps(dict(body, seq=1)).decode()  # allow_nan=False: would raise on a NaN literal
        self.assertNotIn("NaN", text.replace('"NaN"', ""))
        self.assertEqual(json.loads(text)["metrics"][0]["values"], {"nan": None, "inf": "Infinity", "ninf": "-Infinity", "ok": 1.5})
        self.assertEqual(json.loads(text)["summary"], {"best": None})

    def test_config_values_are_json(self):
        self.assertEqual(jsonable({"a": (1, 2), "b": math.inf, "c": {"d": math.nan}, "e": FloatLike}),
                         {"a": [1, 2], "b": "Infinity", "c": {"d": "NaN"}, "e": str(FloatLike)})
        dumps(jsonable({"x": float("nan")}))


class BatcherTest(unittest.TestCase):
    def test_rows_become_points_in_order(self):
        b, _ = batcher()
        b.add((0, 0.1, {"loss": 2.0, "val/loss": 3.0}))
        b.add((1, 0.2, {"loss": 1.0}))
        [body] = b.take()
        self.assertEqual(body["metrics"], [{"step": 0, "time": 0.1, "values": {"loss": 2.0, "val/loss": 3.0}},
                                           {"step": 1, "time": 0.2, "values": {"loss": 1.0}}])
        self.assertEqual(b.take(), [], "nothing new: no batch")

    def test_no_batch_holds_more_than_max_values_and_none_is_lost(self):
        b, _ = batcher(max_values=5)
        b.add((0, 0.0, {f"m{i}": i for i in range(12)}))  # one row wider than a batch
        b.add((1, 0.0, {"a": 1, "b": 2}))
        bodies = b.take()
        self.assertEqual([sum(len(p["values"]) for p in body["metrics"]) for body in bodies], [5, 5, 4])
        self.assertEqual(sorted(points(bodies)), sorted([(0, f"m{i}", i) for i in range(12)] + [(1, "a", 1), (1, "b", 2)]))

    def test_rows_of_one_step_merge_later_value_wins(self):  # log(..., commit=False) accumulation
        b, _ = batcher()
        b.add((4, 0.0, {"a": 1}))
        b.add((4, 0.5, {"a": 2, "b": 3}))
        [body] = b.take()
        self.assertEqual(body["metrics"], [{"step": 4, "time": 0.5, "values": {"a": 2, "b": 3}}])

    def test_nested_dicts_flatten_and_non_numbers_are_dropped_with_one_warning(self):
        b, warnings = batcher()
        b.add((0, 0.0, {"train": {"loss": 1.0}, "image": object(), "x" * 129: 1}))
        b.add((1, 0.0, {"image": object()}))
        self.assertEqual(points(b.take()), [(0, "train.loss", 1.0)])
        self.assertEqual(len(warnings), 2, warnings)

    def test_step_metric_globs_put_points_at_the_step_metrics_value(self):
        b, warnings = batcher()
        b.add(("define", MetricDefinition("epoch")))
        b.add(("define", MetricDefinition("val/*", step_metric="epoch")))
        b.add((0, 0.0, {"val/loss": 9.0}))  # no epoch yet: the global step, with a warning
        b.add((10, 0.0, {"train/loss": 1.0, "epoch": 1, "val/loss": 2.0}))  # epoch of the same row
        b.add((11, 0.0, {"val/acc": 0.5}))  # epoch's last value
        b.add((12, 0.0, {"epoch": 2.0}))
        b.add((13, 0.0, {"val/loss": 1.5}))
        self.assertEqual(sorted(points(b.take())), sorted([
            (0, "val/loss", 9.0), (10, "train/loss", 1.0), (10, "epoch", 1), (1, "val/loss", 2.0),
            (1, "val/acc", 0.5), (12, "epoch", 2.0), (2, "val/loss", 1.5)]))
        self.assertEqual(len(warnings), 1)

    def test_summary_aggregations_are_sent_as_overrides_in_every_batch_with_the_metric(self):
        b, _ = batcher()
        for name, summary, goal in [("a", "min", None), ("b", "max", None), ("c", "mean", None),
                                    ("d", "best", "maximize"), ("e", "best", None), ("f", "last", None)]:
            b.add(("define", MetricDefinition(name, summary=summary, goal=goal)))
        b.add(("define", MetricDefinition("g*", summary="none")))
        for v in [3.0, 1.0, math.nan, 2.0]:
            b.add((0, 0.0, {k: v for k in "abcdefg"}))
        [body] = b.take()
        self.assertEqual(body["summary"], {"a": 1.0, "b": 3.0, "c": 2.0, "d": 3.0, "e": 1.0, "f": 2.0})
        b.add((1, 0.0, {"a": 5.0}))
        self.assertEqual(b.take()[0]["summary"], {"a": 1.0}, "resent: the server's fold would make it the last value")

    def test_summary_aggregations_take_infinities_and_skip_nan(self):
        b, _ = batcher()
        for name, summary, goal in [("a", "min", None), ("b", "max", None), ("c", "mean", None),
                                    ("d", "best", "maximize"), ("e", "best", None)]:
            b.add(("define", MetricDefinition(name, summary=summary, goal=goal)))
        for v in [3.0, math.inf, math.nan, 1.0]:
            b.add((0, 0.0, {k: v for k in "bcd"}))
        for v in [3.0, -math.inf, math.nan, 1.0]:
            b.add((0, 0.0, {k: v for k in "ae"}))
        [body] = b.take()
        # (spelt as the server reads an infinity)
        self.assertEqual(body["summary"], {"a": "-Infinity", "b": "Infinity", "c": "Infinity", "d": "Infinity", "e": "-Infinity"})

    def test_explicit_summary_and_config_ride_along(self):
        b, warnings = batcher()
        b.add(("summary", "test_acc", 0.9))
        b.add(("summary", "note", "text"))
        b.add(("config", {"lr": 0.1, "nested": {"a": 1}}))
        self.assertEqual(b.take(), [{"summary": {"test_acc": 0.9}, "config": {"lr": 0.1, "nested": {"a": 1}}}])
        self.assertEqual(len(warnings), 1)

    def test_names_the_server_would_refuse_are_dropped_not_the_batch(self):
        b, warnings = batcher()
        b.add((0, 0.0, {"val/loss": 1.0, "eval/acc@1": 0.5, "has  two spaces": 1.0, "a,b": 2.0, "x" * 129: 3.0, "": 4.0}))
        b.add(("summary", "bad key ", 1.0))
        b.add(("config", {"ok": 1, " bad key": 2, "nested": {"fine": 3, "not=fine": 4}}))
        [body] = b.take()
        self.assertEqual(body["metrics"][0]["values"], {"val/loss": 1.0, "eval/acc@1": 0.5})
        self.assertNotIn("summary", body)
        self.assertEqual(body["config"], {"ok": 1, "nested": {"fine": 3}})
        self.assertEqual(len(warnings), 7, warnings)

    def test_names_in_any_script_are_sent_as_the_server_takes_them(self):
        b, warnings = batcher()
        b.add((0, 0.0, {"val/точность": 0.5, "损失": 1.0, "cafe\u0301": 2.0, "学习\u3000率": 3.0, "a\u200bb": 4.0, "\u0301a": 5.0}))
        b.add(("summary", "最佳", 1.0))
        b.add(("config", {"学习率": 0.1, "größe": {"层数": 2}}))
        [body] = b.take()
        self.assertEqual(body["metrics"][0]["values"], {"val/точность": 0.5, "损失": 1.0, "cafe\u0301": 2.0})
        self.assertEqual(body["summary"], {"最佳": 1.0})
        self.assertEqual(body["config"], {"学习率": 0.1, "größe": {"层数": 2}})
        self.assertEqual(len(warnings), 3, warnings)
        # 128 characters are code points, as the server counts them
        self.assertEqual(create_issues({"config": {"𝒳" * 128: 1}}), [])
        self.assertEqual([f for f, _ in create_issues({"config": {"損" * 129: 1}, "tags": ["标签"]})], ["config." + "損" * 129])

    def test_names_with_inner_spaces_are_sent_as_wandb_takes_them(self):
        b, warnings = batcher()
        b.add((0, 0.0, {"val loss": 0.5, "train acc (%)": 90.0, "val  loss": 1.0, "val loss ": 2.0, "val\u00a0loss": 3.0}))
        b.add(("summary", "best val loss", 0.4))
        b.add(("config", {"learning rate": 0.1, "model": {"hidden size": 64, " pad": 1}, "a. b": 2}))
        [body] = b.take()
        self.assertEqual(body["metrics"][0]["values"], {"val loss": 0.5, "train acc (%)": 90.0})
        self.assertEqual(body["summary"], {"best val loss": 0.4})
        self.assertEqual(body["config"], {"learning rate": 0.1, "model": {"hidden size": 64}})
        self.assertEqual(len(warnings), 5, warnings)
        # a nested key's part may not begin or end with a space: it would sit beside the joining dot
        self.assertEqual([f for f, _ in create_issues({"config": {"model": {"hidden size": 1, "depth ": 2}}})], ["config.model.depth "])

    def test_a_step_holds_at_most_256_values_per_entry(self):
        b, _ = batcher()
        b.add((3, 0.0, {f"m{i}": i for i in range(300)}))
        b.add((3, 0.0, {"late": 1}))
        [body] = b.take()
        self.assertEqual([(p["step"], len(p["values"])) for p in body["metrics"]], [(3, 256), (3, 45)])

    def test_create_issues_name_the_field(self):
        self.assertEqual(create_issues({"project": "p", "name": "n", "tags": ["ok"], "config": {"lr": 1, "o": {"b  c": 1}}, "id": "abcd1234"}),
                         [("config.o.b  c", create_issues({"config": {"o": {"b  c": 1}}})[0][1])])
        self.assertEqual([f for f, _ in create_issues({"project": "a b", "group": "g  h", "tags": ["x", "y z "], "id": "UP"})],
                         ["project", "group", "tags.1", "id"])

    def test_bad_definitions_are_refused_naming_the_argument(self):
        with self.assertRaisesRegex(ValueError, "summary must be one of"):
            MetricDefinition("loss", summary="median")
        with self.assertRaisesRegex(ValueError, "goal must be"):
            MetricDefinition("loss", summary="best", goal="lower")


if __name__ == "__main__":
    unittest.main()
