import { parseWandbSweepConfig, type SweepConfig } from "../config.ts";
import { proposeNext, type Trial } from "../search/index.ts";
import type { Wandb } from "./wandb.ts";

// W&B's own bayes test problems (tests/test_bayes_search.py), run by our searches and by
// W&B's bayes_search_next_run the same way: from no runs, `budget` proposals, each evaluated
// at once; the figure is the regret (best value found − the optimum; for the quadratics the
// squared distance to the optimum), median over seeds.

export interface Problem {
  id: string;
  from: string;
  parameters: Record<string, unknown>;
  goal: "minimize" | "maximize";
  objective: (p: Record<string, number>) => number;
  /** the best value the objective can take */
  optimum: number;
}

/** tests/test_bayes_search.py's squiggle: maximum 1.3 near x = 2, minimum near 3.6 on [0, 5]. */
const squiggle = (x: number) => Math.exp(-((x - 2) ** 2)) + Math.exp(-((x - 6) ** 2) / 10) + 1 / (x * x + 1);
/** tests/test_bayes_search.py's rosenbrock: minimum 0 at (1, 1, 1). */
const rosenbrock = (x: number[]) => x.slice(1).reduce((s, xi, i) => s + (xi - x[i] ** 2) ** 2 + (1 - x[i]) ** 2, 0);

function extremum(f: (x: number) => number, lo: number, hi: number, sign: 1 | -1): number {
  // a fine scan then golden-section refinement: the optimum the regret is measured against
  let best = lo;
  for (let i = 0; i <= 100000; i++) {
    const x = lo + ((hi - lo) * i) / 100000;
    if (sign * f(x) < sign * f(best)) best = x;
  }
  let a = Math.max(lo, best - (hi - lo) / 1e5), b = Math.min(hi, best + (hi - lo) / 1e5);
  for (let i = 0; i < 100; i++) {
    const m1 = a + (b - a) * 0.382, m2 = a + (b - a) * 0.618;
    if (sign * f(m1) < sign * f(m2)) b = m2;
    else a = m1;
  }
  return f((a + b) / 2);
}

const T = "tests/test_bayes_search.py";
export const PROBLEMS: Problem[] = [
  {
    id: "quadratic-int-float",
    from: `${T}::test_runs_bayes_runs2 — (v1−5)² + (v2−2)², v1 int 1..10, v2 float 1..10`,
    parameters: { v1: { min: 1, max: 10, distribution: "int_uniform" }, v2: { min: 1.0, max: 10.0, distribution: "uniform" } },
    goal: "minimize",
    objective: (p) => (p.v1 - 5) ** 2 + (p.v2 - 2) ** 2,
    optimum: 0,
  },
  {
    id: "quadratic-2d",
    from: `${T}::test_runs_bayes_runs2's loss on two floats 1..10 (the continuous 2-D quadratic)`,
    parameters: { v1: { min: 1.0, max: 10.0, distribution: "uniform" }, v2: { min: 1.0, max: 10.0, distribution: "uniform" } },
    goal: "minimize",
    objective: (p) => (p.v1 - 5) ** 2 + (p.v2 - 2) ** 2,
    optimum: 0,
  },
  {
    id: "quadratic-1d",
    from: `${T}::test_bayes_search_converges_on_simple_quadratic — (x−0.3)², x in [0, 1]`,
    parameters: { x: { min: 0.0, max: 1.0, distribution: "uniform" } },
    goal: "minimize",
    objective: (p) => (p.x - 0.3) ** 2,
    optimum: 0,
  },
  {
    id: "squiggle-max-log",
    from: `${T}::test_bayes_search_handles_supported_parameter_distributions — squiggle maximised, x log_uniform_values e^-2..e^3`,
    parameters: { x: { distribution: "log_uniform_values", min: Math.exp(-2), max: Math.exp(3) } },
    goal: "maximize",
    objective: (p) => squiggle(p.x),
    optimum: extremum(squiggle, Math.exp(-2), Math.exp(3), -1),
  },
  {
    id: "squiggle-min",
    from: `${T}::test_next_sample_converges_to_squiggle_minimum — squiggle minimised on [0, 5]`,
    parameters: { x: { min: 0.0, max: 5.0, distribution: "uniform" } },
    goal: "minimize",
    objective: (p) => squiggle(p.x),
    optimum: extremum(squiggle, 0, 5, 1),
  },
  {
    id: "rosenbrock-3d",
    from: `${T}::test_next_sample_converges_on_rosenbrock — 3-D Rosenbrock on [0, 2]³`,
    parameters: { x0: { min: 0.0, max: 2.0, distribution: "uniform" }, x1: { min: 0.0, max: 2.0, distribution: "uniform" }, x2: { min: 0.0, max: 2.0, distribution: "uniform" } },
    goal: "minimize",
    objective: (p) => rosenbrock([p.x0, p.x1, p.x2]),
    optimum: 0,
  },
];

export type Searcher = "random" | "gp" | "tpe" | "wandb";

function sweepConfig(problem: Problem, method: "random" | "bayes", seed: number, model?: "gp" | "tpe"): SweepConfig {
  const parsed = parseWandbSweepConfig({ method, seed, metric: { name: "loss", goal: problem.goal }, parameters: problem.parameters, ...(model ? { bayes_model: model } : {}) });
  if (!parsed.ok) throw new Error(`${problem.id}: ${JSON.stringify(parsed.issues)}`);
  return parsed.config;
}

/** Regret after each run (best so far − optimum, ≥ 0) of one of our searches. */
export function runOurs(problem: Problem, searcher: Exclude<Searcher, "wandb">, seed: number, budget: number): number[] {
  const config = sweepConfig(problem, searcher === "random" ? "random" : "bayes", seed, searcher === "random" ? undefined : searcher);
  const trials: Trial[] = [];
  const regret: number[] = [];
  let best = Infinity;
  for (let i = 0; i < budget; i++) {
    const p = proposeNext(config, trials);
    if (p.done) throw new Error(`${problem.id}: ${p.reason}`);
    const value = problem.objective(p.params as Record<string, number>);
    trials.push({ params: p.params, state: "finished", value, latest: value });
    best = Math.min(best, problem.goal === "minimize" ? value - problem.optimum : problem.optimum - value);
    regret.push(Math.max(0, best));
  }
  return regret;
}

/** The same with W&B's bayes_search_next_run (numpy's RNG seeded at the first proposal). */
export async function runWandb(wandb: Wandb, problem: Problem, seed: number, budget: number): Promise<number[]> {
  const config = { method: "bayes", metric: { name: "loss", goal: problem.goal }, parameters: problem.parameters };
  const runs: { params: Record<string, number>; state: string; summary: Record<string, number> }[] = [];
  const regret: number[] = [];
  let best = Infinity;
  for (let i = 0; i < budget; i++) {
    const { params } = await wandb.call<{ params: Record<string, number> }>("bayes_next", { config, runs, seed: i === 0 ? seed : null });
    const value = problem.objective(params);
    runs.push({ params, state: "finished", summary: { loss: value } });
    best = Math.min(best, problem.goal === "minimize" ? value - problem.optimum : problem.optimum - value);
    regret.push(Math.max(0, best));
  }
  return regret;
}

// ---- a conditional problem (issue 16): a tree of choices with a known optimum ------------------

export interface ConditionalProblem extends Problem {
  /** the same problem as a flat space: every parameter always present (the objective ignores those of other branches) */
  flat: Record<string, unknown>;
}

/**
 * Three branches sharing a learning rate `lr`: `plain` (nothing more; at best 0.5), `shifted`
 * (u in [0, 1]; at best 0.25) and `deep` (u in [0, 2], v in [−1, 1], w log-uniform 1e−3..1;
 * at best 0 at lr 0.3, u 0.2, v 0.4, w 0.01). Random search rarely lands near the deep optimum;
 * a model of the tree learns that the deep branch pays and where inside it.
 */
export const CONDITIONAL_PROBLEM: ConditionalProblem = {
  id: "conditional-3-branches",
  from: "Sweeplab (issue 16): choices plain / shifted / deep, a shared lr; optimum 0 in deep",
  parameters: {
    lr: { distribution: "uniform", min: 0, max: 1 },
    kind: {
      choices: {
        plain: {},
        shifted: { u: { distribution: "uniform", min: 0, max: 1 } },
        deep: {
          u: { distribution: "uniform", min: 0, max: 2 },
          v: { distribution: "uniform", min: -1, max: 1 },
          w: { distribution: "log_uniform_values", min: 0.001, max: 1 },
        },
      },
    },
  },
  flat: {
    lr: { distribution: "uniform", min: 0, max: 1 },
    kind: { values: ["plain", "shifted", "deep"] },
    u: { distribution: "uniform", min: 0, max: 2 },
    v: { distribution: "uniform", min: -1, max: 1 },
    w: { distribution: "log_uniform_values", min: 0.001, max: 1 },
  },
  goal: "minimize",
  objective: (p) => {
    const kind = (p as Record<string, unknown>).kind;
    const shared = (p.lr - 0.3) ** 2;
    if (kind === "plain") return 0.5 + shared;
    if (kind === "shifted") return 0.25 + shared + (p.u - 0.8) ** 2;
    return shared + 0.5 * (p.u - 0.2) ** 2 + 2 * (p.v - 0.4) ** 2 + (Math.log10(p.w) + 2) ** 2 / 4;
  },
  optimum: 0,
};

/** The conditional problem as its tree or as the flat space. */
export function asFlat(problem: ConditionalProblem): Problem {
  return { ...problem, id: `${problem.id} (flat)`, parameters: problem.flat };
}
