import assert from "node:assert/strict";
import test from "node:test";
import { aggregateCurves, valueAt } from "./grouping";

test("valueAt interpolates inside the range and is null outside or next to NaN", () => {
  const c = { xs: [0, 10, 20], ys: [0, 10, null] };
  assert.equal(valueAt(c, 5).y, 5);
  assert.equal(valueAt(c, 10).y, 10);
  assert.equal(valueAt(c, 15).y, null);
  assert.equal(valueAt(c, 25).y, null);
});

test("group mean and min–max band; a run cut short stops counting", () => {
  const a = { xs: [0, 1, 2, 3], ys: [4, 3, 2, 1] };
  const b = { xs: [0, 1], ys: [2, 1] }; // pruned after step 1
  const g = aggregateCurves([a, b], "minmax");
  assert.deepEqual(g.xs, [0, 1, 2, 3]);
  assert.deepEqual(g.mean, [3, 2, 2, 1]);
  assert.deepEqual(g.lo, [2, 1, 2, 1]);
  assert.deepEqual(g.hi, [4, 3, 2, 1]);
  assert.deepEqual(g.n, [2, 2, 1, 1]);
});

test("±std band uses the sample standard deviation", () => {
  const g = aggregateCurves([{ xs: [0], ys: [1] }, { xs: [0], ys: [3] }], "std");
  assert.equal(g.mean[0], 2);
  assert.ok(Math.abs(g.hi[0] - (2 + Math.SQRT2)) < 1e-12);
});
