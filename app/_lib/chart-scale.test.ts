import assert from "node:assert/strict";
import test from "node:test";
import { formatCompact, linearTicks, logTickFormat, logTicks, makeScale, nearestIndex, xDomain, xTicks, yDomain } from "./chart-scale";

test("linear ticks are round numbers inside the range", () => {
  assert.deepEqual(linearTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(1.3, 2.05, 4), [1.4, 1.6, 1.8, 2]);
});

test("log ticks are powers of ten, with 2 and 5 over a few decades", () => {
  assert.deepEqual(logTicks(1, 1000), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  assert.deepEqual(logTicks(1e-6, 1e2), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]);
  assert.deepEqual(logTicks(-1, 10), []);
  assert.deepEqual(logTicks(1.4, 3.5), [1.5, 2, 2.5, 3, 3.5]);
  // within a decade, ticks over the whole axis: linear ones (0.4, 0.6, 0.8) left 0.22 … 0.4, the lower 44%, bare
  assert.deepEqual(logTicks(0.22, 0.85), [0.3, 0.4, 0.5, 0.6, 0.8]);
  assert.deepEqual(logTicks(2.2, 4.3), [2.5, 3, 3.5, 4]);
});

// One notation per log axis: a range across 1e-3 labelled "2e-4 5e-4 0.001 0.002" read as two scales.
test("a log axis's labels are in one notation: all exponents when any tick needs one, else decimals", () => {
  const labels = (ticks: number[]) => ticks.map(logTickFormat(ticks));
  assert.deepEqual(labels(logTicks(1.7e-4, 2.8e-2)), ["2e-4", "5e-4", "1e-3", "2e-3", "5e-3", "1e-2", "2e-2"]);
  assert.deepEqual(labels([2e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3]), ["2e-4", "3e-4", "5e-4", "1e-3", "2e-3", "3e-3", "5e-3"]);
  assert.deepEqual(labels(logTicks(1e-6, 1e2)), ["1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0", "1e1", "1e2"]);
  // within a decade, linear ticks below 1e-3 (1.5e-4 …)
  assert.deepEqual(labels(logTicks(1.4e-4, 3.5e-4)), ["1.5e-4", "2e-4", "2.5e-4", "3e-4", "3.5e-4"]);
  // (a tick's float noise, 3.0000000000000003e-4, reads as its tick)
  assert.equal(logTickFormat([1e-4])(3.0000000000000003e-4), "3e-4");
  // all decimals while they read well: 0.001 … 1,000
  assert.deepEqual(labels(logTicks(1e-3, 0.1)), ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]);
  assert.deepEqual(labels(logTicks(1, 1000)), ["1", "2", "5", "10", "20", "50", "100", "200", "500", "1,000"]);
  assert.deepEqual(labels(logTicks(1, 1e5)), ["1e0", "1e1", "1e2", "1e3", "1e4", "1e5"]);
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

test("step ticks are whole steps: a one-point curve at step 50 gets 49, 50, 51, not 49.5", () => {
  const d = xDomain([{ xs: [50] }])!;
  assert.deepEqual(xTicks(d, "step", 6), [49, 50, 51]);
  assert.deepEqual(linearTicks(0, 3, 10, 1), [0, 1, 2, 3]);
});

test("axis labels fit the margin: 1.2M and 250k, not 1,200,000", () => {
  assert.equal(formatCompact(1_200_000), "1.2M");
  assert.equal(formatCompact(250_000), "250k");
  assert.equal(formatCompact(9_500), "9,500");
  assert.equal(formatCompact(0.35), "0.35");
  assert.equal(formatCompact(-2_000_000), "-2M");
});

test("values equal but for rounding (a smoothed 1 beside a raw 1) get a band, and ticks end", () => {
  const d = yDomain([{ xs: [400, 400], ys: [0.9999999999999999, 1] }], null, false)!;
  assert.ok(d.min < 0.95 && d.max > 1.05);
  assert.deepEqual(linearTicks(0.9999999999999999, 1.0000000000000002, 5), [0.9999999999999999]);
});

test("a linear axis is labelled in one notation, chosen from its ticks, on the curve chart and the scatter", async () => {
  const { drawAxes } = await import("../_components/charts/draw");
  const noop = () => {};
  const ctx = new Proxy({ measureText: () => ({ width: 10 }) } as Record<string, unknown>, { get: (t, k) => (k in t ? t[k as string] : noop), set: () => true });
  const frame = (min: number, max: number) => ({ width: 400, height: 240, x: makeScale({ min: 0, max: 10 }, [58, 386]), y: makeScale({ min, max }, [214, 10]), xDomain: { min: 0, max: 10 }, yDomain: { min, max }, xMode: "step" as const, logY: false });
  // the curve chart's y axis over 0 … 0.001 read "0 2.5e-4 5e-4 7.5e-4 0.001"
  assert.deepEqual(drawAxes(ctx as unknown as CanvasRenderingContext2D, frame(0, 0.001)), ["0", "2.5e-4", "5e-4", "7.5e-4", "1e-3"]);
  // 0 … 20,000 read "0 5,000 10k 15k 20k"
  assert.deepEqual(drawAxes(ctx as unknown as CanvasRenderingContext2D, frame(0, 20_000)), ["0", "5k", "10k", "15k", "20k"]);
  // decimals where every tick reads well so
  assert.deepEqual(drawAxes(ctx as unknown as CanvasRenderingContext2D, frame(0, 1)), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);

  const { linearAxis, linearTickFormat } = await import("./chart-scale");
  const labels = (ticks: number[]) => ticks.map(linearTickFormat(ticks));
  // the scatter's axis: rounded out to its ticks, which it labels
  const grad = linearAxis(-3e-5, 8.3e-4);
  assert.deepEqual([grad.min, grad.max], [-2e-4, 1e-3]);
  assert.deepEqual(labels(grad.ticks), ["-2e-4", "0", "2e-4", "4e-4", "6e-4", "8e-4", "1e-3"]);
  assert.deepEqual(labels(linearAxis(0.27, 0.93).ticks), ["0.2", "0.4", "0.6", "0.8", "1"]);
  assert.deepEqual(labels([0, 500_000, 1_000_000]), ["0", "500,000", "1,000,000"], "integers in full, as before");
});

test("a step axis starts at 0 when the first step is near it, so a run pruned after one evaluation is a whole dot", () => {
  // an evaluation every 20 steps up to 400: the dot at step 20 stood on the axis, half cut off
  assert.deepEqual(xDomain([{ xs: [20] }, { xs: [20, 40, 400] }], "step"), { min: 0, max: 400 });
  assert.deepEqual(xDomain([{ xs: [100, 400] }], "step"), { min: 0, max: 400 });
  // a resumed or forked run's steps far from 0, other modes and a lone point: as they were
  assert.deepEqual(xDomain([{ xs: [5000, 6000] }], "step"), { min: 5000, max: 6000 });
  assert.deepEqual(xDomain([{ xs: [20, 400] }], "relative"), { min: 20, max: 400 });
  assert.deepEqual(xDomain([{ xs: [20, 400] }], "value"), { min: 20, max: 400 });
  assert.deepEqual(xDomain([{ xs: [50] }], "step"), { min: 49, max: 51 });
  assert.deepEqual(xDomain([{ xs: [-10, 400] }], "step"), { min: -10, max: 400 });
});
