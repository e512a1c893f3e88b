import { branchLabel, hasChoices, LOG_SCALED, parameterNames, sweepBranches, valueKey, type SweepConfig } from "./config.ts";
import { makeRng, type Rng } from "./rng.ts";
import { fitGp, type GpHyper } from "./search/gp.ts";
import { pearson, quantile, ranks } from "./stats.ts";

export { pearson, ranks };

// Parameter importance for the sweep page, meant to say something from a handful of runs
// (6–30 is the common sweep). Seed replicates are one configuration (their mean). A positive
// metric spanning a decade or more is taken in logs (a loss 200× worse is ln 200 away), a
// Gaussian process with one length scale per input (search/gp.ts) is
// fitted to the configurations, and each parameter's importance is its main effect in the
// functional ANOVA of that model (as fANOVA, Hutter et al. 2014, on a forest): the variance,
// over the parameter's values, of the model averaged over the other parameters' observed
// values, as a share of the model's variance; a pair's interaction is what the two explain
// together beyond their main effects. The uncertainty comes from refitting on random
// two-thirds of the configurations: a 10–90% interval and how often each parameter ranks
// first. Correlations (Pearson in log space for log-scaled parameters, Spearman) are
// given beside, on the configurations' mean values. Pure and seeded.

export interface ImportanceRun {
  params: Record<string, unknown>;
  /** the run's metric value; runs without a finite value are left out */
  value: number | null;
}

export interface ParamImportance {
  param: string;
  /** Pearson correlation with the metric (null when undefined: constant column or < 3 configurations) */
  correlation: number | null;
  /** Spearman rank correlation with the metric */
  spearman: number | null;
  /** main-effect share of the metric's variance (0..1); the shares sum to at most 1, the rest is interactions and noise */
  importance: number;
  /** 10th and 90th percentile of the importance over resamples (random two-thirds of the configurations); null below MIN_RESAMPLED configurations */
  interval: [number, number] | null;
  /** share of the resamples in which this parameter has the largest importance; null below MIN_RESAMPLED configurations */
  rankedFirst: number | null;
  /** categorical parameters: the level whose one-hot column the correlations describe */
  level?: string;
  /** a tree of choices: the runs it was computed over ("all runs", or "optimizer=momentum": that branch's) */
  branch?: string;
}

export interface ImportanceOptions {
  /** the sweep's config: tells which parameters are swept and which are log-scaled */
  config?: SweepConfig;
  seed?: number;
  /** resamples for the interval (default 24) */
  resamples?: number;
}

/** Fewer configurations than this: no resampling (two-thirds of 5 is 3 points, which says nothing). */
export const MIN_RESAMPLED = 6;

export interface Configuration {
  params: Record<string, unknown>;
  /** mean metric value of its runs */
  value: number;
  runs: number;
}

/** Runs with a finite value, seed replicates (same values of `names`) folded into one configuration with their mean. */
export function foldReplicates(runs: readonly ImportanceRun[], names: readonly string[]): Configuration[] {
  const byKey = new Map<string, { params: Record<string, unknown>; sum: number; runs: number }>();
  for (const r of runs) {
    if (r.value === null || !Number.isFinite(r.value)) continue;
    const params = Object.fromEntries(names.map((n) => [n, r.params[n]]));
    const key = valueKey(params);
    const c = byKey.get(key) ?? { params, sum: 0, runs: 0 };
    c.sum += r.value;
    c.runs += 1;
    byKey.set(key, c);
  }
  return [...byKey.values()].map((c) => ({ params: c.params, value: c.sum / c.runs, runs: c.runs }));
}

interface Column {
  param: string;
  level?: string;
  /** raw (for correlations: log-scaled parameters in log space) */
  x: number[];
  /** scaled to [0, 1] for the model */
  unit: number[];
}

interface Group {
  param: string;
  columns: Column[];
  numeric: boolean;
}

/** The swept parameters that vary, as model columns (numeric: one, in log space when log-scaled; categorical: one-hot). */
function groupsOf(configs: readonly Configuration[], names: readonly string[], config?: SweepConfig): Group[] {
  const groups: Group[] = [];
  for (const param of names) {
    const raw = configs.map((c) => c.params[param]);
    const distinct = new Set(raw.map((v) => valueKey(v)));
    if (distinct.size < 2) continue; // constant: says nothing
    if (raw.every((v) => typeof v === "number" && Number.isFinite(v))) {
      const xs = raw as number[];
      const x = isLogScaled(param, xs, config) ? xs.map((v) => Math.log(v)) : xs;
      const lo = Math.min(...x), hi = Math.max(...x);
      groups.push({ param, numeric: true, columns: [{ param, x, unit: x.map((v) => (v - lo) / (hi - lo)) }] });
    } else {
      const levels = [...distinct];
      groups.push({
        param,
        numeric: false,
        columns: levels.map((lv) => {
          const x = raw.map((v) => (valueKey(v) === lv ? 1 : 0));
          return { param, level: levelName(lv), x, unit: x };
        }),
      });
    }
  }
  return groups;
}

function levelName(key: string): string {
  const v: unknown = JSON.parse(key);
  return typeof v === "string" ? v : key;
}

function isLogScaled(param: string, xs: number[], config?: SweepConfig): boolean {
  const spec = config && sweepBranches(config).find((b) => param in b.specs)?.specs[param];
  if (spec) return LOG_SCALED.has(spec.distribution);
  // without a config: positive values spanning two decades or more
  const min = Math.min(...xs);
  return min > 0 && Math.max(...xs) / min >= 100;
}

/**
 * The metric on the scale its differences mean something: logs for a positive metric that
 * spans a decade or more (a loss 200× worse is ln 200 away, not 200 times farther than one
 * 2× worse), as it is otherwise.
 */
function metricScale(y: readonly number[]): number[] {
  const positive = y.every((v) => v > 0);
  return positive && Math.max(...y) / Math.min(...y) >= 10 ? y.map(Math.log) : [...y];
}

interface Fitted {
  /** model prediction */
  f: (p: number[]) => number;
  /** the observed configurations: the law the other parameters are averaged over */
  background: number[][];
  /** the model's variance over the background */
  total: number;
  /** each group's columns in the model input */
  cols: number[][];
  hyper: GpHyper;
}

/** A GP fitted to rows `idx` of the design (X: model inputs per configuration, y: metric), or null when there is nothing to model. */
function fitModel(groups: Group[], X: number[][], y: number[], idx: number[], rng: Rng, start?: GpHyper): Fitted | null {
  const yy = metricScale(idx.map((i) => y[i]));
  if (new Set(yy).size < 2) return null;
  const gp = fitGp(idx.map((i) => X[i]), yy, rng, 0, start);
  const f = (p: number[]) => gp.predict(p).mean;
  const background = [...new Set(idx)].map((i) => X[i]);
  const fitted = background.map(f);
  const mean = fitted.reduce((a, b) => a + b, 0) / fitted.length;
  const total = fitted.reduce((s, v) => s + (v - mean) ** 2, 0) / fitted.length;
  let offset = 0;
  const cols = groups.map((g) => {
    const c = Array.from({ length: g.columns.length }, (_, k) => offset + k);
    offset += g.columns.length;
    return c;
  });
  return { f, background, total, cols, hyper: gp.hyper };
}

/**
 * The variance, over the observed settings of the columns `cols` (each configuration's, repeats
 * kept: their empirical law), of the model averaged over the background: the functional-ANOVA
 * effect of those parameters together, as a share of the model's variance.
 */
function effectShare(m: Fitted, cols: number[]): number {
  if (!(m.total > 1e-12)) return 0;
  const effects = m.background.map((setting) => {
    let sum = 0;
    for (const b of m.background) {
      const p = [...b];
      for (const c of cols) p[c] = setting[c];
      sum += m.f(p);
    }
    return sum / m.background.length;
  });
  const mean = effects.reduce((a, b) => a + b, 0) / effects.length;
  return Math.min(1, effects.reduce((s, e) => s + (e - mean) ** 2, 0) / effects.length / m.total);
}

/** η² of the runs' metric (metricScale) between configurations (same values of `names`): 0 when every run is its own configuration and they agree. */
function betweenShare(runs: readonly ImportanceRun[], names: readonly string[]): number {
  const kept = runs.filter((r): r is ImportanceRun & { value: number } => r.value !== null && Number.isFinite(r.value));
  if (kept.length < 2) return 0;
  const z = metricScale(kept.map((r) => r.value));
  const groups = new Map<string, number[]>();
  kept.forEach((r, i) => {
    const key = valueKey(Object.fromEntries(names.map((k) => [k, r.params[k]])));
    groups.set(key, [...(groups.get(key) ?? []), z[i]]);
  });
  if (groups.size < 2) return 0;
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const total = z.reduce((s, v) => s + (v - mean) ** 2, 0);
  let between = 0;
  for (const g of groups.values()) between += g.length * (g.reduce((a, b) => a + b, 0) / g.length - mean) ** 2;
  return total > 0 ? between / total : 0;
}

export interface Interaction {
  params: [string, string];
  /** the share of the metric's variance the pair explains beyond their two main effects */
  share: number;
}

export interface ImportanceResult {
  params: ParamImportance[];
  /** pairs whose joint effect exceeds their main effects by 5% of the variance or more, largest first */
  interactions: Interaction[];
}

export function parameterImportance(runs: readonly ImportanceRun[], options: ImportanceOptions = {}): ParamImportance[] {
  return analyzeImportance(runs, options).params;
}

export function analyzeImportance(runs: readonly ImportanceRun[], options: ImportanceOptions = {}): ImportanceResult {
  const names = options.config
    ? // (a program's nested parameters are swept, and stored, under dotted names)
      hasChoices(options.config.parameters)
      ? Object.keys(options.config.parameters)
      : parameterNames(options.config)
    : [...new Set(runs.flatMap((r) => Object.keys(r.params)))].filter((k) => k !== "seed");
  const configs = foldReplicates(runs, names);
  const y = configs.map((c) => c.value);
  const groups = groupsOf(configs, names, options.config);
  if (groups.length === 0) return { params: [], interactions: [] };
  const X = configs.map((_, i) => groups.flatMap((g) => g.columns.map((c) => c.unit[i])));
  const rng = makeRng(options.seed ?? 0, 0x1f0e57);
  const n = configs.length;
  // One varied parameter: a model would credit it with all of its own variance whatever the
  // noise, so its importance is the share of the runs' variance between its configurations
  // (η², on normal scores): seed replicates then say how much is just noise.
  const single = groups.length === 1;
  const enough = !single && n >= 3;
  const full = enough ? fitModel(groups, X, y, Array.from({ length: n }, (_, i) => i), rng) : null;
  const point = single ? [betweenShare(runs, names)] : full ? full.cols.map((c) => effectShare(full, c)) : groups.map(() => 0);
  const interactions: Interaction[] = [];
  if (full)
    for (let a = 0; a < groups.length; a++)
      for (let b = a + 1; b < groups.length; b++) {
        const share = effectShare(full, [...full.cols[a], ...full.cols[b]]) - point[a] - point[b];
        if (share >= 0.05) interactions.push({ params: [groups[a].param, groups[b].param], share });
      }
  interactions.sort((p, q) => q.share - p.share);
  const resamples = !single && n >= MIN_RESAMPLED ? (options.resamples ?? 24) : 0;
  const draws: number[][] = [];
  // Resamples: two thirds of the configurations drawn without replacement (a bootstrap's
  // repeated points would let the GP explain them with no noise at all), each refitted from
  // the full fit's hyperparameters so it finds the nearby optimum, not a stray one.
  const size = Math.max(3, Math.min(n - 1, Math.round((2 * n) / 3)));
  for (let b = 0; b < resamples; b++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const m = fitModel(groups, X, y, order.slice(0, size), rng, full?.hyper);
    draws.push(m ? m.cols.map((c) => effectShare(m, c)) : groups.map(() => 0));
  }
  const firsts = groups.map((_, gi) => (draws.length === 0 ? null : draws.filter((d) => d[gi] > 0 && d[gi] === Math.max(...d)).length / draws.length));

  const rows = groups.map((g, gi): ParamImportance => {
    let col = g.columns[0];
    if (!g.numeric) {
      const r = (c: Column) => Math.abs(pearson(c.x, y) ?? 0);
      col = g.columns.reduce((a, b) => (r(b) > r(a) ? b : a));
    }
    const mine = draws.map((d) => d[gi]);
    const row: ParamImportance = {
      param: g.param,
      correlation: pearson(col.x, y),
      spearman: pearson(ranks(col.x), ranks(y)),
      importance: point[gi],
      interval: mine.length > 0 ? [quantile(mine, 0.1), quantile(mine, 0.9)] : null,
      rankedFirst: firsts[gi],
    };
    if (col.level !== undefined) row.level = col.level;
    return row;
  });
  rows.sort((a, b) => b.importance - a.importance || Math.abs(b.correlation ?? 0) - Math.abs(a.correlation ?? 0) || a.param.localeCompare(b.param));
  return { params: rows, interactions };
}

/**
 * Importance of a tree of choices (sweeps/tree.ts), computed per branch: a sub-parameter only
 * varies among the runs of its branch, so a model over all runs would read its absence as a
 * value. The choices themselves are judged over all runs; each other parameter within the
 * runs of each branch that varies it, and says which (`branch`). A flat sweep: analyzeImportance.
 */
export function analyzeImportanceByBranch(runs: readonly ImportanceRun[], options: ImportanceOptions & { config: SweepConfig }): ImportanceResult {
  const { config } = options;
  const branches = sweepBranches(config);
  if (branches.length <= 1) return analyzeImportance(runs, options);
  const chosen = new Map<string, unknown[]>();
  for (const b of branches) for (const [name, value] of b.when) chosen.set(name, [...new Set([...(chosen.get(name) ?? []), value])]);
  // the choice parameters every run has: over all runs
  const everywhere = [...chosen.keys()].filter((name) => branches.every((b) => name in b.specs));
  const choiceConfig = { ...config, parameters: Object.fromEntries(everywhere.map((n) => [n, { distribution: "categorical" as const, values: chosen.get(n)! }])) };
  const top = analyzeImportance(runs, { ...options, config: choiceConfig });
  const params: ParamImportance[] = top.params.map((p) => ({ ...p, branch: "all runs" }));
  const interactions: Interaction[] = [...top.interactions];
  for (const b of branches) {
    const mine = runs.filter((r) => b.when.every(([k, v]) => valueKey(r.params[k]) === valueKey(v)));
    const varied = Object.keys(b.specs).filter((k) => b.specs[k].distribution !== "constant");
    if (varied.length === 0) continue;
    const inBranch = analyzeImportance(mine, { ...options, config: { ...config, parameters: Object.fromEntries(varied.map((k) => [k, b.specs[k]])) } });
    const label = branchLabel(b);
    params.push(...inBranch.params.map((p) => ({ ...p, branch: label })));
    interactions.push(...inBranch.interactions);
  }
  return { params, interactions };
}
