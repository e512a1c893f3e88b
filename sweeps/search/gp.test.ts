import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWandbSweepConfig, type SweepConfig } from "../config.ts";
import { makeRng } from "../rng.ts";
import { fitGp, gpObjective, logExpectedImprovement } from "./gp.ts";
import { unitEncoding } from "./gp-search.ts";
import { proposeNext, type Trial } from "./index.ts";
import { observeTrials } from "./observe.ts";
import { buildSpace } from "./space.ts";

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("the GP's marginal-likelihood gradient matches central differences", () => {
  const rng = makeRng(7);
  const x = Array.from({ length: 9 }, () => [rng.next(), rng.next()]);
  const y = x.map((p) => Math.sin(4 * p[0]) + p[1] ** 2);
  const f = (v: number[]) => gpObjective(x, y, { logLength: v.slice(0, 2), logSignal: v[2], logNoise: v[3] })!;
  const v = [-0.7, 0.2, 0.3, -3];
  const g = f(v).grad;
  for (let i = 0; i < v.length; i++) {
    const e = 1e-6;
    const numeric = (f(v.map((x, j) => (j === i ? x + e : x))).value - f(v.map((x, j) => (j === i ? x - e : x))).value) / (2 * e);
    close(g[i], numeric, 1e-6 * (1 + Math.abs(numeric)), `∂/∂θ${i}`);
  }
});

test("a fitted GP goes through noiseless data, is unsure far from it, and finds an irrelevant input irrelevant", () => {
  const rng = makeRng(3);
  const x = Array.from({ length: 20 }, () => [rng.next(), rng.next()]);
  const y = x.map((p) => (p[0] - 0.3) ** 2);
  const gp = fitGp(x, y, rng);
  for (let i = 0; i < 5; i++) close(gp.predict(x[i]).mean * gp.ySd + gp.yMean, y[i], 1e-3, `fit at x${i}`);
  const near = gp.predict(x[0]).sd;
  const far = fitGp(x.slice(0, 3), y.slice(0, 3), rng).predict([0.99, 0.99]).sd;
  assert.ok(far > 20 * near, `sd far ${far} vs at a data point ${near}`);
  assert.ok(gp.hyper.logLength[1] > gp.hyper.logLength[0] + 1, `length scales ${gp.hyper.logLength.map(Math.exp)}`);
});

test("log expected improvement against scipy (float64, erfcx for the far tail)", () => {
  // log h(z) = log φ(z) + log1p(z·√(π/2)·erfcx(−z/√2)), scipy.special 1.10
  const expected: [number, number][] = [[-8, -37.12236426169264], [-5.5, -19.54307145282411], [-2, -4.768783523917115], [0, -0.9189385332046727], [1.5, 0.424814556762259]];
  for (const [z, logH] of expected) close(logExpectedImprovement(-z, 1, 0), logH, 1e-6, `log h(${z})`);
  close(logExpectedImprovement(1, 2, 0), Math.log(2) + logExpectedImprovement(0.5, 1, 0), 1e-12, "EI = σ·h((f* − μ)/σ)");
});

test("the unit-cube encoding: log scale, integers snapped to their values, categoricals one-hot, normal laws by their CDF", () => {
  const parsed = parseWandbSweepConfig({
    method: "bayes",
    metric: { name: "loss" },
    parameters: { lr: { distribution: "log_uniform_values", min: 1e-4, max: 1 }, n: { min: 1, max: 4 }, cell: { values: ["rnn", "lstm", "gru"] }, mu: { distribution: "normal", mu: 0, sigma: 2 } },
  });
  assert.ok(parsed.ok);
  const enc = unitEncoding(buildSpace(parsed.config));
  assert.equal(enc.size, 1 + 3 + 1 + 1);
  const u = enc.encode({ lr: 0.01, n: 2, cell: "gru", mu: 0 } as never)!;
  // names sorted: cell (one-hot), lr, mu, n
  assert.deepEqual(u.slice(0, 3), [0, 0, 1]);
  close(u[3], 0.5, 1e-12, "log10(0.01) is the middle of 1e-4..1");
  close(u[4], 0.5, 1e-7, "mu = 0 at the normal's median");
  close(u[5], 0.375, 1e-12, "n = 2: the centre of its quarter of [0.5, 4.5]");
  const snapped = enc.canonical([0.1, 0.7, 0.2, 0.5, 0.5, 0.4])!;
  assert.deepEqual(snapped.slice(0, 3), [0, 1, 0]);
  close(snapped[5], 0.375, 1e-12, "0.4 snaps to n = 2");
  const back = enc.decode(snapped) as Record<string, number | string>;
  assert.deepEqual([back.cell, back.n], ["lstm", 2]);
  close(back.lr as number, 0.01, 1e-15, "lr");
  close(back.mu as number, 0, 1e-7, "mu");
});

// ---- W&B's bayes test cases (tests/test_bayes_search.py), ported ----------------------------

function sweep(input: Record<string, unknown>): SweepConfig {
  const parsed = parseWandbSweepConfig({ method: "bayes", ...input });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
  return parsed.config;
}

function simulate(config: SweepConfig, objective: (p: Record<string, number>) => number, init: Trial[], iterations: number): Trial[] {
  const trials = [...init];
  for (let i = 0; i < iterations; i++) {
    const p = proposeNext(config, trials);
    assert.ok(!p.done);
    const value = objective(p.params as Record<string, number>);
    trials.push({ params: p.params, state: "finished", value, latest: value });
  }
  return trials;
}

test("W&B's test_bayes_search_converges_on_simple_quadratic: from x = 0 and x = 1, six proposals reach (x − 0.3)² < 0.001", () => {
  for (const seed of [0, 1, 2]) {
    const c = sweep({ seed, metric: { name: "loss", goal: "minimize" }, parameters: { x: { distribution: "uniform", min: 0, max: 1 } } });
    const f = (p: Record<string, number>) => (p.x - 0.3) ** 2;
    const init: Trial[] = [0, 1].map((x) => ({ params: { x } as never, state: "finished", value: f({ x }) }));
    const best = Math.min(...simulate(c, f, init, 6).map((t) => t.value as number));
    assert.ok(best < 0.001, `seed ${seed}: best ${best}`);
  }
});

test("W&B's test_bayes_impute_best: failed runs count with their best value under impute: best, and the search then finds a = 1", () => {
  const failed = (a: number, history: number[]): Trial => ({ params: { a } as never, state: "failed", value: Math.min(...history), latest: history[history.length - 1] });
  const init = [failed(0.2, [10, 8, 10]), failed(0.4, [10, 6, 10]), failed(0.6, [10, 4, 4, 10]), failed(0.8, [10, 2, 2, 10]), failed(0.9, [10, 1, 1, 10])];
  const objective = (p: Record<string, number>) => 10 - p.a * 10;
  const best = (impute: string) => {
    const c = sweep({ seed: 3, metric: { name: "loss", goal: "minimize", impute }, parameters: { a: { distribution: "uniform", min: 0, max: 1 } } });
    const runs = simulate(c, objective, init, 5).slice(init.length);
    return (runs.reduce((b, t) => ((t.value as number) < (b.value as number) ? t : b)).params as Record<string, number>).a;
  };
  close(best("best"), 1, 0.001, "impute: best finds a = 1");
  // impute: worst (the default) makes every failed run the worst: W&B's test asserts the search then
  // has nothing to follow; here the failed runs carry no value to the model either
  const worst = sweep({ metric: { name: "loss", goal: "minimize" }, parameters: { a: { distribution: "uniform", min: 0, max: 1 } } });
  assert.deepEqual(observeTrials({ config: worst, trials: init }).observed.map((o) => o.y), [Infinity, Infinity, Infinity, Infinity, Infinity]);
  const withBest = sweep({ metric: { name: "loss", goal: "minimize", impute: "best" }, parameters: { a: { distribution: "uniform", min: 0, max: 1 } } });
  assert.deepEqual(observeTrials({ config: withBest, trials: init }).observed.map((o) => o.y), [8, 6, 4, 2, 1]);
  const withLatest = sweep({ metric: { name: "loss", goal: "minimize", impute: "latest" }, parameters: { a: { distribution: "uniform", min: 0, max: 1 } } });
  assert.deepEqual(observeTrials({ config: withLatest, trials: init }).observed.map((o) => o.y), [10, 10, 10, 10, 10], "W&B: latest is the last logged value");
});

test("bayes keeps away from diverging runs, spreads concurrent proposals, and is deterministic for its seed", () => {
  const c = sweep({ seed: 5, metric: { name: "loss", goal: "minimize" }, parameters: { x: { distribution: "uniform", min: 0, max: 1 } } });
  const trials: Trial[] = [];
  for (let i = 0; i < 20; i++) {
    const p = proposeNext(c, trials);
    assert.ok(!p.done);
    const x = (p.params as Record<string, number>).x;
    trials.push(x > 0.6 ? { params: p.params, state: "diverged", value: null } : { params: p.params, state: "finished", value: (x - 0.4) ** 2 });
  }
  assert.ok(trials.slice(8).filter((t) => t.state === "diverged").length <= 2, "after a few diverged runs, it stays below 0.6");
  // two proposals while the first is still running differ
  const running = [...trials.slice(0, 10), { params: trials[10].params, state: "running" as const, value: null }];
  const next = proposeNext(c, running);
  assert.ok(!next.done && Math.abs((next.params as Record<string, number>).x - (trials[10].params as Record<string, number>).x) > 1e-6);
  assert.deepEqual(proposeNext(c, trials.slice(0, 12)), proposeNext(c, trials.slice(0, 12)));
});

test("a proposal at a range's end is the end as written: dropout 0 and learning rate 0.3, not 5e-10 and 0.29999999999999993; an end the field forbids (dropout 1) is taken from just inside", () => {
  // the best of each is at an end of its range, so the search proposes the end itself
  const c = sweep({
    seed: 4,
    metric: { name: "loss", goal: "minimize" },
    parameters: { dropout: { distribution: "uniform", min: 0, max: 0.5 }, learning_rate: { distribution: "log_uniform_values", min: 0.0003, max: 0.3 } },
  });
  const f = (p: Record<string, number>) => p.dropout - Math.log(p.learning_rate);
  const proposed = simulate(c, f, [], 16).map((t) => t.params as Record<string, number>);
  assert.ok(proposed.some((p) => p.dropout === 0), `dropout: ${proposed.map((p) => p.dropout)}`);
  assert.ok(proposed.some((p) => p.learning_rate === 0.3), `learning_rate: ${proposed.map((p) => p.learning_rate)}`);
  for (const p of proposed) assert.ok(p.dropout >= 0 && p.dropout <= 0.5 && p.learning_rate >= 0.0003 && p.learning_rate <= 0.3, JSON.stringify(p));
  const forbidden = sweep({ seed: 4, metric: { name: "loss", goal: "minimize" }, parameters: { dropout: { distribution: "uniform", min: 0.5, max: 1 } } });
  const toOne = simulate(forbidden, (p) => -p.dropout, [], 12).map((t) => (t.params as Record<string, number>).dropout);
  assert.ok(toOne.every((d) => d < 1), `dropout ${toOne}`);
  assert.ok(Math.max(...toOne) > 1 - 1e-6, `the search reaches the end it may not take: ${toOne}`);
});

test("once the model is sure of a corner optimum, bayes does not make the same run again a hair away (dropout 0, 4.6e-8, 1.4e-8, … at learning rate 0.3): every proposal differs from every other run by more than a millionth of a range", () => {
  for (const seed of [4, 7]) {
    const c = sweep({
      seed,
      metric: { name: "loss", goal: "minimize" },
      parameters: { dropout: { distribution: "uniform", min: 0, max: 0.5 }, learning_rate: { distribution: "log_uniform_values", min: 0.0003, max: 0.3 } },
    });
    const f = (p: Record<string, number>) => p.dropout - Math.log(p.learning_rate);
    const proposed = simulate(c, f, [], 20).map((t) => t.params as Record<string, number>);
    // the corner itself is found, as before
    assert.ok(proposed.some((p) => p.dropout === 0 && p.learning_rate === 0.3), `seed ${seed}: ${JSON.stringify(proposed)}`);
    const u = (p: Record<string, number>) => [p.dropout / 0.5, Math.log(p.learning_rate / 0.0003) / Math.log(1000)];
    for (let i = 0; i < proposed.length; i++)
      for (let j = 0; j < i; j++) {
        const [a, b] = [u(proposed[i]), u(proposed[j])];
        assert.ok(Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])) > 1e-6, `seed ${seed}: run ${i} ${JSON.stringify(proposed[i])} is run ${j} ${JSON.stringify(proposed[j])} again`);
      }
  }
});
