import type { Rng } from "../rng.ts";
import {
  branchIndexOf,
  isActive,
  isTreeSpace,
  categoryIndex,
  drawValid,
  samplePrior,
  sampleParams,
  toInternal,
  type Dim,
  type NumericDim,
  type Params,
} from "./space.ts";
import { observeTrials } from "./observe.ts";
import type { SearchStrategy } from "./types.ts";
import { normCdf } from "../stats.ts";

// Bayesian search with a multivariate Tree-structured Parzen Estimator (Bergstra et al. 2011;
// the multivariate form as in optuna). Past runs are split into the best gamma share ("good")
// and the rest ("bad"); each group becomes a Parzen mixture — one kernel per run plus the
// prior — over the internal coordinates (log space for log-scaled parameters, indices for
// categoricals). Candidates are drawn from the good mixture and the one maximising
// l(x) / g(x) is proposed. Failed, diverged, crashed and pruned runs are scored as observe.ts
// says (the worst value, unless metric.impute says otherwise). Selectable with
// `bayes_model: tpe`; the default bayes model is the Gaussian process (gp-search.ts).

export const TPE = {
  /** random proposals until this many runs have a result */
  startupTrials: 10,
  candidates: 32,
  /** share of observations in the good group (at least 1, at most 25 runs) */
  gamma: 0.2,
  /** kernel width factor (× range × n^(-1/(d+4))) */
  bandwidth: 0.2,
};

interface Observation {
  /** per dimension: internal coordinate (numeric) or category index; NaN for constants */
  x: number[];
  /** lower is better; +Infinity for failures */
  y: number;
}

/** The TPE proposal (method: bayes with bayes_model: tpe). Random until TPE.startupTrials runs have a result. */
export const tpeSearch: SearchStrategy = (ctx) => {
  const observations = observeTrials(ctx).observed.flatMap((o) => {
    const x = encode(ctx.space, o.params);
    return x ? [{ x, y: o.y }] : [];
  });
  const finite = observations.filter((o) => Number.isFinite(o.y)).length;
  if (observations.length < TPE.startupTrials || finite === 0) return sampleParams(ctx.space, ctx.rng);
  return proposeTpe(ctx.space, observations, ctx.rng);
};

// A tree space (space.ts) is the tree of the estimator's name: a dimension absent from a run's
// branch is NaN in its x, so the run's kernel says nothing about it (its component falls back
// to the prior there) and a candidate is scored only on the dimensions of its own branch.

function encode(space: readonly Dim[], params: Params): number[] | null {
  const x: number[] = [];
  const b = branchIndexOf(space, params);
  if (b < 0) return null;
  for (const dim of space) {
    const v = isTreeSpace(space) && dim === space[0] ? b : params[dim.name];
    if (dim.kind === "constant" || !isActive(dim, b)) x.push(NaN);
    else if (dim.kind === "categorical") {
      const i = categoryIndex(dim, v);
      if (i < 0) return null; // a run from another search space: ignore it
      x.push(i);
    } else {
      if (typeof v !== "number" || !Number.isFinite(v)) return null;
      x.push(toInternal(dim, v));
    }
  }
  return x;
}

// --- Parzen mixtures ------------------------------------------------------------------------

interface Mixture {
  /** kernel centres: one row per component; row 0 is the prior */
  centres: (number[] | null)[];
  /** per numeric dimension: kernel width of the observation components */
  sigma: number[];
  /** per categorical dimension and component: log-probabilities of each category */
  catLogP: number[][][];
}

function buildMixture(space: readonly Dim[], group: Observation[]): Mixture {
  const n = group.length;
  const d = space.filter((s) => s.kind !== "constant").length;
  const sigma = space.map((dim) => {
    if (dim.kind !== "numeric") return NaN;
    const range = dim.hi - dim.lo;
    const s = TPE.bandwidth * range * Math.pow(n + 1, -1 / (d + 4));
    return Math.min(range, Math.max(range / Math.min(100, n + 1), s));
  });
  const catLogP = space.map((dim) => {
    if (dim.kind !== "categorical") return [];
    const k = dim.values.length;
    const prior = dim.probabilities ?? new Array(k).fill(1 / k);
    const rows = [prior.map((p) => Math.log(Math.max(p, 1e-12)))];
    const w = 1 / (n + 1); // smoothing towards the prior, as optuna's prior_weight / n
    for (const o of group) {
      const c = o.x[space.indexOf(dim)];
      rows.push(prior.map((p, j) => Math.log((w * k * p + (j === c ? 1 : 0)) / (w * k + 1))));
    }
    return rows;
  });
  return { centres: [null, ...group.map((o) => o.x)], sigma, catLogP };
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log density of component j of the mixture at x */
function componentLogPdf(space: readonly Dim[], m: Mixture, j: number, x: number[]): number {
  let lp = 0;
  for (let i = 0; i < space.length; i++) {
    const dim = space[i];
    if (dim.kind === "constant" || Number.isNaN(x[i])) continue;
    if (dim.kind === "categorical") {
      lp += m.catLogP[i][j][x[i]];
      continue;
    }
    const centre = m.centres[j];
    let mu: number, s: number;
    if (centre === null || Number.isNaN(centre[i])) {
      if (dim.prior.type === "normal") [mu, s] = [dim.prior.mu, dim.prior.sigma];
      else [mu, s] = [(dim.lo + dim.hi) / 2, dim.hi - dim.lo];
    } else [mu, s] = [centre[i], m.sigma[i]];
    s = Math.max(s, 1e-12);
    const z = (x[i] - mu) / s;
    lp += -0.5 * z * z - Math.log(s) - LOG_SQRT_2PI;
    if (dim.bounded) lp -= Math.log(Math.max(normCdf((dim.hi - mu) / s) - normCdf((dim.lo - mu) / s), 1e-300));
  }
  return lp;
}

function mixtureLogPdf(space: readonly Dim[], m: Mixture, x: number[]): number {
  const terms = m.centres.map((_, j) => componentLogPdf(space, m, j, x));
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0)) - Math.log(terms.length);
}

/** Draw one point from component j (in internal coordinates). */
function sampleComponent(space: readonly Dim[], m: Mixture, j: number, rng: Rng): number[] {
  const x = space.map((dim, i) => {
    if (dim.kind === "constant") return NaN;
    if (dim.kind === "categorical") return sampleLogP(m.catLogP[i][j], rng);
    const centre = m.centres[j];
    const draw =
      centre === null || Number.isNaN(centre[i])
        ? () => samplePrior(dim.prior.type === "beta" ? { type: "uniform", lo: 0, hi: 1 } : dim.prior, rng)
        : () => centre[i] + m.sigma[i] * rng.normal();
    // truncated to the prior's range (and to RunConfig's valid values), by redrawing
    for (let attempt = 0; attempt < 50; attempt++) {
      const t = draw();
      if (!dim.bounded || (t >= dim.lo && t <= dim.hi)) return t;
    }
    return Math.min(dim.hi, Math.max(dim.lo, centre === null || Number.isNaN(centre[i]) ? (dim.lo + dim.hi) / 2 : centre[i]));
  });
  // what the drawn branch does not have is absent
  const b = isTreeSpace(space) ? x[0] : 0;
  return x.map((v, i) => (isActive(space[i], b) ? v : NaN));
}

function sampleLogP(logp: number[], rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  for (let c = 0; c < logp.length; c++) {
    acc += Math.exp(logp[c]);
    if (u < acc) return c;
  }
  return logp.length - 1;
}

function proposeTpe(space: readonly Dim[], observations: Observation[], rng: Rng): Params {
  const sorted = [...observations].sort((a, b) => a.y - b.y);
  const finite = sorted.filter((o) => Number.isFinite(o.y)).length;
  const nGood = Math.max(1, Math.min(25, finite, Math.ceil(TPE.gamma * sorted.length)));
  const good = buildMixture(space, sorted.slice(0, nGood));
  const bad = buildMixture(space, sorted.slice(nGood));

  let best: number[] | null = null;
  let bestScore = -Infinity;
  for (let c = 0; c < TPE.candidates; c++) {
    const j = rng.int(good.centres.length);
    const x = sampleComponent(space, good, j, rng);
    const score = mixtureLogPdf(space, good, x) - mixtureLogPdf(space, bad, x);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  return decode(space, best as number[], rng);
}

function decode(space: readonly Dim[], x: number[], rng: Rng): Params {
  const params: Params = {};
  const tree = isTreeSpace(space);
  const b = tree ? x[0] : 0;
  space.forEach((dim, i) => {
    if ((tree && i === 0) || !isActive(dim, b)) return;
    if (dim.kind === "constant") params[dim.name] = dim.value;
    else if (dim.kind === "categorical") params[dim.name] = dim.values[x[i]];
    else {
      // unbounded laws can land outside RunConfig's range: redraw near the candidate
      let first = true;
      const num = dim as NumericDim;
      params[dim.name] = drawValid(num, () => {
        const t = first ? x[i] : x[i] + 0.1 * (num.hi - num.lo) * rng.normal();
        first = false;
        return t;
      });
    }
  });
  return params;
}
