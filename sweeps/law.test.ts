import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSweepConfig } from "./config.ts";
import { lawOf, outsideShare, sigmaFor } from "./law.ts";
import { buildSpace, sampleDim } from "./search/space.ts";
import { makeRng } from "./rng.ts";
import { spawnSync } from "node:child_process";
import { betaCdf, meanCi, normCdf, normQuantile, tQuantile } from "./stats.ts";

// Expected values below were computed with scipy.stats 1.10 (float64), independently of this code.
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("distribution functions against scipy.stats", () => {
  close(normCdf(-0.5), 0.3085375387259869, 2e-7, "norm.cdf(-0.5)");
  close(normCdf(-2.5), 0.006209665325776132, 2e-9, "norm.cdf(-2.5)");
  close(normQuantile(0.975), 1.959963984540054, 1e-7, "norm.ppf(0.975)");
  close(normQuantile(1e-6), -4.753424308822899, 1e-6, "norm.ppf(1e-6)");
  close(betaCdf(0.3, 2, 5), 0.579825, 1e-10, "beta.cdf(0.3, 2, 5)");
  close(betaCdf(0.9, 0.5, 0.5), 0.7951672353008665, 1e-10, "beta.cdf(0.9, 0.5, 0.5)");
});

test("issue 12's init_std normal(0.5, 1): 31% of the draws fall below 0, and redrawing them moves the median to 0.897", () => {
  const law = lawOf({ distribution: "normal", mu: 0.5, sigma: 1 })!;
  const o = outsideShare(law, (v) => v > 0)!;
  close(o.below, 0.3085375387259869, 1e-6, "share below 0 = norm.cdf(-0.5)");
  assert.equal(o.above, 0);
  close(o.truncatedMedian, 0.8968711750895444, 1e-6, "truncnorm(a=-0.5).median()");
  close(o.median, 0.5, 1e-6, "median of the written law");
  const sigma = sigmaFor(law, (v) => v > 0, 0.01)!;
  close(outsideShare({ ...law, sigma }, (v) => v > 0)!.share, 0.01, 1e-6, "the suggested sigma loses 1%");
});

test("log_normal against an upper bound, and quantised laws at their rounding edges", () => {
  const logn = outsideShare(lawOf({ distribution: "log_normal", mu: -5, sigma: 3 })!, (v) => v > 0 && v <= 100)!;
  close(logn.above, 0.0006830405222079117, 1e-8, "1 - norm.cdf((ln 100 + 5) / 3)");
  // q_normal(0, 1, q = 1) on v ≥ 0: a draw is kept when it rounds to 0 or more, i.e. t ≥ -0.5
  const q = outsideShare(lawOf({ distribution: "q_normal", mu: 0, sigma: 1, q: 1 })!, (v) => v >= 0)!;
  close(q.below, 0.3085375387259869, 1e-6, "norm.cdf(-0.5)");
});

test("the config refuses a law that loses more than 1% to the field's range, naming the field and the share", () => {
  const refused = parseSweepConfig({ method: "random", parameters: { init_std: { distribution: "normal", mu: 0.5, sigma: 1 } } });
  assert.equal(refused.ok, false);
  const issue = !refused.ok ? refused.issues.find((i) => i.path === "parameters.init_std.sigma") : undefined;
  assert.ok(issue, JSON.stringify(refused));
  assert.match(issue.message, /^31% of the draws of normal\(mu 0\.5, sigma 1\) fall outside init_std's range \(> 0 and ≤ 100; 31% below\)/);
  assert.match(issue.message, /median 0\.897 instead of 0\.5/);
  assert.match(issue.message, /use log_normal or log_uniform_values for a positive parameter, or sigma ≤ 0\.2\d? \(at most 1% outside\)/);
  const clip = parseSweepConfig({ method: "random", parameters: { grad_clip: { distribution: "q_normal", mu: 0, sigma: 1, q: 0.5 } } });
  assert.equal(clip.ok, false, "grad_clip q_normal(0, 1): the negative half is outside grad_clip ≥ 0");
});

test("a law that loses a little is sampled truncated, and says so as a warning", () => {
  const r = parseSweepConfig({ method: "random", parameters: { init_std: { distribution: "normal", mu: 0.5, sigma: 0.2 } } });
  assert.ok(r.ok);
  const w = r.warnings.find((x) => x.path === "parameters.init_std");
  assert.match(w?.message ?? "", /^0\.62% of the draws of normal\(mu 0\.5, sigma 0\.2\) fall outside init_std's range \(> 0 and ≤ 100\) and are redrawn: the sweep samples this law truncated/);
  // and the sampler does redraw: every value valid, the empirical share of small values matches the truncated law
  const space = buildSpace(r.config);
  const rng = makeRng(5);
  const draws = Array.from({ length: 20000 }, () => sampleDim(space[0], rng) as number);
  assert.ok(draws.every((v) => v > 0));
  const below = draws.filter((v) => v < 0.1).length / draws.length;
  const expected = (normCdf(-2) - normCdf(-2.5)) / (1 - normCdf(-2.5));
  close(below, expected, 0.004, "share of draws in (0, 0.1)");
  // a law entirely inside the range says nothing
  const inside = parseSweepConfig({ method: "random", parameters: { dropout: { distribution: "beta", a: 2, b: 5 } } });
  assert.ok(inside.ok && inside.warnings.length === 0, JSON.stringify(inside));
});

// scipy itself, where it is installed (python3-scipy): the 95% band of a mean is Student's t exactly
const scipy = spawnSync("/usr/bin/python3", ["-c", "import scipy"]).status === 0;
test("Student's t quantiles and a mean's 95% band against scipy.stats", { skip: scipy ? false : "no scipy here (apt install python3-scipy)" }, () => {
  const dfs = [1, 2, 3, 4, 5, 9, 19, 20, 21, 30, 50, 100, 1000];
  const script = `import json, sys; from scipy import stats; print(json.dumps([stats.t.ppf(0.975, d) for d in ${JSON.stringify(dfs)}]))`;
  const ref = JSON.parse(spawnSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" }).stdout) as number[];
  dfs.forEach((df, i) => close(tQuantile(0.975, df), ref[i], 1e-8 * ref[i], `t.ppf(0.975, ${df})`));
  const xs = [0.71, 0.74, 0.69, 0.8, 0.73];
  const band = JSON.parse(spawnSync("/usr/bin/python3", ["-c", `import json, statistics as s; from scipy import stats; x = ${JSON.stringify(xs)}; print(json.dumps(stats.t.ppf(0.975, len(x) - 1) * s.stdev(x) / len(x) ** 0.5))`], { encoding: "utf8" }).stdout) as number;
  close(meanCi(xs).ci95!, band, 1e-12, "the band of 5 values");
});
