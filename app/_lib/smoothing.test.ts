import assert from "node:assert/strict";
import test from "node:test";
import { debiasedEma, gaussian, parseSmoothing, runningAverage, smooth } from "./smoothing";

const close = (a: (number | null)[], b: (number | null)[], eps = 1e-9) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => (x === null || b[i] === null ? assert.equal(x, b[i]) : assert.ok(Math.abs(x - b[i]!) < eps, `${i}: ${x} vs ${b[i]}`)));
};

test("debiased EMA matches TensorBoard's formula and starts at the first value", () => {
  const ys = [1, 2, 3];
  const w = 0.6;
  const s1 = (1 - w) * 1, s2 = w * s1 + (1 - w) * 2, s3 = w * s2 + (1 - w) * 3;
  close(debiasedEma(ys, w), [s1 / (1 - w), s2 / (1 - w ** 2), s3 / (1 - w ** 3)]);
  assert.equal(debiasedEma([5, 5, 5], 0.9)[0], 5);
  close(debiasedEma([5, 5, 5], 0.9), [5, 5, 5]);
});

test("EMA of weight 0 is the identity; NaN stays a gap without resetting", () => {
  close(debiasedEma([3, 1, 4], 0), [3, 1, 4]);
  const out = debiasedEma([2, null, 2], 0.5);
  assert.equal(out[1], null);
  close([out[2]], [2]);
});

test("running average is centred and ignores non-finite points", () => {
  close(runningAverage([1, 2, 3, 4, 5], 3), [1.5, 2, 3, 4, 4.5]);
  close(runningAverage([1, null, 3, 5], 3), [1, null, 4, 4]);
  close(runningAverage([1, 2], 1), [1, 2]);
});

test("gaussian keeps a constant constant and spreads a spike symmetrically", () => {
  close(gaussian([2, 2, 2, 2], 1.5), [2, 2, 2, 2]);
  const out = gaussian([0, 0, 0, 10, 0, 0, 0], 1);
  assert.ok(Math.abs(out[2]! - out[4]!) < 1e-12);
  assert.ok(out[3]! < 10 && out[3]! > out[2]!);
});

test("smoothing from the URL is clamped to its range", () => {
  assert.deepEqual(parseSmoothing("ema:0.6"), { kind: "ema", amount: 0.6 });
  assert.deepEqual(parseSmoothing("ema:7"), { kind: "ema", amount: 0.99 });
  assert.deepEqual(parseSmoothing("bogus:1"), { kind: "none", amount: 0 });
  assert.deepEqual(parseSmoothing("running:x"), { kind: "running", amount: 10 });
  close(smooth([1, Number.POSITIVE_INFINITY], { kind: "none", amount: 0 }), [1, null]);
});
