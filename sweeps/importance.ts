import { branchLabel, hasChoices, LOG_SCALED, parameterNames, sweepBranches, valueKey, type SweepConfig } from "./config.ts";
import { makeRng, type Rng } from "./rng.ts";
import { cholesky, choleskySolve, fitGp, gpObjective, matern, type GpHyper } from "./search/gp.ts";
import { pearson, quantile, ranks } from "./stats.ts";

export { pearson, ranks };

// Parameter importance for the sweep page, meant to say something from a handful of runs
// (6–30 is the common sweep; past MAX_MODELLED configurations the model takes a sample of
// them). Seed replicates are one configuration (their mean). A positive
// metric spanning a decade or more is taken in logs (a loss 200× worse is ln 200 away), a
// Gaussian process with one length scale per input (search/gp.ts) models the configurations,
// and each parameter's importance is its main effect in the functional ANOVA of that model
// (as fANOVA, Hutter et al. 2014, on a forest): the variance, over the parameter's values, of
// the model averaged over the other parameters' observed values, as a share of the model's
// variance; a pair's interaction is what the two explain together beyond their main effects.
// These are taken over draws of the model from its posterior given all the configurations
// (its hyperparameters, then its function), as fANOVA takes them over its forest's trees: the
// importance is the draws' median, the interval their 10th to 90th percentile, and how often
// each parameter ranks first its share of the draws: one distribution, so the point lies in its
// interval. (Refits on two-thirds of the configurations, around the fit on all of them, put an
// 8-run sweep's learning_rate at 5–44% beside its 63%: with fewer runs the GP's priors pull the
// parameters' effects together.) Correlations (Pearson in log space for log-scaled
// parameters, Spearman) are given beside, on the configurations' mean values. Pure and seeded.

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
  /** main-effect share of the model's variance (0..1), the median over its posterior draws; one varied parameter: the share of the runs' variance between its values */
  importance: number;
  /** 10th and 90th percentile of the main-effect share over the model's posterior draws (so it holds `importance`, their median); null below MIN_INTERVAL configurations */
  interval: [number, number] | null;
  /** share of the posterior draws in which this parameter has the largest main effect; null below MIN_INTERVAL configurations */
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
  /** draws of the model's hyperparameters from their posterior (default 32, fewer from 16 configurations), each with FUNCTION_DRAWS draws of its function */
  draws?: number;
}

/**
 * More configurations than this: the model is fitted to a seeded sample of this many (the
 * correlations take them all). A posterior draw costs n³: a 200-configuration sweep took
 * minutes, in the server's one thread, where 40 take about a second (`npm run bench -- search`).
 */
export const MAX_MODELLED = 40;

/** `k` of 0..n−1, a seeded sample without replacement, in order. */
function sampleIndices(n: number, k: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

/**
 * Fewer configurations than this: the importance (the draws' median) but no interval or rank
 * share: from 5 configurations the draws say more about the GP's priors than about the sweep.
 */
export const MIN_INTERVAL = 6;

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
  // (a run without the parameter: valueKey's "undefined", which is no JSON)
  if (key === "undefined") return "(not set)";
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

/** Each group's columns in the model input. */
function columnsOf(groups: readonly Group[]): number[][] {
  let offset = 0;
  return groups.map((g) => {
    const cols = Array.from({ length: g.columns.length }, (_, k) => offset + k);
    offset += g.columns.length;
    return cols;
  });
}

// ── Posterior draws of the model ────────────────────────────────────────────────────────

/** function draws per hyperparameter draw (cheap next to a hyperparameter draw) */
const FUNCTION_DRAWS = 8;
/** random Fourier features of a prior draw */
const FEATURES = 256;
/** slice-sampling sweeps before the first hyperparameter draw kept, and between two kept; unit steps out at most */
const BURN_IN = 8;
const THIN = 2;
const STEPS_OUT = 16;

/**
 * Draws from the posterior of the GP's hyperparameters given (x, y standardised): the log
 * marginal likelihood and priors that fitGp maximises, slice-sampled one coordinate at a time
 * (Neal 2003, stepping out from a unit width in logs) from its optimum `start`. From a handful
 * of configurations the length scales are what is least known: a parameter the optimum calls
 * flat may matter under length scales nearly as likely. Noisy runs often leave two modes, the
 * noise read as wiggles (short length scales, little noise) or as noise, between which single
 * coordinates seldom pass; after each sweep a Metropolis move jumps by ±(other − start) to
 * the other optimum's side (a symmetric proposal, Tjelmeland & Hegstad 2001).
 */
function hyperDraws(x: number[][], y: number[], start: GpHyper, other: GpHyper, count: number, rng: Rng): GpHyper[] {
  const pack = (h: GpHyper) => [...h.logLength, h.logSignal, h.logNoise];
  const unpack = (v: readonly number[]): GpHyper => ({ logLength: v.slice(0, -2), logSignal: v[v.length - 2], logNoise: v[v.length - 1] });
  const v = pack(start);
  const jump = pack(other).map((u, k) => u - v[k]);
  const logPosterior = (d: number, value: number) => gpObjective(x, y, unpack(v.map((u, k) => (k === d ? value : u))))?.value ?? -Infinity;
  let current = logPosterior(0, v[0]);
  const draws: GpHyper[] = [];
  for (let sweep = 0; draws.length < count; sweep++) {
    for (let d = 0; d < v.length; d++) {
      const level = current + Math.log(1 - rng.next());
      let lo = v[d] - rng.next();
      let hi = lo + 1;
      let left = Math.floor(STEPS_OUT * rng.next());
      let right = STEPS_OUT - 1 - left;
      while (left-- > 0 && logPosterior(d, lo) > level) lo -= 1;
      while (right-- > 0 && logPosterior(d, hi) > level) hi += 1;
      while (hi - lo > 1e-6) {
        const candidate = lo + (hi - lo) * rng.next();
        const value = logPosterior(d, candidate);
        if (value > level) {
          v[d] = candidate;
          current = value;
          break;
        }
        if (candidate < v[d]) lo = candidate;
        else hi = candidate;
      }
    }
    if (jump.some((u) => Math.abs(u) > 0.1)) {
      const sign = rng.next() < 0.5 ? 1 : -1;
      const proposal = v.map((u, k) => u + sign * jump[k]);
      const value = gpObjective(x, y, unpack(proposal))?.value ?? -Infinity;
      if (Math.log(1 - rng.next()) < value - current) {
        v.splice(0, v.length, ...proposal);
        current = value;
      }
    }
    if (sweep >= BURN_IN && (sweep - BURN_IN) % THIN === 0) draws.push(unpack(v));
  }
  return draws;
}

/** search/gp.ts's kernel (Matérn 5/2) with its signal variance, at the squared scaled distance r². */
const kernel = (signal: number, r2: number) => signal * matern(Math.sqrt(r2));

/**
 * `count` draws of each effect set's share of the model's variance, the GP (hyperparameters h)
 * conditioned on the configurations X (unit cube) and their metric y (standardised, as fitGp
 * holds it); null when its covariance is singular. A draw f comes by pathwise conditioning
 * (Wilson et al. 2020): a prior draw f̃ from random Fourier features of the kernel (Rahimi &
 * Recht 2007; Matérn 5/2's spectrum is a Student t with 5 degrees of freedom), moved to the
 * data by f = f̃ + k(·, X) (K + σ²I)⁻¹ (y − f̃(X) − ε). A set S's share is var_j E_S(j) / var_j f(x_j),
 * where E_S(j) = mean_i f(x_i with S's columns as in x_j): the other parameters averaged over
 * their observed values. Both terms of f average over x_i without visiting the n² points: a
 * feature is Re e^{iτ} Π_d e^{iω_d x_d}, and the data term's kernel means are tabulated once.
 */
export function effectShareDraws(X: number[][], y: readonly number[], h: GpHyper, sets: number[][], count: number, rng: Rng): number[][] | null {
  const n = X.length;
  const dims = X[0].length;
  const signal = Math.exp(h.logSignal);
  const noise = Math.exp(h.logNoise);
  const invLength2 = h.logLength.map((v) => Math.exp(-2 * v));
  // squared scaled distances split by column: r² between (x_i with S as in x_j) and x_c is inS[j, c] + outS[i, c]
  const partial = (inPart: (d: number) => boolean) => {
    const out = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let c = 0; c < n; c++) for (let d = 0; d < dims; d++) if (inPart(d)) out[a * n + c] += (X[a][d] - X[c][d]) ** 2 * invLength2[d];
    return out;
  };
  const whole = partial(() => true);
  const kxx = whole.map((r2) => kernel(signal, r2));
  const l = cholesky(kxx.map((v, i) => (i % (n + 1) === 0 ? v + noise + 1e-9 : v)), n);
  if (!l) return null;
  // data term: kBar_S[j, c] = mean_i k(x_i with S as in x_j, x_c)
  const kBars = sets.map((set) => {
    const inS = partial((d) => set.includes(d));
    const outS = partial((d) => !set.includes(d));
    const kBar = new Float64Array(n * n);
    for (let j = 0; j < n; j++)
      for (let c = 0; c < n; c++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += kernel(signal, inS[j * n + c] + outS[i * n + c]);
        kBar[j * n + c] = sum / n;
      }
    return kBar;
  });
  // prior term: frequencies ω = z/ℓ · √(5/u), u ~ χ²₅, phases τ; e^{iω_d x_jd} per column
  const L = FEATURES;
  const omega = Array.from({ length: L }, () => {
    let u = 0;
    for (let k = 0; k < 5; k++) u += rng.normal() ** 2;
    const scale = Math.sqrt(5 / u);
    return invLength2.map((il2) => rng.normal() * Math.sqrt(il2) * scale);
  });
  const tau = Array.from({ length: L }, () => 2 * Math.PI * rng.next());
  const cos = new Float64Array(L * n * dims);
  const sin = new Float64Array(L * n * dims);
  for (let q = 0; q < L; q++)
    for (let j = 0; j < n; j++)
      for (let d = 0; d < dims; d++) {
        cos[(q * n + j) * dims + d] = Math.cos(omega[q][d] * X[j][d]);
        sin[(q * n + j) * dims + d] = Math.sin(omega[q][d] * X[j][d]);
      }
  /** ψ_S[j, q] = Re e^{iτ_q} Π_{d∈S} e^{iω_qd x_jd} · mean_i Π_{d∉S} e^{iω_qd x_id}: feature q averaged as E_S(j) averages */
  const features = (set: number[]): Float64Array => {
    const rest = Array.from({ length: dims }, (_, d) => d).filter((d) => !set.includes(d));
    const out = new Float64Array(n * L);
    for (let q = 0; q < L; q++) {
      let meanRe = 0, meanIm = 0;
      for (let i = 0; i < n; i++) {
        let re = 1, im = 0;
        for (const d of rest) {
          const o = (q * n + i) * dims + d;
          const next = re * cos[o] - im * sin[o];
          im = re * sin[o] + im * cos[o];
          re = next;
        }
        meanRe += re / n;
        meanIm += im / n;
      }
      for (let j = 0; j < n; j++) {
        let re = Math.cos(tau[q]), im = Math.sin(tau[q]);
        for (const d of set) {
          const o = (q * n + j) * dims + d;
          const next = re * cos[o] - im * sin[o];
          im = re * sin[o] + im * cos[o];
          re = next;
        }
        out[j * L + q] = re * meanRe - im * meanIm;
      }
    }
    return out;
  };
  const phiX = features(Array.from({ length: dims }, (_, d) => d));
  const psis = sets.map(features);
  const amplitude = Math.sqrt((2 * signal) / L);
  const variance = (xs: ArrayLike<number>) => {
    let mean = 0, sq = 0;
    for (let j = 0; j < xs.length; j++) mean += xs[j] / xs.length;
    for (let j = 0; j < xs.length; j++) sq += (xs[j] - mean) ** 2 / xs.length;
    return sq;
  };
  /** A v + Φ w, row by row (A: n × n, Φ: n × L) */
  const evaluate = (a: Float64Array, phi: Float64Array, v: Float64Array, w: Float64Array) =>
    Float64Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[j * n + c] * v[c];
      for (let q = 0; q < L; q++) s += phi[j * L + q] * w[q];
      return s;
    });
  const draws: number[][] = [];
  const zero = new Float64Array(n);
  for (let r = 0; r < count; r++) {
    const w = Float64Array.from({ length: L }, () => amplitude * rng.normal());
    const priorX = evaluate(kxx, phiX, zero, w);
    const v = choleskySolve(l, n, priorX.map((f, j) => y[j] - f - Math.sqrt(noise) * rng.normal()));
    const total = variance(evaluate(kxx, phiX, v, w));
    draws.push(sets.map((_, s) => (total > 1e-12 ? Math.min(1, variance(evaluate(kBars[s], psis[s], v, w)) / total) : 0)));
  }
  return draws;
}

/**
 * Draws of each set's share (effectShareDraws) over the model's posterior given all the
 * configurations: `hyperCount` hyperparameter draws (default: 32 up to 15 configurations,
 * then fewer, to 12 from 40: the posterior narrows as they grow, and a draw costs n³), and
 * FUNCTION_DRAWS functions each. Empty when the metric does not vary.
 */
function effectDraws(X: number[][], y: readonly number[], sets: number[][], hyperCount: number | undefined, rng: Rng): number[][] {
  const scaled = metricScale(y);
  if (new Set(scaled).size < 2) return [];
  const gp = fitGp(X, scaled, rng, 0);
  // the optimum from smooth and noisy: long length scales, a third of the variance noise
  const other = fitGp(X, scaled, rng, 0, { logLength: X[0].map(() => 0), logSignal: 0, logNoise: Math.log(0.3) }).hyper;
  const count = hyperCount ?? Math.max(12, Math.min(32, Math.round(480 / X.length)));
  return hyperDraws(gp.x, gp.y, gp.hyper, other, count, rng).flatMap((h) => effectShareDraws(gp.x, gp.y, h, sets, FUNCTION_DRAWS, rng) ?? []);
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
  /** the share of the model's variance the pair explains beyond their two main effects (the median over its posterior draws) */
  share: number;
}

export interface ImportanceResult {
  params: ParamImportance[];
  /** a model was fitted to a seeded sample of MAX_MODELLED configurations, of more (the correlations take all) */
  sampled: boolean;
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
  if (groups.length === 0) return { params: [], interactions: [], sampled: false };
  const X = configs.map((_, i) => groups.flatMap((g) => g.columns.map((c) => c.unit[i])));
  const rng = makeRng(options.seed ?? 0, 0x1f0e57);
  const n = configs.length;
  // One varied parameter: a model would credit it with all of its own variance whatever the
  // noise, so its importance is the share of the runs' variance between its configurations
  // (η², on normal scores): seed replicates then say how much is just noise.
  const single = groups.length === 1;
  const cols = columnsOf(groups);
  // the sets of columns whose shares are drawn: each parameter, then each pair (of two
  // parameters, the pair is every column: its share is 1)
  const pairs: [number, number][] = [];
  for (let a = 0; a < groups.length; a++) for (let b = a + 1; b < groups.length; b++) pairs.push([a, b]);
  const sets = groups.length > 2 ? [...cols, ...pairs.map(([a, b]) => [...cols[a], ...cols[b]])] : cols;
  // the model's configurations: all of them, or a sample of MAX_MODELLED
  const kept = n > MAX_MODELLED ? sampleIndices(n, MAX_MODELLED, rng) : null;
  const draws = !single && n >= 3 ? effectDraws(kept ? kept.map((i) => X[i]) : X, kept ? kept.map((i) => y[i]) : y, sets, options.draws, rng) : [];
  const median = (xs: number[]) => quantile(xs, 0.5);
  const point = single ? [betweenShare(runs, names)] : groups.map((_, gi) => (draws.length > 0 ? median(draws.map((d) => d[gi])) : 0));
  const interactions: Interaction[] = [];
  if (draws.length > 0)
    pairs.forEach(([a, b], p) => {
      const share = median(draws.map((d) => (groups.length > 2 ? d[groups.length + p] : 1) - d[a] - d[b]));
      if (share >= 0.05) interactions.push({ params: [groups[a].param, groups[b].param], share });
    });
  interactions.sort((p, q) => q.share - p.share);
  const shown = n >= MIN_INTERVAL ? draws : [];
  const firsts = groups.map((_, gi) => (shown.length === 0 ? null : shown.filter((d) => d[gi] > 0 && d.slice(0, groups.length).every((v) => v <= d[gi])).length / shown.length));

  const rows = groups.map((g, gi): ParamImportance => {
    let col = g.columns[0];
    if (!g.numeric) {
      const r = (c: Column) => Math.abs(pearson(c.x, y) ?? 0);
      col = g.columns.reduce((a, b) => (r(b) > r(a) ? b : a));
    }
    const mine = shown.map((d) => d[gi]);
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
  return { params: rows, interactions, sampled: kept !== null };
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
  let sampled = top.sampled;
  for (const b of branches) {
    const mine = runs.filter((r) => b.when.every(([k, v]) => valueKey(r.params[k]) === valueKey(v)));
    const varied = Object.keys(b.specs).filter((k) => b.specs[k].distribution !== "constant");
    if (varied.length === 0) continue;
    const inBranch = analyzeImportance(mine, { ...options, config: { ...config, parameters: Object.fromEntries(varied.map((k) => [k, b.specs[k]])) } });
    const label = branchLabel(b);
    params.push(...inBranch.params.map((p) => ({ ...p, branch: label })));
    interactions.push(...inBranch.interactions);
    sampled ||= inBranch.sampled;
  }
  return { params, interactions, sampled };
}
