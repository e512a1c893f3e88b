import type { Rng } from "../rng.ts";
import { normCdf, normQuantile } from "../stats.ts";
import { fitGp, logExpectedImprovement, type Gp } from "./gp.ts";
import { observeTrials } from "./observe.ts";
import { valueKey } from "../config.ts";
import { branchIndexOf, fromInternal, isActive, isTreeSpace, isValid, sampleParams, toInternal, type Dim, type NumericDim, type Params } from "./space.ts";
import type { SearchStrategy } from "./types.ts";

// Bayesian search with a Gaussian process and expected improvement, as W&B's bayes_search.py
// (which fits scikit-learn's GP, Matérn 3/2, and picks the best of 1000 random points by EI),
// with what makes it land closer in the same budget:
//   - inputs in the unit cube through each parameter's own law (uniform in its internal,
//     log-scaled coordinate; CDF for normal laws, as W&B), categoricals one-hot, integer and
//     quantised parameters snapped to the values they can take;
//   - a Matérn-5/2 ARD kernel with MAP hyperparameters (gp.ts);
//   - log EI maximised over random and local candidates, then refined by a shrinking pattern
//     search, so the proposal is the acquisition's optimum rather than the best of a sample;
//   - runs in flight count with the model's prediction (kriging believer), so concurrent
//     proposals spread out;
//   - a proposal that is a run already made or in flight, within a millionth of every range
//     (SAME_POINT), is replaced by EI's best for a real improvement (exploreBy): once the model
//     is sure of its best (a corner optimum, say), plain EI peaks a hair from it, and W&B's bayes
//     then spends run after run there (dropout 0, 4.6e-8, 1.4e-8, … with the same learning rate).

export const GP_SEARCH = {
  /** random proposals until this many runs have a result (W&B: 2) */
  startupTrials: 3,
  candidates: 1024,
  localCandidates: 256,
  refineStarts: 4,
  /** most observations the GP is fitted to (the best third kept, the rest sampled), as W&B caps at 100 */
  maxObservations: 100,
  /** the improvement asked for when EI's best is a run already made, in standardised metric units */
  exploreBy: 0.01,
};

/** Two points of the unit cube are the same run when no coordinate differs by more than this. */
const SAME_POINT = 1e-6;

const samePoint = (a: readonly number[], b: readonly number[]) => a.every((x, i) => Math.abs(x - b[i]) <= SAME_POINT);

// ---- the unit-cube encoding -------------------------------------------------------------------

interface Coord {
  dim: Dim;
  offset: number;
  width: number;
}

export interface Encoding {
  coords: Coord[];
  size: number;
  /** the parameters → unit-cube point, or null (a value from outside this space) */
  encode(params: Params): number[] | null;
  /** the point → parameters, or null when a value is not valid for its field */
  decode(u: readonly number[]): Params | null;
  /** the point snapped to what its parameters can be (integers, multiples of q, one category) */
  canonical(u: readonly number[]): number[] | null;
  random(rng: Rng): number[];
}

const clamp01 = (u: number) => Math.min(1 - 1e-9, Math.max(1e-9, u));

function toUnit(dim: NumericDim, t: number): number {
  switch (dim.prior.type) {
    case "uniform":
      return (t - dim.prior.lo) / (dim.prior.hi - dim.prior.lo);
    case "normal":
      return dim.prior.sigma > 0 ? normCdf((t - dim.prior.mu) / dim.prior.sigma) : 0.5;
    case "beta":
      return t;
  }
}

function fromUnit(dim: NumericDim, u: number): number {
  switch (dim.prior.type) {
    case "uniform":
      return u === 1 ? dim.prior.hi : dim.prior.lo + u * (dim.prior.hi - dim.prior.lo);
    case "normal":
      return dim.prior.mu + dim.prior.sigma * normQuantile(clamp01(u));
    case "beta":
      return u;
  }
}

/**
 * The unit cube of a space. In a tree space (space.ts) the branch is a one-hot block and a
 * dimension absent from a point's branch sits at a fixed place (the middle, or no category):
 * points of one branch then differ only where that branch has parameters, and a length scale
 * learnt on a shared parameter serves every branch that has it.
 */
export function unitEncoding(space: readonly Dim[]): Encoding {
  const coords: Coord[] = [];
  let size = 0;
  for (const dim of space) {
    const width = dim.kind === "constant" ? 0 : dim.kind === "categorical" ? (dim.values.length > 1 ? dim.values.length : 0) : 1;
    coords.push({ dim, offset: size, width });
    size += width;
  }
  const tree = isTreeSpace(space);
  // categorical values by identity; numeric dims whose whole range is valid need no check per point
  const index = new Map(space.filter((d) => d.kind === "categorical").map((d) => [d, new Map(d.values.map((v, i) => [valueKey(v), i]))]));
  const checked = new Set(space.filter((d): d is NumericDim => d.kind === "numeric" && !(d.bounded && isValid(d, fromInternal(d, d.lo)) && isValid(d, fromInternal(d, d.hi)))));
  const encode = (params: Params): number[] | null => {
    const u = new Array<number>(size).fill(0);
    const b = branchIndexOf(space, params);
    if (b < 0) return null;
    for (const { dim, offset, width } of coords) {
      if (width === 0) continue;
      if (!isActive(dim, b)) {
        if (dim.kind === "numeric") u[offset] = 0.5;
        continue;
      }
      const v = tree && dim === space[0] ? b : params[dim.name];
      if (dim.kind === "categorical") {
        const i = index.get(dim)!.get(valueKey(v));
        if (i === undefined) return null;
        u[offset + i] = 1;
      } else if (dim.kind === "numeric") {
        if (typeof v !== "number" || !Number.isFinite(v)) return null;
        u[offset] = Math.min(1, Math.max(0, toUnit(dim, toInternal(dim, v))));
      }
    }
    return u;
  };
  const decode = (u: readonly number[]): Params | null => {
    const params: Params = {};
    let b = 0;
    for (const { dim, offset, width } of coords) {
      let value: unknown;
      if (!isActive(dim, b)) continue;
      if (dim.kind === "constant") value = dim.value;
      else if (dim.kind === "categorical") {
        if (width === 0) value = dim.values[0];
        else {
          let best = 0;
          for (let i = 1; i < width; i++) if (u[offset + i] > u[offset + best]) best = i;
          value = dim.values[best];
        }
      } else {
        // a point on the cube's face is the range's end itself (dropout 0, not 5e-10); only an
        // end the field does not allow (dropout 1) is taken from just inside
        const at = Math.min(1, Math.max(0, u[offset]));
        value = fromInternal(dim, fromUnit(dim, at));
        if (checked.has(dim) && !isValid(dim, value) && at !== clamp01(at)) value = fromInternal(dim, fromUnit(dim, clamp01(at)));
        if (!Number.isFinite(value) || (checked.has(dim) && !isValid(dim, value))) return null;
      }
      if (tree && dim === space[0]) b = value as number;
      else params[dim.name] = value;
    }
    return params;
  };
  return {
    coords,
    size,
    encode,
    decode,
    canonical: (u) => {
      const p = decode(u);
      return p && encode(p);
    },
    random: (rng) => {
      const u = new Array<number>(size).fill(0);
      for (const { dim, offset, width } of coords) {
        if (width === 0) continue;
        if (dim.kind === "categorical") u[offset + rng.int(width)] = 1;
        else u[offset] = rng.next();
      }
      return u;
    },
  };
}

// ---- the proposal ---------------------------------------------------------------------------

const keyOf = (u: readonly number[]) => u.join(",");

/** A GP on the observations (worst values imputed with the worst seen, as W&B), at most maxObservations of them. */
function model(enc: Encoding, observed: { u: number[]; y: number }[], rng: Rng): Gp | null {
  const finite = observed.filter((o) => Number.isFinite(o.y));
  if (finite.length === 0) return null;
  const worst = Math.max(...finite.map((o) => o.y));
  let rows = observed.map((o) => ({ u: o.u, y: Number.isFinite(o.y) ? o.y : worst }));
  if (rows.length > GP_SEARCH.maxObservations) {
    const sorted = [...rows].sort((a, b) => a.y - b.y);
    const keep = sorted.slice(0, Math.floor(GP_SEARCH.maxObservations / 3));
    const rest = sorted.slice(keep.length);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    rows = [...keep, ...rest.slice(0, GP_SEARCH.maxObservations - keep.length)];
  }
  if (enc.size === 0) return null;
  return fitGp(
    rows.map((r) => r.u),
    rows.map((r) => r.y),
    rng,
    rows.length > 50 ? 1 : 2,
  );
}

/** Shrinking pattern search on log EI from `start`: each coordinate ± step (snapped), categories swapped. */
function refine(enc: Encoding, score: (u: number[]) => number, start: { u: number[]; s: number }): { u: number[]; s: number } {
  let best = start;
  let step = 0.05;
  for (let round = 0; round < 80 && step > 1e-7; round++) {
    let improved = false;
    for (const { dim, offset, width } of enc.coords) {
      if (width === 0) continue;
      const tries: number[][] = [];
      if (dim.kind === "categorical") {
        for (let i = 0; i < width; i++) {
          if (best.u[offset + i] === 1) continue;
          const u = [...best.u];
          for (let j = 0; j < width; j++) u[offset + j] = j === i ? 1 : 0;
          tries.push(u);
        }
      } else if (dim.kind === "numeric") {
        const cell = dim.integer ? 1 / (dim.integer.max - dim.integer.min + 1) : 0;
        for (const sign of [-1, 1]) {
          const u = [...best.u];
          u[offset] = Math.min(1, Math.max(0, u[offset] + sign * Math.max(step, cell)));
          tries.push(u);
        }
      }
      for (const t of tries) {
        const c = enc.canonical(t);
        if (!c) continue;
        const s = score(c);
        if (s > best.s + 1e-12) {
          best = { u: c, s };
          improved = true;
        }
      }
    }
    if (!improved) step /= 2;
  }
  return best;
}

export const gpSearch: SearchStrategy = ({ config, space, trials, rng }) => {
  const { observed, pending } = observeTrials({ config, trials });
  const enc = unitEncoding(space);
  const rows = observed.flatMap((o) => {
    const u = enc.encode(o.params);
    return u ? [{ u, y: o.y }] : [];
  });
  if (rows.filter((r) => Number.isFinite(r.y)).length < GP_SEARCH.startupTrials) return sampleParams(space, rng);
  let gp = model(enc, rows, rng);
  if (!gp) return sampleParams(space, rng);
  const pendingU = pending.flatMap((p) => {
    const u = enc.encode(p);
    return u ? [u] : [];
  });
  if (pendingU.length > 0) gp = gp.withObservations(pendingU, pendingU.map((u) => gp!.predict(u).mean));
  const incumbent = Math.min(...gp.y.slice(0, gp.y.length - pendingU.length));
  const taken = new Set([...rows.map((r) => keyOf(r.u)), ...pendingU.map(keyOf)]);
  const fitted = gp;
  const score = (u: number[]) => {
    if (taken.has(keyOf(u))) return -Infinity;
    const { mean, sd } = fitted.predict(u);
    return logExpectedImprovement(mean, sd, incumbent);
  };

  // candidates: random points of the space, and points near the best runs
  const candidates: number[][] = [];
  for (let i = 0; i < GP_SEARCH.candidates; i++) {
    const c = enc.canonical(enc.random(rng));
    if (c) candidates.push(c);
  }
  const best = [...rows].filter((r) => Number.isFinite(r.y)).sort((a, b) => a.y - b.y).slice(0, 3);
  for (let i = 0; i < GP_SEARCH.localCandidates && best.length > 0; i++) {
    const around = best[i % best.length].u;
    const spread = i % 2 ? 0.02 : 0.15;
    const u = [...around];
    for (const { dim, offset, width } of enc.coords) {
      if (width === 0) continue;
      if (dim.kind === "categorical") {
        if (rng.next() < 0.2) for (let j = 0; j < width; j++) u[offset + j] = j === (rng.int(width)) ? 1 : 0;
      } else u[offset] = Math.min(1, Math.max(0, u[offset] + spread * rng.normal()));
    }
    const c = enc.canonical(u);
    if (c) candidates.push(c);
  }
  const scored = candidates.map((u) => ({ u, s: score(u) })).filter((c) => c.s > -Infinity);
  if (scored.length === 0) return sampleParams(space, rng);
  scored.sort((a, b) => b.s - a.s);
  let winner = scored[0];
  for (const start of scored.slice(0, GP_SEARCH.refineStarts)) {
    const r = refine(enc, score, start);
    if (r.s > winner.s) winner = r;
  }
  const made = [...rows.map((r) => r.u), ...pendingU];
  if (made.some((m) => samePoint(m, winner.u))) {
    // a run made again, to a hair: ask instead, among the other candidates, for an improvement
    // of at least exploreBy (in the metric's standard deviations), which the model can hardly
    // promise beside a run it has seen
    const away = (u: number[]) => {
      if (made.some((m) => samePoint(m, u))) return -Infinity;
      const { mean, sd } = fitted.predict(u);
      return logExpectedImprovement(mean, sd, incumbent - GP_SEARCH.exploreBy);
    };
    const rescored = scored.map(({ u }) => ({ u, s: away(u) })).filter((c) => c.s > -Infinity).sort((a, b) => b.s - a.s);
    if (rescored.length === 0) return sampleParams(space, rng);
    winner = rescored[0];
  }
  return enc.decode(winner.u) ?? sampleParams(space, rng);
};
