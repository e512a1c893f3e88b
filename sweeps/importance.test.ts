import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSweepConfig } from "./config.ts";
import { parameterImportance, pearson, ranks, type ImportanceRun } from "./importance.ts";
import { makeRng } from "./rng.ts";

/** 80 runs: the metric depends on log10(learning_rate) only; dropout and cell are noise. */
function synthetic(shape: (x: number) => number): ImportanceRun[] {
  const rng = makeRng(123);
  return Array.from({ length: 80 }, () => {
    const lr = Math.pow(10, -4 + 3 * rng.next());
    const params = { learning_rate: lr, dropout: 0.5 * rng.next(), cell: ["rnn", "lstm", "gru"][rng.int(3)], layernorm: true };
    return { params, value: shape(Math.log10(lr)) + 0.05 * rng.normal() };
  });
}

test("the parameter that matters ranks first; noise parameters get little importance", () => {
  const runs = synthetic((x) => (x + 2.5) ** 2); // non-monotonic: correlation misses it, the forest does not
  const rows = parameterImportance(runs);
  assert.deepEqual(rows.map((r) => r.param).slice(0, 1), ["learning_rate"]);
  assert.equal(rows.length, 3, "layernorm is constant and left out");
  const lr = rows[0];
  assert.ok(lr.importance > 0.8, `learning_rate importance ${lr.importance}`);
  for (const r of rows.slice(1)) assert.ok(r.importance < 0.1, `${r.param} importance ${r.importance}`);
  assert.ok(Math.abs(rows.reduce((s, r) => s + r.importance, 0) - 1) < 1e-9);
  assert.ok(rows.find((r) => r.param === "cell")?.level !== undefined, "categoricals report the level they describe");
});

test("correlations: computed in log space for log-scaled parameters, Spearman on ranks", () => {
  const runs = synthetic((x) => 2 * x);
  const rows = parameterImportance(runs);
  const lr = rows.find((r) => r.param === "learning_rate")!;
  assert.ok(lr.correlation! > 0.99, `Pearson in log space ${lr.correlation}`);
  assert.ok(lr.spearman! > 0.99);
  const dropout = rows.find((r) => r.param === "dropout")!;
  assert.ok(Math.abs(dropout.correlation!) < 0.25, `noise correlation ${dropout.correlation}`);
  // with the sweep's config, log scaling comes from the distribution
  const c = parseSweepConfig({
    method: "random",
    parameters: { learning_rate: { distribution: "uniform", min: 0.0001, max: 0.1 }, dropout: { min: 0, max: 0.5 }, cell: { values: ["rnn", "lstm", "gru"] } },
  });
  assert.ok(c.ok);
  const linear = parameterImportance(runs, { config: c.config }).find((r) => r.param === "learning_rate")!;
  assert.ok(linear.correlation! < lr.correlation! - 0.05, "in linear space the log-linear relation is weaker");
});

test("deterministic for a seed; failed runs (null values) are left out", () => {
  const runs = [...synthetic((x) => x), { params: { learning_rate: 0.1, dropout: 0.1, cell: "rnn" }, value: null }];
  assert.deepEqual(parameterImportance(runs, { seed: 4 }), parameterImportance(runs, { seed: 4 }));
  assert.deepEqual(parameterImportance([]), []);
});

test("pearson and ranks", () => {
  assert.equal(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
  assert.equal(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
  assert.deepEqual(ranks([10, 30, 20, 20]), [1, 4, 2.5, 2.5]);
});
