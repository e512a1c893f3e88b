import { test } from "node:test";
import assert from "node:assert/strict";
import { asFlat, CONDITIONAL_PROBLEM, runOurs } from "../reference/bayes-problems.ts";
import { median } from "../stats.ts";
import { parseWandbSweepConfig } from "../config.ts";
import { proposeNext, type Trial } from "./index.ts";

// Bayes over a tree of choices (issue 16) on a problem with a known optimum (0, in the branch
// whose average is the worst): regret after 40 runs, 5 seeds. The figures of `npm run bench --
// search` (10 seeds) are in the README.

const SEEDS = [0, 1, 2, 3, 4];
const BUDGET = 40;
const regrets = (problem: typeof CONDITIONAL_PROBLEM | ReturnType<typeof asFlat>, searcher: "random" | "gp" | "tpe") =>
  SEEDS.map((s) => runOurs(problem, searcher, s, BUDGET).at(-1)!);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test("bayes (GP) over the tree finds the optimum random search misses, and beats the same problem as a flat space", () => {
  const random = regrets(CONDITIONAL_PROBLEM, "random");
  const gp = regrets(CONDITIONAL_PROBLEM, "gp");
  const flatGp = regrets(asFlat(CONDITIONAL_PROBLEM), "gp");
  assert.ok(median(random) > 0.05, `random: ${random}`); // the problem is not easy
  assert.ok(median(gp) < median(random) / 10, `gp ${gp} vs random ${random}`);
  assert.ok(median(gp) < median(flatGp) / 10, `tree gp ${gp} vs flat gp ${flatGp}`);
});

test("TPE over the tree does better than random search on average", () => {
  const random = regrets(CONDITIONAL_PROBLEM, "random");
  const tpe = regrets(CONDITIONAL_PROBLEM, "tpe");
  assert.ok(mean(tpe) < mean(random), `tpe ${tpe} vs random ${random}`);
});

test("bayes proposals keep to the tree: each run has exactly its branch's parameters", () => {
  for (const model of ["gp", "tpe"] as const) {
    const parsed = parseWandbSweepConfig({ method: "bayes", seed: 3, bayes_model: model, metric: { name: "loss" }, parameters: CONDITIONAL_PROBLEM.parameters });
    assert.ok(parsed.ok);
    const trials: Trial[] = [];
    for (let i = 0; i < 25; i++) {
      const p = proposeNext(parsed.config, trials);
      assert.ok(!p.done);
      const params = p.params as Record<string, unknown>;
      const keys = Object.keys(params).filter((k) => k !== "seed").sort();
      const expected = { plain: ["kind", "lr"], shifted: ["kind", "lr", "u"], deep: ["kind", "lr", "u", "v", "w"] }[params.kind as string];
      assert.deepEqual(keys, expected, `${model}: ${JSON.stringify(params)}`);
      if (params.kind === "shifted") assert.ok((params.u as number) <= 1, "shifted's own u range");
      const value = CONDITIONAL_PROBLEM.objective(params as Record<string, number>);
      trials.push({ params: p.params, state: "finished", value });
    }
  }
});
