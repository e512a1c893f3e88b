import {
  centreValue,
  LOG_SCALED,
  parameterNames,
  quantize,
  isRunConfigKey,
  runConfigValueProblem,
  supportRange,
  sweepBranches,
  valueKey,
  type ParamSpec,
  type SweepConfig,
} from "../config.ts";
import type { RunConfigKey } from "../../engine/config.ts";
import type { Rng } from "../rng.ts";

// The search space of a sweep as the strategies see it: one dimension per parameter, with
// numeric ones in an internal coordinate where their prior is uniform or normal (log space
// for log-scaled distributions). Sampling follows W&B's distributions (params.py).
//
// A tree of choices (sweeps/tree.ts) becomes one space too: a first dimension, BRANCH_DIM,
// picks the branch (a categorical with the branches' probabilities), then come the union of
// the branches' dimensions, each active in the branches that have it (a parameter with the same
// spec in several branches is one dimension they share). A run's params hold only its active
// dimensions; random search draws the branch, then them; the bayes models treat the others as
// missing (tpe.ts, gp-search.ts).

export type Params = Partial<Record<RunConfigKey, unknown>>;

export type Prior =
  | { type: "uniform"; lo: number; hi: number }
  | { type: "normal"; mu: number; sigma: number }
  | { type: "beta"; a: number; b: number };

export type Dim = {
  name: RunConfigKey;
  spec: ParamSpec;
  /** in a tree space: the branches where this dimension exists (absent: every branch) */
  branches?: ReadonlySet<number>;
} & (
  | { kind: "constant"; value: unknown }
  | { kind: "categorical"; values: unknown[]; probabilities: number[] | null }
  | {
      kind: "numeric";
      /** the internal coordinate t is ln(value) */
      log: boolean;
      prior: Prior;
      /** range of t used to scale kernels; values outside are possible only for normal priors */
      lo: number;
      hi: number;
      bounded: boolean;
      /** int_uniform: round t to an integer in [intMin, intMax] */
      integer: { min: number; max: number } | null;
      q: number | null;
      /** a value known to be valid, used when redraws keep failing */
      fallback: number;
    }
);
export type NumericDim = Extract<Dim, { kind: "numeric" }>;

/** The name of a tree space's first dimension, whose values are branch numbers. */
export const BRANCH_DIM = "(branch)" as RunConfigKey;
export type BranchDim = Extract<Dim, { kind: "categorical" }> & { when: [string, unknown][][] };

export function buildSpace(config: Pick<SweepConfig, "parameters">): Dim[] {
  const branches = sweepBranches(config);
  if (branches.length === 1) return parameterNames(config).map((name) => buildDim(name, branches[0].specs[name]));
  const values = branches.map((_, b) => b);
  const probabilities = branches.map((b) => b.probability);
  const branchDim: BranchDim = {
    name: BRANCH_DIM,
    spec: { distribution: "categorical_w_probabilities", values, probabilities },
    kind: "categorical",
    values,
    probabilities,
    when: branches.map((b) => b.when),
  };
  const union = new Map<string, { name: RunConfigKey; spec: ParamSpec; branches: Set<number> }>();
  branches.forEach((b, i) => {
    for (const name of Object.keys(b.specs).sort() as RunConfigKey[]) {
      const key = `${name}\u0000${valueKey(b.specs[name])}`;
      const found = union.get(key) ?? { name, spec: b.specs[name], branches: new Set<number>() };
      found.branches.add(i);
      union.set(key, found);
    }
  });
  const dims = [...union.values()].map((u) => ({ ...buildDim(u.name, u.spec), ...(u.branches.size < branches.length ? { branches: u.branches } : {}) }));
  return [branchDim, ...dims];
}

export function isTreeSpace(space: readonly Dim[]): space is [BranchDim, ...Dim[]] {
  return space.length > 0 && space[0].name === BRANCH_DIM;
}

/** The branch of a tree space a run's params belong to (0 in a flat space), or -1 when none matches. */
export function branchIndexOf(space: readonly Dim[], params: Params): number {
  if (!isTreeSpace(space)) return 0;
  const p = params as Record<string, unknown>;
  return space[0].when.findIndex((when) => when.every(([k, v]) => k in p && valueKey(p[k]) === valueKey(v)));
}

/** Whether a dimension exists in branch `b` (the branch dimension itself: always). */
export function isActive(dim: Dim, b: number): boolean {
  return !dim.branches || dim.branches.has(b);
}

function buildDim(name: RunConfigKey, spec: ParamSpec): Dim {
  const base = { name, spec };
  const num = (log: boolean, prior: Prior, q: number | null = null, integer: NumericDim["integer"] = null): Dim => {
    const [lo, hi] =
      prior.type === "uniform"
        ? [prior.lo, prior.hi]
        : prior.type === "normal"
          ? [prior.mu - 4 * prior.sigma, prior.mu + 4 * prior.sigma]
          : [0, 1];
    const range = supportRange(spec);
    const fallback = range ? (range.lo + range.hi) / 2 : (centreValue(spec) ?? 0);
    const dim: NumericDim = { ...base, kind: "numeric", log, prior, lo, hi, bounded: prior.type !== "normal", integer, q, fallback };
    dim.fallback = fromInternal(dim, toInternal(dim, fallback)) as number;
    if (!isValid(dim, dim.fallback)) dim.fallback = range ? range.lo : dim.fallback;
    return dim;
  };
  const ln = Math.log;
  switch (spec.distribution) {
    case "constant":
      return { ...base, kind: "constant", value: spec.value };
    case "categorical":
      return { ...base, kind: "categorical", values: spec.values, probabilities: null };
    case "categorical_w_probabilities":
      return { ...base, kind: "categorical", values: spec.values, probabilities: spec.probabilities };
    case "int_uniform":
      return num(false, { type: "uniform", lo: spec.min - 0.5, hi: spec.max + 0.5 }, null, { min: spec.min, max: spec.max });
    case "uniform":
      return num(false, { type: "uniform", lo: spec.min, hi: spec.max });
    case "q_uniform":
      return num(false, { type: "uniform", lo: spec.min, hi: spec.max }, spec.q);
    case "log_uniform":
      return num(true, { type: "uniform", lo: spec.min, hi: spec.max });
    case "q_log_uniform":
      return num(true, { type: "uniform", lo: spec.min, hi: spec.max }, spec.q);
    case "log_uniform_values":
    case "inv_log_uniform_values": // exp(-u), u ~ U[-ln max, -ln min]: the same law as log_uniform_values
      return num(true, { type: "uniform", lo: ln(spec.min), hi: ln(spec.max) });
    case "q_log_uniform_values":
      return num(true, { type: "uniform", lo: ln(spec.min), hi: ln(spec.max) }, spec.q);
    case "inv_log_uniform": // exp(-u), u ~ U[min, max]
      return num(true, { type: "uniform", lo: -spec.max, hi: -spec.min });
    case "normal":
      return num(false, { type: "normal", mu: spec.mu, sigma: spec.sigma });
    case "q_normal":
      return num(false, { type: "normal", mu: spec.mu, sigma: spec.sigma }, spec.q);
    case "log_normal":
      return num(true, { type: "normal", mu: spec.mu, sigma: spec.sigma });
    case "q_log_normal":
      return num(true, { type: "normal", mu: spec.mu, sigma: spec.sigma }, spec.q);
    case "beta":
      return num(false, { type: "beta", a: spec.a, b: spec.b });
    case "q_beta":
      return num(false, { type: "beta", a: spec.a, b: spec.b }, spec.q);
  }
}

export function isLogScaled(dim: Dim): boolean {
  return LOG_SCALED.has(dim.spec.distribution);
}

/** Internal coordinate → parameter value (exp for log scale, then integer rounding or quantisation). */
export function fromInternal(dim: NumericDim, t: number): number {
  let v = dim.log ? Math.exp(t) : t;
  // a range's end is its value as written (0.0003, not exp(ln 0.0003) = 0.0003000000000000001)
  if (dim.log && dim.prior.type === "uniform" && (t === dim.prior.lo || t === dim.prior.hi)) {
    const range = supportRange(dim.spec);
    if (range) v = t === dim.prior.lo ? range.lo : range.hi;
  }
  if (dim.integer) v = Math.min(dim.integer.max, Math.max(dim.integer.min, Math.round(v)));
  if (dim.q !== null) v = quantize(v, dim.q);
  return v;
}

export function toInternal(dim: NumericDim, value: number): number {
  return dim.log ? Math.log(Math.max(value, 1e-300)) : value;
}

/** Whether a value may be proposed: a valid RunConfig value for engine parameters; anything finite for free-named (W&B-level) ones. */
export function isValid(dim: Dim, value: unknown): boolean {
  if (!isRunConfigKey(dim.name)) return typeof value !== "number" || Number.isFinite(value);
  return runConfigValueProblem(dim.name, value) === null;
}

/** Index of `value` among a categorical's values (deep equality), or -1. */
export function categoryIndex(dim: Extract<Dim, { kind: "categorical" }>, value: unknown): number {
  const key = JSON.stringify(value);
  return dim.values.findIndex((v) => JSON.stringify(v) === key);
}

/** Draw from a prior in internal coordinates. */
export function samplePrior(prior: Prior, rng: Rng): number {
  switch (prior.type) {
    case "uniform":
      return prior.lo + rng.next() * (prior.hi - prior.lo);
    case "normal":
      return prior.mu + prior.sigma * rng.normal();
    case "beta": {
      const x = sampleGamma(prior.a, rng);
      const y = sampleGamma(prior.b, rng);
      return x + y > 0 ? x / (x + y) : 0.5;
    }
  }
}

/** Marsaglia–Tsang gamma sampler (shape k, scale 1). */
function sampleGamma(k: number, rng: Rng): number {
  if (k <= 0) return 0;
  if (k < 1) return sampleGamma(k + 1, rng) * Math.pow(rng.next() || 1e-12, 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = Math.pow(1 + c * x, 3);
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(u || 1e-300) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A numeric value drawn by `draw` (internal coordinate), redrawn while RunConfig rejects it (truncates unbounded laws). */
export function drawValid(dim: NumericDim, draw: () => number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const v = fromInternal(dim, draw());
    if (Number.isFinite(v) && isValid(dim, v)) return v;
  }
  return dim.fallback;
}

/** One value from a dimension's own distribution (W&B's random search). */
export function sampleDim(dim: Dim, rng: Rng): unknown {
  switch (dim.kind) {
    case "constant":
      return dim.value;
    case "categorical": {
      if (!dim.probabilities) return dim.values[rng.int(dim.values.length)];
      const u = rng.next();
      let acc = 0;
      for (let i = 0; i < dim.values.length; i++) {
        acc += dim.probabilities[i];
        if (u < acc) return dim.values[i];
      }
      return dim.values[dim.values.length - 1];
    }
    case "numeric":
      return drawValid(dim, () => samplePrior(dim.prior, rng));
  }
}

/** A configuration drawn from the space's own distributions; in a tree space the branch first, then what exists in it. */
export function sampleParams(space: readonly Dim[], rng: Rng): Params {
  const params: Params = {};
  if (isTreeSpace(space)) {
    const b = sampleDim(space[0], rng) as number;
    for (const dim of space.slice(1)) if (isActive(dim, b)) params[dim.name] = sampleDim(dim, rng);
    return params;
  }
  for (const dim of space) params[dim.name] = sampleDim(dim, rng);
  return params;
}
