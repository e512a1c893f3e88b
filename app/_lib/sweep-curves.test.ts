import assert from "node:assert/strict";
import { test } from "node:test";
import type { CompareDelta, CompareDeltaRun, SeriesTuple } from "./compare-api.ts";
import { curvesQuery, heldFirst, MAX_OPEN, mergeCurves, type HeldCurves } from "./sweep-curves.ts";

// The sweep curves' incremental polling, client side: what the next poll asks for, and how
// an answer merges into what is held.

const run = (id: string, state: CompareDeltaRun["state"]): CompareDeltaRun => ({ id, name: `run-${id}`, state, startedAt: null });
const pts = (...steps: number[]): SeriesTuple[] => steps.map((s) => [s, 1 / s, s / 10]);
const delta = (d: Partial<CompareDelta>): CompareDelta => ({ total: 0, reset: false, runs: [], series: {}, tails: {}, ...d });
const steps = (held: HeldCurves, id: string, key = "val_loss") => (held.series[id]?.[key] ?? []).map((p) => p[0]);

test("the first poll asks for everything; the answer is held in the view's order", () => {
  assert.equal(curvesQuery(null, ["val_loss"], 150), "since=0");
  const held = mergeCurves(null, delta({ total: 3, reset: true, runs: [run("aaaa", "finished"), run("bbbb", "running"), run("cccc", "queued")], series: { aaaa: { val_loss: pts(10, 20, 30) }, bbbb: { val_loss: pts(10) }, cccc: {} } }));
  assert.deepEqual(held.runs.map((r) => r.id), ["aaaa", "bbbb", "cccc"]);
  assert.deepEqual(steps(held, "aaaa"), [10, 20, 30]);
  // the finished run is not asked for again; the running one from its last step; the queued one whole
  assert.equal(curvesQuery(held, ["val_loss"], 150), "since=3.cccc&open=bbbb:10,cccc");
});

test("tails are appended after the step asked from; new runs are appended to the view", () => {
  let held = mergeCurves(null, delta({ total: 2, reset: true, runs: [run("aaaa", "finished"), run("bbbb", "running")], series: { aaaa: { val_loss: pts(10, 20) }, bbbb: { val_loss: pts(10, 20) } } }));
  const finished = held.series.aaaa;
  held = mergeCurves(held, delta({ total: 3, runs: [run("bbbb", "running"), run("cccc", "running")], series: { bbbb: { val_loss: pts(30, 40) }, cccc: { val_loss: pts(10) } }, tails: { bbbb: 20 } }));
  assert.deepEqual(held.runs.map((r) => [r.id, r.state]), [["aaaa", "finished"], ["bbbb", "running"], ["cccc", "running"]]);
  assert.deepEqual(steps(held, "bbbb"), [10, 20, 30, 40]);
  assert.deepEqual(steps(held, "cccc"), [10]);
  assert.equal(held.series.aaaa, finished, "a run the answer does not mention is left as it is");
  assert.equal(curvesQuery(held, ["val_loss"], 150), "since=3.cccc&open=bbbb:40,cccc:10");
  // a tail with nothing new changes nothing; the run ends: it comes with its last points and is then complete
  held = mergeCurves(held, delta({ total: 3, runs: [run("bbbb", "finished"), run("cccc", "running")], series: { bbbb: { val_loss: pts(50) }, cccc: {} }, tails: { bbbb: 40, cccc: 10 } }));
  assert.deepEqual(steps(held, "bbbb"), [10, 20, 30, 40, 50]);
  assert.deepEqual(steps(held, "cccc"), [10]);
  assert.equal(curvesQuery(held, ["val_loss"], 150), "since=3.cccc&open=cccc:10");
  held = mergeCurves(held, delta({ total: 3, runs: [run("cccc", "pruned")], series: { cccc: {} }, tails: { cccc: 10 } }));
  assert.equal(curvesQuery(held, ["val_loss"], 150), "since=3.cccc", "every run ended: nothing is open");
});

test("a tail from an earlier step replaces what is held after it (no duplicates); a whole series replaces", () => {
  let held = mergeCurves(null, delta({ total: 1, reset: true, runs: [run("aaaa", "running")], series: { aaaa: { val_loss: pts(10, 20), train_loss: pts(11, 12) } } }));
  // several metrics: the cursor is the last step held of all of them
  assert.equal(curvesQuery(held, ["val_loss", "train_loss"], 150), "since=1.aaaa&open=aaaa:12");
  held = mergeCurves(held, delta({ total: 1, runs: [run("aaaa", "running")], series: { aaaa: { val_loss: pts(20, 30), train_loss: pts(13) } }, tails: { aaaa: 12 } }));
  assert.deepEqual(steps(held, "aaaa"), [10, 20, 30]);
  assert.deepEqual(steps(held, "aaaa", "train_loss"), [11, 12, 13]);
  // a metric with nothing held yet: the run is asked for whole
  assert.equal(curvesQuery(held, ["val_loss", "lr"], 150), "since=1.aaaa&open=aaaa");
  held = mergeCurves(held, delta({ total: 1, runs: [run("aaaa", "running")], series: { aaaa: { val_loss: pts(10, 40) } } }));
  assert.deepEqual(steps(held, "aaaa"), [10, 40], "whole: replaced, downsampled or not");
  assert.deepEqual(steps(held, "aaaa", "train_loss"), []);
});

test("a series held longer than 2 × points is asked for whole again (downsampled by the server)", () => {
  const many = Array.from({ length: 25 }, (_, i) => (i + 1) * 10);
  let held = mergeCurves(null, delta({ total: 1, reset: true, runs: [run("aaaa", "running")], series: { aaaa: { val_loss: pts(...many.slice(0, 20)) } } }));
  assert.equal(curvesQuery(held, ["val_loss"], 10), "since=1.aaaa&open=aaaa:200", "20 = 2 × points: still a tail");
  held = mergeCurves(held, delta({ total: 1, runs: [run("aaaa", "running")], series: { aaaa: { val_loss: pts(...many.slice(20)) } }, tails: { aaaa: 200 } }));
  assert.equal(steps(held, "aaaa").length, 25);
  assert.equal(curvesQuery(held, ["val_loss"], 10), "since=1.aaaa&open=aaaa");
});

test("a reset answer drops what was held; too many open runs ask for the whole view", () => {
  const held = mergeCurves(null, delta({ total: 2, reset: true, runs: [run("aaaa", "finished"), run("bbbb", "running")], series: { aaaa: { val_loss: pts(10) }, bbbb: { val_loss: pts(10) } } }));
  const again = mergeCurves(held, delta({ total: 2, reset: true, runs: [run("bbbb", "running"), run("aaaa", "finished")], series: { aaaa: { val_loss: pts(10, 20) }, bbbb: {} } }));
  assert.deepEqual(again.runs.map((r) => r.id), ["bbbb", "aaaa"]);
  assert.deepEqual(steps(again, "aaaa"), [10, 20]);
  const crowd = mergeCurves(null, delta({ total: MAX_OPEN + 1, reset: true, runs: Array.from({ length: MAX_OPEN + 1 }, (_, i) => run(`r${String(i).padStart(4, "0")}`, "queued")) }));
  assert.equal(curvesQuery(crowd, ["val_loss"], 150), "since=0");
});

test("the compare page's case: held from the server's first answer, detail kept across polls, metric names follow the answers", () => {
  type Detail = CompareDeltaRun & { config?: Record<string, unknown> };
  // the first (server-rendered) answer: whole runs with config, in the selection's order (runs=b,a)
  const initial: HeldCurves<Detail> = {
    runs: [{ ...run("bbbb", "running"), config: { lr: 0.1 } }, { ...run("aaaa", "finished"), config: { lr: 0.3 } }],
    series: { bbbb: { val_loss: pts(10, 20), train_loss: pts(1, 2) }, aaaa: { val_loss: pts(10), train_loss: pts(1) } },
    names: ["train_loss", "val_loss"],
  };
  assert.equal(curvesQuery(initial, ["val_loss", "train_loss"], 1000), "since=2.aaaa&open=bbbb:2", "only the running run is open; its cursor is its shortest metric");
  // a poll: the held run comes back as a brief (no config), its tails after step 2 of every metric
  const d = (x: Partial<CompareDelta<Detail>>): CompareDelta<Detail> => ({ total: 2, reset: false, runs: [], series: {}, tails: {}, ...x });
  let held = mergeCurves(initial, d({ runs: [run("bbbb", "finished")], names: ["lr", "train_loss", "val_loss"], series: { bbbb: { val_loss: pts(10, 20, 30), train_loss: pts(3) } }, tails: { bbbb: 2 } }));
  assert.deepEqual(held.runs.map((r) => [r.id, r.state, r.config]), [["bbbb", "finished", { lr: 0.1 }], ["aaaa", "finished", { lr: 0.3 }]], "order and config kept, state updated");
  assert.deepEqual(steps(held, "bbbb"), [10, 20, 30], "val_loss after step 2 (the cursor is the shortest metric's) replaces what was held after it");
  assert.deepEqual(steps(held, "bbbb", "train_loss"), [1, 2, 3]);
  assert.equal(held.series.aaaa, initial.series.aaaa, "the ended run is untouched");
  assert.deepEqual(held.names, ["lr", "train_loss", "val_loss"]);
  assert.equal(curvesQuery(held, ["val_loss", "train_loss"], 1000), "since=2.aaaa", "every run ended: later polls ask for nothing");
  // an answer without names keeps the held ones
  held = mergeCurves(held, d({}));
  assert.deepEqual(held.names, ["lr", "train_loss", "val_loss"]);
});

test("a first answer read for fewer metrics than the view draws is not held as the view's: the first poll asks for it whole", () => {
  const first: HeldCurves = { runs: [run("aaaa", "finished")], series: { aaaa: { train_loss: pts(1, 2) } }, names: ["train_loss", "val_acc", "val_loss"] };
  assert.equal(heldFirst(first, ["train_loss", "val_acc", "val_loss"], ["train_loss", "val_loss"]), first, "it has every series the view draws");
  assert.equal(heldFirst(first, [], []), first);
  // read for fewer metrics than the view draws (a name logged after the server matched the regex): held, the ended run would never be asked for val_*
  assert.equal(curvesQuery(first, ["train_loss", "val_acc", "val_loss"], 1000), "since=1.aaaa");
  assert.equal(heldFirst(first, ["train_loss"], ["train_loss", "val_acc", "val_loss"]), null);
  assert.equal(curvesQuery(null, ["train_loss", "val_acc", "val_loss"], 1000), "since=0");
});
