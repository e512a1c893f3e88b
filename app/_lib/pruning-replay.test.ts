import assert from "node:assert/strict";
import { test } from "node:test";
import { comparisonRows, describeSettings, formatShare, formFromSettings, gridRows, requestFromForm } from "./pruning-replay";

const outcome = { steps_saved: 0, best_survived: true, best: 1, best_run: null, unknown: [] };

test("the form starts from the sweep's own settings and gives the API numbers, or the text it cannot read", () => {
  const own = formFromSettings({ type: "hyperband", eta: 3, min_iter: 3, strict: true });
  assert.deepEqual(requestFromForm(own), { type: "hyperband", eta: 3, min_iter: 3, strict: true });
  assert.deepEqual(requestFromForm({ ...own, eta: "2", min_iter: " ", max_iter: "27", s: "2", strict: false }), { type: "hyperband", eta: 2, max_iter: 27, s: 2, strict: false });
  assert.deepEqual(requestFromForm({ ...own, eta: "two" }), { type: "hyperband", eta: "two", min_iter: 3, strict: true }, "the API names the field");
  const median = formFromSettings({ type: "median", min_iter: 4, min_runs: 2 });
  assert.deepEqual(requestFromForm(median), { type: "median", min_iter: 4, min_runs: 2 });
  assert.deepEqual(requestFromForm(formFromSettings(null)), { type: "hyperband", eta: 3, min_iter: 3, strict: true });
});

test("settings read as one line", () => {
  assert.equal(describeSettings({ type: "hyperband", eta: 3, min_iter: 3, strict: true }), "hyperband · eta 3 · min_iter 3 · strict");
  assert.equal(describeSettings({ type: "hyperband", eta: 2, max_iter: 27, s: 2, strict: false }), "hyperband · eta 2 · max_iter 27 · s 2 · best so far");
  assert.equal(describeSettings({ type: "median", min_iter: 3, min_runs: 5 }), "median · min_iter 3 · min_runs 5");
  assert.equal(describeSettings(null), "no early termination");
});

test("runs stopped by either side, side by side: the replay's in its order, then those only the live sweep stopped", () => {
  const stop = (id: string, evaluation: number, step: number) => ({ id, name: `run-${id}`, evaluation, step, reason: "r" });
  const rows = comparisonRows({
    stopped: [stop("b", 3, 300), stop("a", 9, 900)],
    unknown: [{ id: "c", name: "run-c", last_step: 450 }],
    actual: { ...outcome, stopped: [stop("a", 10, 1043), stop("c", 4, 450), stop("d", 4, 400)] },
    decided_live: [stop("a", 9, 900), stop("c", 3, 300), stop("d", 3, 300), stop("e", 27, 2700)],
  });
  assert.deepEqual(
    rows.map((r) => [r.id, r.actual, r.replay.kind]),
    [
      ["b", { kind: "kept" }, "stopped"],
      ["a", { kind: "pruned", step: 1043, evaluation: 9 }, "stopped"],
      ["c", { kind: "pruned", step: 450, evaluation: 3 }, "unknown"],
      ["d", { kind: "pruned", step: 400, evaluation: 3 }, "kept"],
      ["e", { kind: "finished-first", evaluation: 27, step: 2700 }, "kept"],
    ],
  );
  const noOwn = comparisonRows({ stopped: [], unknown: [], actual: { ...outcome, stopped: [stop("a", 2, 20)] }, decided_live: null });
  assert.deepEqual(noOwn.map((r) => r.actual), [{ kind: "pruned", step: 20, evaluation: null }]);
});

test("the grid by eta and min_iter, the replayed settings marked", () => {
  const cells = [2, 3].flatMap((eta) => [1, 3].map((min_iter) => ({ eta, min_iter, stopped: eta + min_iter, steps_saved: 0.1, best_survived: true, best: 1, unknown: 0 })));
  const grid = { etas: [2, 3], min_iters: [1, 3], strict: true, cells };
  const rows = gridRows({ grid, early_terminate: { type: "hyperband", eta: 3, min_iter: 3, strict: true } });
  assert.deepEqual(rows.map((r) => [r.eta, r.cells.map((c) => [c.min_iter, c.stopped, c.current])]), [[2, [[1, 3, false], [3, 5, false]]], [3, [[1, 4, false], [3, 6, true]]]]);
  assert.ok(gridRows({ grid, early_terminate: { type: "median", min_iter: 3, min_runs: 5 } }).every((r) => r.cells.every((c) => !c.current)));
  assert.equal(formatShare(0.45678), "45.7%");
  assert.equal(formatShare(0), "0.0%");
});
