import type { ParamSpec } from "./config.ts";
import { betaCdf, normCdf, normQuantile } from "./stats.ts";

// The unbounded laws of a sweep (normal, log_normal, their q_ forms, beta) against a field's
// valid values: which share of the draws falls outside, and what the law becomes when those
// draws are redrawn (truncated). The config refuses a law that would change noticeably and
// shows the truncation of the others, so a sweep never samples another law than the one
// written without saying so.

/** Round to a multiple of q, without float noise such as 0.30000000000000004. */
export function quantize(x: number, step: number): number {
  if (Number.isInteger(step) && Math.abs(x) < 2 ** 52) return Math.round(x / step) * step; // exact already
  return Number((Math.round(x / step) * step).toPrecision(12));
}

export interface Law {
  /** the law of t, the internal coordinate: value = exp(t) when log, then quantised by q */
  kind: "normal" | "beta";
  mu: number;
  sigma: number;
  a: number;
  b: number;
  log: boolean;
  q: number | null;
}

/** The unbounded law of a spec, or null for bounded and categorical distributions. */
export function lawOf(spec: ParamSpec): Law | null {
  const q = "q" in spec ? spec.q : null;
  const none = { mu: 0, sigma: 1, a: 1, b: 1 };
  switch (spec.distribution) {
    case "normal":
    case "q_normal":
      return { ...none, kind: "normal", mu: spec.mu, sigma: spec.sigma, log: false, q };
    case "log_normal":
    case "q_log_normal":
      return { ...none, kind: "normal", mu: spec.mu, sigma: spec.sigma, log: true, q };
    case "beta":
    case "q_beta":
      return { ...none, kind: "beta", a: spec.a, b: spec.b, log: false, q };
    default:
      return null;
  }
}

export function decodeLaw(law: Law, t: number): number {
  const v = law.log ? Math.exp(t) : t;
  return law.q === null ? v : quantize(v, law.q);
}

function cdf(law: Law, t: number): number {
  if (law.kind === "beta") return betaCdf(t, law.a, law.b);
  if (law.sigma === 0) return t < law.mu ? 0 : 1;
  return normCdf((t - law.mu) / law.sigma);
}

function quantileOf(law: Law, p: number): number {
  if (law.kind === "normal") return law.mu + law.sigma * normQuantile(p);
  let lo = 0, hi = 1; // beta: bisection on the CDF
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, law.a, law.b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Outside {
  /** share of draws whose value is not valid (0..1) */
  share: number;
  below: number;
  above: number;
  /** the valid interval of t (internal coordinate) around the centre */
  tLo: number;
  tHi: number;
  /** median value of the written law, and of the law after invalid draws are redrawn */
  median: number;
  truncatedMedian: number;
}

/**
 * Which share of `law`'s draws `isValid` rejects, assuming the valid values around the centre
 * form one interval (true for a monotone map into an interval of allowed values). Null when the
 * centre itself is not valid (the config reports that separately).
 */
export function outsideShare(law: Law, isValid: (value: number) => boolean): Outside | null {
  const centre = law.kind === "normal" ? law.mu : law.a + law.b > 0 ? law.a / (law.a + law.b) : 0.5;
  const ok = (t: number) => {
    const v = decodeLaw(law, t);
    return Number.isFinite(v) && isValid(v);
  };
  if (!ok(centre)) return null;
  const [min, max] = law.kind === "beta" ? [0, 1] : [-Infinity, Infinity];
  const edge = (dir: -1 | 1): number => {
    // walk out until a draw is invalid (or the law has no mass left), then bisect
    const scale = law.kind === "beta" ? 0.5 : Math.max(law.sigma, 1e-12);
    let inside = centre;
    let found: number | null = null;
    for (let k = 0; k < 64; k++) {
      let t = centre + dir * scale * 2 ** (k - 4);
      if (law.kind === "beta") t = Math.min(max, Math.max(min, t));
      if (!ok(t)) {
        found = t;
        break;
      }
      inside = t;
      if (law.kind === "beta" ? t === (dir < 0 ? min : max) : Math.abs(t - centre) > 40 * scale) return dir < 0 ? min : max;
    }
    if (found === null) return dir < 0 ? min : max;
    let outside: number = found;
    for (let i = 0; i < 200 && inside !== outside; i++) {
      const mid: number = (inside + outside) / 2;
      if (mid === inside || mid === outside) break;
      if (ok(mid)) inside = mid;
      else outside = mid;
    }
    return (inside + outside) / 2;
  };
  const tLo = edge(-1);
  const tHi = edge(1);
  const below = cdf(law, tLo);
  const above = 1 - cdf(law, tHi);
  const median = decodeLaw(law, quantileOf(law, 0.5));
  const truncatedMedian = decodeLaw(law, quantileOf(law, (cdf(law, tLo) + cdf(law, tHi)) / 2));
  return { share: below + above, below, above, tLo, tHi, median, truncatedMedian };
}

/** The largest sigma (same mu) whose share outside stays at most `share`, or null (beta laws). */
export function sigmaFor(law: Law, isValid: (value: number) => boolean, share: number): number | null {
  if (law.kind !== "normal") return null;
  let lo = 0;
  let hi = law.sigma;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const o = outsideShare({ ...law, sigma: mid }, isValid);
    if (o && o.share <= share) lo = mid;
    else hi = mid;
  }
  return lo > 0 ? lo : null;
}
