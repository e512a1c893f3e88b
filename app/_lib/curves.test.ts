import assert from "node:assert/strict";
import test from "node:test";
import { groupCurves, typicalRate, prepareCurve, xOf } from "./curves";

const series = { runId: "a", name: "a", color: "#000", state: "pruned", startedAt: 1_000_000, points: [{ x: 1, y: 2, t: 0.5 }, { x: 2, y: null, t: 1 }, { x: 3, y: 4, t: 1.5 }] };

test("x by axis mode: step, seconds since start, epoch ms", () => {
  assert.equal(xOf(series.points[0], "step"), 1);
  assert.equal(xOf(series.points[0], "relative"), 0.5);
  assert.equal(xOf(series.points[0], "wall", 1_000_000), 1_000_500);
});

test("a prepared curve keeps NaN as a gap and marks an early end", () => {
  const c = prepareCurve(series, "step", { kind: "none", amount: 0 });
  assert.deepEqual(c.xs, [1, 2, 3]);
  assert.deepEqual(c.ys, [2, null, 4]);
  assert.equal(c.end, "pruned");
  assert.equal(prepareCurve({ ...series, state: "finished" }, "step", { kind: "none", amount: 0 }).end, undefined);
});

test("groups become mean curves with bands", () => {
  const a = prepareCurve({ runId: "a", name: "a", color: "", points: [{ x: 0, y: 1 }, { x: 1, y: 1 }] }, "step", { kind: "none", amount: 0 });
  const b = prepareCurve({ runId: "b", name: "b", color: "", points: [{ x: 0, y: 3 }, { x: 1, y: 5 }] }, "step", { kind: "none", amount: 0 });
  const [g] = groupCurves([a, b], [{ key: "cell=lstm", label: "lstm", color: "#123", runIds: ["a", "b", "missing"] }], "minmax");
  assert.deepEqual(g.ys, [2, 3]);
  assert.deepEqual(g.lo, [1, 1]);
  assert.deepEqual(g.hi, [3, 5]);
  assert.deepEqual(g.n, [2, 2]);
});

test("the typical rate is the median of the logged rates, skipping gaps and warm-up outliers", () => {
  assert.equal(typicalRate([12_000, 200_000, 210_000, 190_000, null, NaN, 0]), 195_000);
  assert.equal(typicalRate([5, 100, 300]), 100);
  assert.equal(typicalRate([]), null);
});
