import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSweepConfig, type SweepConfig } from "../config.ts";
import { decideByConfig, PruningLedger, type EvaluationPoint } from "./ledger.ts";
import { actualPruning, liveStepsSaved, replayGrid, replayPruning, type ReplayRun } from "./replay.ts";

const config = (early_terminate: unknown, goal = "minimize"): SweepConfig => {
  const r = parseSweepConfig({ method: "random", metric: { name: "val_loss", goal }, early_terminate, parameters: { dropout: { min: 0, max: 0.5 } } });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};
const HB = config({ type: "hyperband", min_iter: 2, eta: 2 }); // brackets 2, 4, 8 …; strict

/** Points of each run's curve (evaluations every 10 steps), run after run. */
function oneAfterAnother(curves: Record<string, number[]>): EvaluationPoint[] {
  return Object.entries(curves).flatMap(([runId, values]) => values.map((value, i) => ({ runId, step: 10 * (i + 1), value })));
}
const runsOf = (curves: Record<string, number[]>, extra: Partial<ReplayRun> = {}): ReplayRun[] =>
  Object.entries(curves).map(([id, values]) => ({ id, name: `run-${id}`, state: "finished", plannedSteps: 10 * values.length, lastStep: 10 * values.length, ...extra }));

test("the decision depends on which runs' curves existed then: the ledger follows the stored order", () => {
  const curves = { a: [1, 1, 1, 1], b: [2, 2, 2, 2], c: [3, 3, 3, 3] };
  const forward = replayPruning(HB, runsOf(curves), oneAfterAnother(curves));
  // c reaches bracket 2 after a and b: threshold = the 2nd best of [1, 2, 3] = 2, and 3 is worse
  assert.deepEqual(
    forward.stopped.map((s) => [s.id, s.evaluation, s.step]),
    [["c", 2, 20]],
  );
  assert.match(forward.stopped[0].reason, /^hyperband: value at 2 evaluations of val_loss \(3\) is worse than the top-1\/2 threshold 2 at the 2-evaluation bracket$/);
  // the same curves stored in the other order: c is alone at its bracket, b beside c only, a best
  const backward = replayPruning(HB, runsOf(curves), oneAfterAnother({ c: curves.c, b: curves.b, a: curves.a }));
  assert.deepEqual(backward.stopped, []);
});

test("a condemned run's later points are not evaluations for the rule, and a run's last evaluation is never condemned", () => {
  const ledger = new PruningLedger(decideByConfig(HB), () => 40);
  for (const p of oneAfterAnother({ a: [1, 1, 1, 1], b: [2, 2, 2, 2] })) ledger.observe(p);
  assert.equal(ledger.observe({ runId: "c", step: 10, value: 3 }), null);
  const decision = ledger.observe({ runId: "c", step: 20, value: 3 });
  assert.deepEqual(decision && { ...decision, reason: "" }, { runId: "c", evaluation: 2, step: 20, reason: "" });
  // the worker took a moment to stop: what it logged meanwhile changes nothing
  assert.equal(ledger.observe({ runId: "c", step: 30, value: 0.1 }), null);
  assert.deepEqual(ledger.histories.get("c")!.values, [3, 3]);

  const ending = new PruningLedger(decideByConfig(HB), () => 20);
  for (const p of oneAfterAnother({ a: [1, 1], b: [2, 2], c: [3, 3] })) assert.equal(ending.observe(p), null, `${p.runId} at ${p.step}`);
  // a step logged again (a resumed run) is not a new evaluation
  const again = new PruningLedger(decideByConfig(HB), () => undefined);
  again.observe({ runId: "a", step: 10, value: 1 });
  again.observe({ runId: "a", step: 10, value: 1 });
  assert.deepEqual(again.histories.get("a")!.steps, [10]);
});

test("steps saved, whether the best run survives and the best the sweep would report", () => {
  const curves = { a: [1, 1, 1, 1], b: [2, 2, 2, 2], c: [3, 3, 0.5, 0.5] };
  const o = replayPruning(HB, runsOf(curves), oneAfterAnother(curves));
  assert.deepEqual(o.stopped.map((s) => s.id), ["c"]);
  assert.equal(o.steps_saved, (40 - 20) / 120);
  assert.deepEqual(o.best_run, { id: "c", name: "run-c" });
  assert.equal(o.best_survived, false, "c logged the best value (0.5), after its stop");
  assert.equal(o.best, 1, "the sweep would have reported a's 1");

  const kept = replayPruning(config({ type: "hyperband", min_iter: 4, eta: 2 }), runsOf(curves), oneAfterAnother(curves));
  assert.deepEqual(kept.stopped, [], "each run's 4th evaluation is its last: stopping it there saves nothing, so it is not judged");
  assert.equal(kept.best_survived, true);
  assert.equal(kept.best, 0.5);
  assert.equal(kept.steps_saved, 0);

  // runs that ended on their own train no further either way; runs without a planned length take the longest
  const failed = runsOf(curves).map((r) => (r.id === "a" ? { ...r, state: "diverged" as const, lastStep: 20 } : { ...r, plannedSteps: undefined }));
  assert.equal(replayPruning(HB, failed, oneAfterAnother(curves)).steps_saved, 20 / (20 + 40 + 40));
});

test("a maximised metric: higher is better for the rule and for the best", () => {
  const c = config({ type: "hyperband", min_iter: 2, eta: 2 }, "maximize");
  const curves = { a: [0.9, 0.9], b: [0.5, 0.5], c: [0.1, 0.1] };
  const o = replayPruning(c, runsOf(curves, { plannedSteps: 100 }), oneAfterAnother(curves));
  assert.deepEqual(o.stopped.map((s) => s.id), ["c"]);
  assert.equal(o.best, 0.9);
  assert.equal(o.best_survived, true);
});

test("what the sweep did, and runs pruned live that other settings would keep past their stored curve", () => {
  const curves = { a: [1, 1, 1, 1], b: [2, 2, 2, 2], c: [3, 3] };
  const runs = runsOf(curves).map((r) => (r.id === "c" ? { ...r, state: "pruned" as const, plannedSteps: 40, lastStep: 20 } : r));
  const actual = actualPruning(HB, runs, oneAfterAnother(curves));
  assert.deepEqual(actual.stopped.map((s) => [s.id, s.evaluation, s.step]), [["c", 2, 20]]);
  assert.equal(actual.steps_saved, 20 / 120);
  // the sweep page's live figure counts the same, from the runs alone
  assert.equal(liveStepsSaved(runs), actual.steps_saved);
  assert.equal(liveStepsSaved([]), null);
  const lax = replayPruning(config({ type: "hyperband", min_iter: 3, eta: 2 }), runs, oneAfterAnother(curves));
  assert.deepEqual(lax.stopped, []);
  assert.deepEqual(lax.unknown, [{ id: "c", name: "run-c", last_step: 20 }]);
  assert.equal(lax.steps_saved, 0);
});

test("the median rule replays too, and the grid is one replay per eta × min_iter", () => {
  const curves = { a: [1, 1, 1, 1], b: [1.5, 1.5, 1.5, 1.5], c: [2, 2, 2, 2], d: [3, 3, 3, 3] };
  const points = oneAfterAnother(curves);
  const runs = runsOf(curves, { plannedSteps: 100 });
  const median = replayPruning(config({ type: "median", min_iter: 2, min_runs: 3 }), runs, points);
  assert.deepEqual(median.stopped.map((s) => [s.id, s.evaluation]), [["d", 2]], "median of a, b, c at evaluation 2 is 1.5");
  const grid = replayGrid(HB, runs, points, true, [2, 3], [1, 2]);
  assert.deepEqual(grid.map((g) => [g.eta, g.min_iter]), [[2, 1], [2, 2], [3, 1], [3, 2]]);
  for (const g of grid) {
    const one = replayPruning(config({ type: "hyperband", eta: g.eta, min_iter: g.min_iter }), runs, points);
    assert.deepEqual(g, { eta: g.eta, min_iter: g.min_iter, stopped: one.stopped.length, steps_saved: one.steps_saved, best_survived: one.best_survived, best: one.best, unknown: 0 });
  }
  assert.ok(grid.some((g) => g.stopped > 0));
});
