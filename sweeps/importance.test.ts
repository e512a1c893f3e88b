import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSweepConfig } from "./config.ts";
import { analyzeImportance, foldReplicates, parameterImportance, pearson, ranks, type ImportanceRun } from "./importance.ts";
import { makeRng } from "./rng.ts";

// Sweeps with a known answer: which parameter drives the metric is decided by the test, the
// estimator has to find it from the runs.

/** n runs of a random sweep: the metric depends on log10(learning_rate) only; dropout and cell are noise. */
function synthetic(n: number, seed: number, shape: (x: number) => number, noise = 0.05): ImportanceRun[] {
  const rng = makeRng(123, seed);
  return Array.from({ length: n }, () => {
    const lr = Math.pow(10, -4 + 3 * rng.next());
    const params = { learning_rate: lr, dropout: 0.5 * rng.next(), cell: ["rnn", "lstm", "gru"][rng.int(3)], layernorm: true };
    return { params, value: shape(Math.log10(lr)) + noise * rng.normal() };
  });
}

test("issue 12's 6-run quadrant sweep, loss 200× worse with the normal init: init ranks first, clearly", () => {
  const runs: ImportanceRun[] = [];
  for (const init of ["kaiming", "xavier", "normal"])
    for (const layernorm of [false, true]) {
      const base = { kaiming: 0.05, xavier: 0.07, normal: 12 }[init]!;
      runs.push({ params: { init, layernorm }, value: base * (layernorm ? 0.8 : 1) });
    }
  const rows = parameterImportance(runs);
  assert.equal(rows[0].param, "init");
  assert.ok(rows[0].importance > 0.5, `init ${rows[0].importance}`);
  assert.ok(rows[0].importance > 2 * rows[1].importance, JSON.stringify(rows));
  assert.ok(rows[0].rankedFirst! >= 0.7, `init ranked first in ${rows[0].rankedFirst} of the resamples`);
  assert.ok(rows[0].interval![1] > rows[0].interval![0]);
  assert.equal(rows[0].level, "normal", "the correlation describes the level that matters");
});

test("the quadrant preset as it trains (normal init 300× worse, but only without layer norm): both matter, and together", () => {
  // val_loss_best of the 6 runs of the "init × layer norm on quadrant" preset, seed 7, from this engine
  const measured: [string, boolean, number][] = [
    ["kaiming", false, 0.2105], ["kaiming", true, 0.1627], ["xavier", false, 0.5988],
    ["xavier", true, 0.1254], ["normal", false, 13.913], ["normal", true, 0.04499],
  ];
  const result = analyzeImportance(measured.map(([init, layernorm, value]) => ({ params: { init, layernorm }, value })));
  assert.deepEqual(result.params.map((r) => r.param).sort(), ["init", "layernorm"]);
  assert.ok(result.params.every((r) => r.importance > 0.05), JSON.stringify(result.params));
  assert.deepEqual(result.interactions.map((i) => i.params), [["init", "layernorm"]]);
  assert.ok(result.interactions[0].share > 0.2, `interaction ${result.interactions[0].share}`);
  const sum = result.params.reduce((a, r) => a + r.importance, 0) + result.interactions[0].share;
  assert.ok(sum > 0.9 && sum < 1.05, `main effects + the interaction explain the model: ${sum}`);
});

for (const n of [6, 10, 20, 30]) {
  test(`random sweeps of ${n} runs: the driving parameter ranks first in most of 20 sweeps, noise parameters get little`, () => {
    let first = 0;
    let noiseShare = 0;
    for (let s = 0; s < 20; s++) {
      const rows = parameterImportance(synthetic(n, s, (x) => 2 * x), { seed: s, resamples: 8 });
      if (rows[0].param === "learning_rate") first++;
      noiseShare += rows.filter((r) => r.param !== "learning_rate").reduce((a, r) => a + r.importance, 0) / 20;
    }
    const needed = n <= 6 ? 15 : 18;
    assert.ok(first >= needed, `learning_rate first in ${first} of 20 sweeps of ${n} runs (needed ${needed})`);
    assert.ok(noiseShare < (n <= 6 ? 0.3 : 0.15), `dropout + cell share ${noiseShare.toFixed(3)}`);
  });
}

test("a non-monotonic driver (correlation misses it, the model does not)", () => {
  const rows = parameterImportance(synthetic(30, 1, (x) => (x + 2.5) ** 2, 0.05));
  assert.equal(rows[0].param, "learning_rate");
  assert.ok(rows[0].importance > 0.7, `learning_rate ${rows[0].importance}`);
  assert.ok(Math.abs(rows[0].correlation ?? 0) < 0.5, "its correlation is weak");
  assert.equal(rows.length, 3, "layernorm is constant and left out");
  assert.ok(rows.find((r) => r.param === "cell")?.level !== undefined, "categoricals report the level they describe");
});

test("uncertainty: with 6 runs of pure noise nothing is confidently important; with 30 runs of a clear driver the interval is tight", () => {
  const noise = parameterImportance(synthetic(6, 4, () => 0, 1));
  assert.ok(noise.every((r) => r.rankedFirst! < 0.9), JSON.stringify(noise.map((r) => [r.param, r.rankedFirst])));
  assert.ok(noise.some((r) => r.interval![1] - r.interval![0] > 0.2), "wide intervals for 6 noisy runs");
  const clear = parameterImportance(synthetic(30, 5, (x) => 2 * x, 0.05));
  const lr = clear.find((r) => r.param === "learning_rate")!;
  assert.ok(lr.rankedFirst! >= 0.95 && lr.interval![0] > 0.6, JSON.stringify(lr));
});

test("one varied parameter, with seed replicates: its share of the runs' variance, against the seeds' noise", () => {
  // issue 12's lesson: normal init vs kaiming, 200× apart, three seeds each
  const strong = ["kaiming", "normal"].flatMap((init) => [1, 2, 3].map((seed) => ({ params: { init, seed }, value: (init === "normal" ? 10 : 0.05) * (1 + 0.1 * seed) })));
  const [init] = parameterImportance(strong);
  assert.equal(init.param, "init");
  assert.ok(init.importance > 0.7, `init ${init.importance}`);
  // two learning rates that make no difference beyond the seed: little importance
  const rng = makeRng(3);
  const weak = [0.01, 0.02].flatMap((learning_rate) => [1, 2, 3, 4].map((seed) => ({ params: { learning_rate, seed }, value: 1 + 0.1 * rng.normal() })));
  assert.ok(parameterImportance(weak)[0].importance < 0.3, JSON.stringify(parameterImportance(weak)));
});

test("seed replicates are one configuration: 4 configurations × 3 seeds give the importance of the 4 means", () => {
  const runs: ImportanceRun[] = [];
  const configs = [
    { cell: "rnn", dropout: 0 },
    { cell: "rnn", dropout: 0.3 },
    { cell: "lstm", dropout: 0 },
    { cell: "lstm", dropout: 0.3 },
  ];
  const rng = makeRng(9);
  for (const c of configs) for (let seed = 1; seed <= 3; seed++) runs.push({ params: { ...c, seed }, value: (c.cell === "rnn" ? 2 : 1) + 0.1 * c.dropout + 0.05 * rng.normal() });
  const folded = foldReplicates(runs, ["cell", "dropout"]);
  assert.equal(folded.length, 4);
  assert.ok(folded.every((f) => f.runs === 3));
  const means = folded.map((f) => ({ params: f.params, value: f.value }));
  assert.deepEqual(parameterImportance(runs, { seed: 2 }), parameterImportance(means, { seed: 2 }));
  assert.equal(parameterImportance(runs)[0].param, "cell");
});

test("correlations: computed in log space for log-scaled parameters, Spearman on ranks", () => {
  const runs = synthetic(80, 0, (x) => 2 * x);
  const rows = parameterImportance(runs, { resamples: 4 });
  const lr = rows.find((r) => r.param === "learning_rate")!;
  assert.ok(lr.correlation! > 0.99, `Pearson in log space ${lr.correlation}`);
  assert.ok(lr.spearman! > 0.99);
  const c = parseSweepConfig({
    method: "random",
    parameters: { learning_rate: { distribution: "uniform", min: 0.0001, max: 0.1 }, dropout: { min: 0, max: 0.5 }, cell: { values: ["rnn", "lstm", "gru"] } },
  });
  assert.ok(c.ok);
  const linear = parameterImportance(runs, { config: c.config, resamples: 4 }).find((r) => r.param === "learning_rate")!;
  assert.ok(linear.correlation! < lr.correlation! - 0.05, "in linear space the log-linear relation is weaker");
});

test("deterministic for a seed; failed runs (null values) are left out; nothing to say from nothing", () => {
  const runs = [...synthetic(12, 2, (x) => x), { params: { learning_rate: 0.1, dropout: 0.1, cell: "rnn" }, value: null }];
  assert.deepEqual(parameterImportance(runs, { seed: 4 }), parameterImportance(runs, { seed: 4 }));
  assert.deepEqual(parameterImportance([]), []);
  const two = parameterImportance(synthetic(2, 1, (x) => x));
  assert.ok(two.every((r) => r.importance === 0 && r.rankedFirst === null && r.interval === null), "two configurations: no model");
  const four = parameterImportance(synthetic(4, 1, (x) => x));
  assert.ok(four.every((r) => r.rankedFirst === null && r.interval === null), "four configurations: an estimate, but no resampling");
});

test("pearson and ranks", () => {
  assert.equal(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
  assert.equal(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
  assert.deepEqual(ranks([10, 30, 20, 20]), [1, 4, 2.5, 2.5]);
});
