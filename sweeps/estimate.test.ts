import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RUN_CONFIG, resolveRunConfig } from "../engine/config.ts";
import { estimateRunMs } from "../engine/speed.ts";
import { parseSweepConfig, type SweepConfig } from "./config.ts";
import { estimateSweepTime } from "./estimate.ts";

const sweep = (input: unknown): SweepConfig => {
  const r = parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};
const two = { workers: 2, cores: 2 };

test("a grid's estimate is the sum of its runs' estimates, shared over the runs at a time", () => {
  const config = sweep({ method: "grid", parameters: { task: { value: "quadrant" }, steps: { value: 100 }, hidden_size: { values: [16, 64] }, dropout: { values: [0, 0.5] } } });
  const runs = [16, 16, 64, 64].map((h) => estimateRunMs(resolveRunConfig({ task: "quadrant", steps: 100, hidden_size: h })));
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 4);
  assert.ok(Math.abs(est.totalMs - runs.reduce((a, b) => a + b)) < 1e-6);
  assert.equal(est.parallel, 2);
  assert.equal(est.wallMs, Math.max(est.totalMs / 2, est.longestRunMs));
  assert.equal(est.upperBound, false);
  // replicates repeat each configuration; run_cap cuts the grid
  assert.ok(Math.abs(estimateSweepTime({ ...config, replicates: 3 }, two)!.totalMs / est.totalMs - 3) < 1e-9);
  assert.equal(estimateSweepTime({ ...config, run_cap: 2 }, two)!.runs, 2);
});

test("runs at a time: the sweep's concurrency, the server's workers and its cores, whichever is least", () => {
  const config = sweep({ method: "grid", parameters: { task: { value: "quadrant" }, seed: { values: [1, 2, 3, 4, 5, 6] } } });
  assert.equal(estimateSweepTime(config, { workers: 8, cores: 4 })!.parallel, 4);
  assert.equal(estimateSweepTime({ ...config, concurrency: 1 }, { workers: 8, cores: 4 })!.parallel, 1);
  assert.equal(estimateSweepTime(config, { workers: 2, cores: 4 })!.parallel, 2);
  const agentsOnly = estimateSweepTime(config, { workers: 0, cores: 4 })!;
  assert.equal(agentsOnly.wallMs, null);
  assert.ok(agentsOnly.totalMs > 0);
});

test("random and bayes: draws from the space stand for the runs; early stopping makes it an upper bound", () => {
  const config = sweep({ method: "random", run_cap: 50, metric: { name: "val_loss" }, early_terminate: { type: "hyperband", min_iter: 3 }, parameters: { task: { value: "quadrant" }, hidden_size: { values: [32, 32] } } });
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 50);
  assert.ok(Math.abs(est.totalMs - 50 * estimateRunMs({ ...DEFAULT_RUN_CONFIG, task: "quadrant", hidden_size: 32 })) < 1e-6);
  assert.equal(est.upperBound, true);
  assert.equal(estimateSweepTime({ ...config, run_cap: undefined }, two), null, "no bound on the runs, no estimate");
});

test("a 10,000-run grid is estimated run by run, and takes far longer than a preset", () => {
  const config = sweep({ method: "grid", parameters: { task: { value: "charlm" }, seed: { distribution: "int_uniform", min: 1, max: 100 }, learning_rate: { values: Array.from({ length: 100 }, (_, i) => 0.001 * (i + 1)) } } });
  const est = estimateSweepTime(config, two)!;
  assert.equal(est.runs, 10_000);
  assert.ok(Math.abs(est.totalMs - 10_000 * estimateRunMs(DEFAULT_RUN_CONFIG)) / est.totalMs < 1e-9);
  assert.ok(est.wallMs! > 3600_000, "hours, not seconds");
});
