import assert from "node:assert/strict";
import test from "node:test";
import { linearTicks, logTicks, makeScale, nearestIndex, xDomain, yDomain } from "./chart-scale";

test("linear ticks are round numbers inside the range", () => {
  assert.deepEqual(linearTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(1.3, 2.05, 4), [1.4, 1.6, 1.8, 2]);
});

test("log ticks are powers of ten, with 2 and 5 over a few decades", () => {
  assert.deepEqual(logTicks(1, 1000), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  assert.deepEqual(logTicks(1e-6, 1e2), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]);
  assert.deepEqual(logTicks(-1, 10), []);
  assert.deepEqual(logTicks(1.4, 3.5), [1.5, 2, 2.5, 3, 3.5]);
});

test("nearest index by binary search", () => {
  const xs = [0, 10, 20, 30];
  assert.equal(nearestIndex(xs, 14), 1);
  assert.equal(nearestIndex(xs, 16), 2);
  assert.equal(nearestIndex(xs, -5), 0);
  assert.equal(nearestIndex(xs, 99), 3);
  assert.equal(nearestIndex([], 1), -1);
});

test("domains skip non-finite values, and log skips non-positive ones", () => {
  const s = [{ xs: [0, 1, 2], ys: [null, 2, 4] }];
  assert.deepEqual(xDomain(s), { min: 0, max: 2 });
  const lin = yDomain(s, null, false)!;
  assert.ok(lin.min < 2 && lin.max > 4);
  const log = yDomain([{ xs: [0, 1], ys: [0, 10] }], null, true)!;
  assert.ok(log.min > 0 && log.min < 10 && log.max > 10);
  assert.equal(yDomain([{ xs: [5], ys: [1] }], { min: 0, max: 1 }, false), null);
});

test("scales invert, linear and log", () => {
  const lin = makeScale({ min: 0, max: 10 }, [0, 100]);
  assert.equal(lin(5), 50);
  assert.equal(lin.invert(50), 5);
  const log = makeScale({ min: 1, max: 100 }, [100, 0], true);
  assert.equal(log(10), 50);
  assert.ok(Math.abs(log.invert(50) - 10) < 1e-9);
});
