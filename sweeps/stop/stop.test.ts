import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSweepConfig, type SweepConfig } from "../config.ts";
import { hyperbandBrackets, hyperbandThresholds, shouldStop } from "./index.ts";

const config = (early_terminate: unknown, goal = "minimize"): SweepConfig => {
  const r = parseSweepConfig({ method: "random", metric: { name: "val_loss", goal }, early_terminate, parameters: { dropout: { min: 0, max: 0.5 } } });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};

/** A loss curve: decays from 3 towards `floor` at `rate` per evaluation. */
const curve = (floor: number, rate: number, n: number) => Array.from({ length: n }, (_, i) => floor + (3 - floor) * Math.exp(-rate * (i + 1)));

test("brackets as W&B computes them", () => {
  assert.deepEqual(hyperbandBrackets({ min_iter: 3, eta: 3 }).slice(0, 4), [3, 9, 27, 81]);
  assert.deepEqual(hyperbandBrackets({ min_iter: 20, eta: 2 }).slice(0, 3), [20, 40, 80]); // corpus 16
  assert.deepEqual(hyperbandBrackets({ min_iter: 3, eta: 3, s: 2 }).slice(0, 4), [3, 9, 27, 81]); // corpus 26: W&B ignores s beside min_iter
  assert.deepEqual(hyperbandBrackets({ min_iter: 3, max_iter: 27, eta: 3, s: 2 }), [3, 9]); // max_iter wins over min_iter, as in W&B
  assert.deepEqual(hyperbandBrackets({ max_iter: 27, eta: 3, s: 3 }), [1, 3, 9]); // corpus 10
  assert.deepEqual(hyperbandBrackets({ max_iter: 27, eta: 3, s: 2 }), [3, 9]); // corpus 12
  assert.deepEqual(hyperbandBrackets({ max_iter: 5, eta: 2, s: 2 }), [1, 2]); // W&B's docstring example
});

test("W&B's docstring example: b is stopped, c passes bracket 1 but not 2, d continues", () => {
  const c = config({ type: "hyperband", max_iter: 5, eta: 2, s: 2, strict: true });
  const runs = { a: [10, 9], b: [10, 10], c: [10, 8, 8], d: [10, 7, 7], e: [10, 6, 6] };
  const others = (me: string) => Object.entries(runs).filter(([k]) => k !== me).map(([, h]) => h);
  assert.deepEqual(hyperbandThresholds([1, 2], 2, Object.values(runs)), [10, 8]);
  assert.equal(shouldStop(c, runs.b, others("b")).stop, true);
  assert.equal(shouldStop(c, runs.c, others("c")).stop, false, "c at bracket 2 is exactly at the threshold");
  assert.equal(shouldStop(c, runs.d, others("d")).stop, false);
});

test("hyperband stops a clearly bad curve at the first bracket, not a good one, and decides nothing before min_iter", () => {
  const c = config({ type: "hyperband", min_iter: 3, eta: 3, strict: false });
  const finished = [curve(0.5, 0.3, 30), curve(0.6, 0.25, 30), curve(0.8, 0.2, 30), curve(1.0, 0.2, 30), curve(1.2, 0.15, 30)];
  const bad = curve(2.5, 0.05, 30);
  const good = curve(0.4, 0.35, 30);
  for (let n = 0; n < 3; n++) {
    const d = shouldStop(c, bad.slice(0, n), finished);
    assert.equal(d.stop, false, `nothing decided at ${n} evaluations`);
    assert.match(d.reason ?? "", /first bracket at 3 evaluations/);
  }
  const atBracket = shouldStop(c, bad.slice(0, 3), finished);
  assert.equal(atBracket.stop, true);
  assert.match(atBracket.reason ?? "", /^hyperband: best value of val_loss \(2\.\d+\) is worse than the top-1\/3 threshold [\d.]+ at the 3-evaluation bracket$/);
  for (let n = 1; n <= 30; n++) assert.equal(shouldStop(c, good.slice(0, n), finished).stop, false, `good curve kept at ${n}`);
});

test("hyperband: a middling run passes bracket 3 and is stopped at bracket 9; strict judges the value at the bracket", () => {
  const c = config({ type: "hyperband", min_iter: 3, eta: 3, strict: false });
  const others = [curve(0.3, 0.5, 20), curve(0.5, 0.45, 20), curve(0.7, 0.4, 20), curve(0.9, 0.35, 20), curve(1.1, 0.3, 20), curve(1.3, 0.25, 20)];
  // starts as fast as the best runs, then stalls
  const stalls = [...curve(0.3, 0.5, 3), ...Array.from({ length: 17 }, () => 0.3 + 2.7 * Math.exp(-1.5))];
  assert.equal(shouldStop(c, stalls.slice(0, 3), others).stop, false);
  assert.equal(shouldStop(c, stalls.slice(0, 8), others).stop, false, "between brackets, judged at bracket 3");
  assert.equal(shouldStop(c, stalls.slice(0, 9), others).stop, true);

  // a run that was good early then got worse: the conservative rule keeps it (its best is fine), strict stops it
  const worsens = [...curve(0.1, 0.9, 3), 0.9, 1.4, 1.9, 2.3, 2.6, 2.8];
  assert.equal(shouldStop(c, worsens, others).stop, false);
  const strict = config({ type: "hyperband", min_iter: 3, eta: 3 }); // strict is W&B's default
  assert.equal(shouldStop(strict, worsens.slice(0, 3), others).stop, false);
  assert.equal(shouldStop(strict, worsens, others).stop, true);
});

test("hyperband for a maximised metric; non-finite values are not evaluations", () => {
  const c = config({ type: "hyperband", min_iter: 2, eta: 2 }, "maximize");
  const others = [[0.5, 0.8], [0.4, 0.7], [0.3, 0.6]];
  assert.equal(shouldStop(c, [0.2, 0.3], others).stop, true);
  assert.equal(shouldStop(c, [0.5, 0.9], others).stop, false);
  assert.equal(shouldStop(c, [0.2, NaN, null], others).stop, false, "one real evaluation: before the bracket");
});

test("median rule: waits for min_iter and min_runs, then stops a run worse than the median", () => {
  const c = config({ type: "median", min_iter: 3, min_runs: 3 });
  const others = [curve(0.5, 0.3, 10), curve(0.7, 0.3, 10), curve(0.9, 0.3, 10), curve(1.1, 0.3, 10)];
  const bad = curve(2, 0.1, 10);
  assert.equal(shouldStop(c, bad.slice(0, 2), others).stop, false);
  const d = shouldStop(c, bad.slice(0, 3), others);
  assert.equal(d.stop, true);
  assert.match(d.reason ?? "", /^median rule: best val_loss so far \([\d.]+\) is worse than the median [\d.]+ of 4 other runs at evaluation 3$/);
  assert.equal(shouldStop(c, bad.slice(0, 3), others.slice(0, 2)).stop, false, "too few other runs");
  assert.equal(shouldStop(c, curve(0.4, 0.35, 6), others).stop, false);
});

test("no early_terminate: never stops", () => {
  const r = parseSweepConfig({ method: "random", parameters: { dropout: { min: 0, max: 0.5 } } });
  assert.ok(r.ok);
  assert.deepEqual(shouldStop(r.config, [99, 99, 99, 99], [[1, 1, 1, 1], [1, 1, 1, 1]]), { stop: false });
});
