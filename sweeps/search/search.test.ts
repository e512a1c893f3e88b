import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSweepConfig, type SweepConfig } from "../config.ts";
import { proposeNext, type Trial } from "./index.ts";
import { buildSpace, sampleDim } from "./space.ts";
import { makeRng } from "../rng.ts";

const config = (input: unknown): SweepConfig => {
  const r = parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};

/** Run a sweep to the end (or n runs) against an objective; every run finishes. */
function drive(c: SweepConfig, objective: (p: Record<string, unknown>) => number, n = Infinity): Trial[] {
  const trials: Trial[] = [];
  while (trials.length < n) {
    const p = proposeNext(c, trials);
    if (p.done) break;
    assert.equal(p.index, trials.length);
    trials.push({ params: p.params, state: "finished", value: objective(p.params) });
  }
  return trials;
}

test("grid: every combination once, in W&B's order (names sorted, last fastest), then done", () => {
  const c = config({
    method: "grid",
    parameters: { num_layers: { min: 1, max: 2 }, cell: { values: ["rnn", "lstm", "gru"] }, dropout: { value: 0.1 } },
  });
  const trials = drive(c, () => 1);
  assert.deepEqual(
    trials.map((t) => [t.params.cell, t.params.dropout, t.params.num_layers]),
    [["rnn", 0.1, 1], ["rnn", 0.1, 2], ["lstm", 0.1, 1], ["lstm", 0.1, 2], ["gru", 0.1, 1], ["gru", 0.1, 2]],
  );
  const end = proposeNext(c, trials);
  assert.deepEqual(end, { done: true, reason: "grid exhausted (6 configurations)" });
});

test("grid, two processes proposing for one sweep: a point held by an index whose run is not seen yet is never proposed again", () => {
  const c = config({ method: "grid", parameters: { cell: { values: ["rnn", "lstm", "gru"] }, num_layers: { values: [1, 2] } } });
  const all = drive(c, () => 1);
  assert.equal(all.length, 6);
  const unknown: Trial = { params: {}, state: "queued", value: null, unknown: true };
  // this process sees runs 0-3 and 5; index 4 is reserved by the other process, whose run it cannot see yet
  const view = [...all.slice(0, 4), unknown, all[5]];
  assert.deepEqual(proposeNext(c, view), { done: true, reason: "grid exhausted (6 configurations)" });
  // index 4 reserved elsewhere, 5 reserved by this process: it takes point 5 (its own), never 4
  const mine = proposeNext(c, [...all.slice(0, 4), unknown]);
  assert.ok(!mine.done && mine.index === 5);
  assert.deepEqual(mine.params, all[5].params);
});

test("grid: q_uniform is numpy.arange(min, max, q), as W&B's grid: from min, max left out", () => {
  const c = config({ method: "grid", parameters: { dropout: { distribution: "q_uniform", min: 0.04, max: 0.26, q: 0.1 } } });
  assert.deepEqual(drive(c, () => 1).map((t) => t.params.dropout), [0.04, 0.14, 0.24000000000000002]);
});

test("replicates: each configuration repeated with its own seed; seeds derive from (sweep seed, configuration, replicate)", () => {
  const c = config({ method: "grid", seed: 42, replicates: 3, parameters: { cell: { values: ["rnn", "lstm"] } } });
  const trials = drive(c, () => 1);
  assert.equal(trials.length, 6);
  assert.deepEqual(trials.map((t) => t.params.cell), ["rnn", "rnn", "rnn", "lstm", "lstm", "lstm"]);
  const seeds = trials.map((t) => t.params.seed as number);
  assert.equal(new Set(seeds).size, 6, "every run has its own seed");
  assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= 2 ** 31 - 1));
  const other = drive(config({ ...c, seed: 43 }), () => 1).map((t) => t.params.seed);
  assert.notDeepEqual(other, seeds, "another sweep seed gives other run seeds");
  // a swept seed is left alone
  const swept = drive(config({ method: "grid", parameters: { seed: { values: [5, 6] } } }), () => 1);
  assert.deepEqual(swept.map((t) => t.params.seed), [5, 6]);
});

test("bayes replicates repeat the configuration chosen for the first replicate", () => {
  const c = config({ method: "bayes", seed: 1, replicates: 2, metric: { name: "val_loss" }, parameters: { dropout: { min: 0, max: 0.5 } } });
  const trials = drive(c, (p) => p.dropout as number, 24);
  for (let i = 0; i < trials.length; i += 2) assert.equal(trials[i].params.dropout, trials[i + 1].params.dropout);
  assert.notEqual(trials[0].params.seed, trials[1].params.seed);
});

test("random: respects bounds, integer and quantised distributions, and probabilities", () => {
  const c = config({
    method: "random",
    seed: 3,
    run_cap: 2000,
    parameters: {
      learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 1e-1 },
      hidden_size: { distribution: "q_log_uniform_values", min: 16, max: 512, q: 16 },
      num_layers: { min: 1, max: 3 },
      dropout: { distribution: "q_uniform", min: 0, max: 0.5, q: 0.1 },
      cell: { values: ["rnn", "lstm", "gru"], probabilities: [0.6, 0.3, 0.1] },
      init_std: { distribution: "normal", mu: 0.5, sigma: 0.2 }, // 0.6% below 0: truncated to init_std > 0 (a warning)
      layernorm: { value: true },
    },
  });
  const trials = drive(c, () => 0);
  assert.equal(trials.length, 2000, "run_cap ends a random sweep");
  assert.deepEqual(proposeNext(c, trials), { done: true, reason: "run_cap reached (2000 runs)" });
  const col = (k: string) => trials.map((t) => (t.params as Record<string, unknown>)[k] as number);
  const lr = col("learning_rate");
  assert.ok(lr.every((v) => v >= 1e-4 && v <= 1e-1));
  // log-uniform: about a third of the draws in each decade
  const decade = lr.filter((v) => v < 1e-3).length / lr.length;
  assert.ok(Math.abs(decade - 1 / 3) < 0.05, `share below 1e-3: ${decade}`);
  assert.ok(col("hidden_size").every((v) => v % 16 === 0 && v >= 16 && v <= 512));
  assert.deepEqual([...new Set(col("num_layers"))].sort(), [1, 2, 3]);
  assert.ok(col("dropout").every((v) => [0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(v)));
  const rnnShare = trials.filter((t) => t.params.cell === "rnn").length / trials.length;
  const gruShare = trials.filter((t) => t.params.cell === "gru").length / trials.length;
  assert.ok(Math.abs(rnnShare - 0.6) < 0.04 && Math.abs(gruShare - 0.1) < 0.03, `${rnnShare} ${gruShare}`);
  assert.ok(col("init_std").every((v) => v > 0), "normal draws outside RunConfig's range are redrawn");
  assert.ok(trials.every((t) => t.params.layernorm === true));
});

test("W&B's exponent distributions: log_uniform is exp(U[min, max]), inv_log_uniform is exp(-U[min, max])", () => {
  const c = config({
    method: "random",
    parameters: {
      learning_rate: { distribution: "log_uniform", min: -9.9, max: -5.3 },
      init_std: { distribution: "inv_log_uniform", min: 0, max: 2 },
      weight_decay: { distribution: "inv_log_uniform_values", min: 0.001, max: 0.1 },
    },
  });
  const space = buildSpace(c);
  const rng = makeRng(9);
  for (let i = 0; i < 500; i++) {
    const [std, lr, wd] = space.map((d) => sampleDim(d, rng) as number); // sorted: init_std, learning_rate, weight_decay
    assert.ok(lr >= Math.exp(-9.9) && lr <= Math.exp(-5.3));
    assert.ok(std >= Math.exp(-2) && std <= 1);
    assert.ok(wd >= 0.001 && wd <= 0.1);
  }
});

test("same sweep seed, same proposals; each proposal a pure function of its inputs", () => {
  const input = {
    method: "bayes",
    seed: 11,
    metric: { name: "val_loss" },
    parameters: { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 1 }, cell: { values: ["rnn", "lstm"] } },
  };
  const f = (p: Record<string, unknown>) => (Math.log10(p.learning_rate as number) + 2) ** 2 + (p.cell === "rnn" ? 1 : 0);
  const a = drive(config(input), f, 25);
  const b = drive(config(input), f, 25);
  assert.deepEqual(a, b);
  const c = drive(config({ ...input, seed: 12 }), f, 25);
  assert.notDeepEqual(a.map((t) => t.params), c.map((t) => t.params));
  // asking twice with the same history gives the same answer
  assert.deepEqual(proposeNext(config(input), a.slice(0, 17)), proposeNext(config(input), a.slice(0, 17)));
});

test("bayes: failed and diverged runs count as the worst value", () => {
  const c = config({ method: "bayes", seed: 5, metric: { name: "val_loss" }, parameters: { dropout: { min: 0, max: 0.9 } } });
  // runs with dropout > 0.5 diverge; among the rest, lower dropout is better
  const trials: Trial[] = [];
  for (let i = 0; i < 40; i++) {
    const p = proposeNext(c, trials);
    assert.ok(!p.done);
    const d = p.params.dropout as number;
    trials.push(d > 0.5 ? { params: p.params, state: "diverged", value: null } : { params: p.params, state: "finished", value: d });
  }
  const late = trials.slice(20);
  const diverged = late.filter((t) => t.state === "diverged").length;
  assert.ok(diverged <= 3, `after the startup, bayes avoids the diverging region (${diverged} of 20 diverged)`);
});

test("target: a run that reaches metric.target ends the sweep", () => {
  const c = config({ method: "random", metric: { name: "val_acc", goal: "maximize", target: 0.9 }, parameters: { dropout: { min: 0, max: 0.5 } } });
  const trials: Trial[] = [
    { params: {}, state: "finished", value: 0.5 },
    { params: {}, state: "failed", value: 0.95 },
  ];
  assert.equal(proposeNext(c, trials).done, false, "only finished runs count");
  trials.push({ params: {}, state: "finished", value: 0.92 });
  assert.deepEqual(proposeNext(c, trials), { done: true, reason: "target reached: run 2 has val_acc = 0.92" });
});

// A shifted quadratic with a ripple over mixed parameters: a log-scaled rate, a bounded
// real, a log-scaled integer and a categorical. Minimum ≈ 0 at lr = 10^-2.5, dropout 0.3,
// hidden 128, cell lstm.
function objective(p: Record<string, unknown>): number {
  const lr = Math.log10(p.learning_rate as number) + 2.5;
  const d = ((p.dropout as number) - 0.3) * 4;
  const h = Math.log2(p.hidden_size as number) - 7;
  const cell = { rnn: 1.5, lstm: 0, gru: 0.4 }[p.cell as "rnn" | "lstm" | "gru"];
  return lr * lr + d * d + 0.5 * h * h + cell + 0.3 * Math.sin(3 * lr) ** 2;
}

const SYNTHETIC_PARAMETERS = {
  learning_rate: { distribution: "log_uniform_values", min: 1e-5, max: 1 },
  dropout: { distribution: "uniform", min: 0, max: 0.9 },
  hidden_size: { distribution: "q_log_uniform_values", min: 8, max: 1024, q: 1 },
  cell: { values: ["rnn", "lstm", "gru"] },
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const bestOf = (method: string, seed: number, runs: number, f: (p: Record<string, unknown>) => number, parameters: Record<string, unknown>, model?: string) =>
  Math.min(...drive(config({ method, seed, metric: { name: "val_loss" }, parameters, ...(model ? { bayes_model: model } : {}) }), f, runs).map((t) => t.value as number));

test("bayes (GP, the default) beats random search on a synthetic objective: median best over 8 seeds, 25 runs each", () => {
  const random = Array.from({ length: 8 }, (_, s) => bestOf("random", s, 25, objective, SYNTHETIC_PARAMETERS));
  const bayes = Array.from({ length: 8 }, (_, s) => bestOf("bayes", s, 25, objective, SYNTHETIC_PARAMETERS));
  assert.ok(median(bayes) < 0.25 * median(random), `bayes median ${median(bayes).toFixed(3)} vs random ${median(random).toFixed(3)}`);
  assert.ok(bayes.filter((b, i) => b < random[i]).length >= 7, "better on 7 of 8 seeds");
});

test("bayes_model: tpe beats random search on the same objective: median best over 20 seeds, 40 runs each", () => {
  const random = Array.from({ length: 20 }, (_, s) => bestOf("random", s, 40, objective, SYNTHETIC_PARAMETERS));
  const tpe = Array.from({ length: 20 }, (_, s) => bestOf("bayes", s, 40, objective, SYNTHETIC_PARAMETERS, "tpe"));
  const [mr, mb] = [median(random), median(tpe)];
  assert.ok(mb < 0.5 * mr, `tpe median ${mb.toFixed(3)} vs random ${mr.toFixed(3)}`);
  assert.ok(tpe.filter((b, i) => b < random[i]).length >= 16, "better on 16 of 20 seeds");
});

// Branin (three global minima, value 0.397887) on two bounded reals rescaled to its domain.
function branin(p: Record<string, unknown>): number {
  const x1 = -5 + (15 * (p.dropout as number)) / 0.9;
  const x2 = (15 * (p.momentum as number)) / 0.95;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

test("bayes beats random on Branin: median regret over 8 seeds, 25 runs each", () => {
  const parameters = { dropout: { distribution: "uniform", min: 0, max: 0.9 }, momentum: { distribution: "uniform", min: 0, max: 0.95 } };
  const random = Array.from({ length: 8 }, (_, s) => bestOf("random", s, 25, branin, parameters) - 0.397887);
  const bayes = Array.from({ length: 8 }, (_, s) => bestOf("bayes", s, 25, branin, parameters) - 0.397887);
  assert.ok(median(bayes) < 0.1 * median(random), `bayes median regret ${median(bayes).toFixed(4)} vs random ${median(random).toFixed(3)}`);
});
