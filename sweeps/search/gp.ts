import type { Rng } from "../rng.ts";
import { normCdf } from "../stats.ts";

// Gaussian-process regression for the bayes search (and the importance panel): a Matérn-5/2
// kernel with one length scale per input (ARD), a signal variance and a noise variance, fitted
// by maximising the log marginal likelihood plus weak log-normal priors on the scales (MAP,
// as BoTorch does for small data: with 5 points, maximum likelihood alone overfits). Inputs
// live in the unit cube; outputs are standardised here. Plain float64, Cholesky solves.

export interface GpHyper {
  /** log length scale per input */
  logLength: number[];
  logSignal: number;
  logNoise: number;
}

export interface Gp {
  hyper: GpHyper;
  /** posterior mean and standard deviation at x, on the standardised scale */
  predict(x: readonly number[]): { mean: number; sd: number };
  /** the model with extra observations (x, y standardised) and the same hyperparameters (fantasies of pending runs) */
  withObservations(xs: readonly (readonly number[])[], ys: readonly number[]): Gp;
  /** mean and sd of the training y (to go back to the metric's scale) */
  yMean: number;
  ySd: number;
  /** standardised training targets */
  y: number[];
  x: number[][];
}

// Priors (on the standardised scale, unit-cube inputs): length scales around 0.4 (a bump a
// few tenths of the range wide), signal around 1, noise small but free to grow.
const PRIOR = {
  logLength: { mu: Math.log(0.4), sd: 1.2, min: Math.log(0.01), max: Math.log(20) },
  logSignal: { mu: 0, sd: 1.5, min: Math.log(0.05), max: Math.log(20) },
  logNoise: { mu: Math.log(1e-3), sd: 3, min: Math.log(1e-8), max: Math.log(2) },
};
const JITTER = 1e-9;
const SQRT5 = Math.sqrt(5);

/** Lower Cholesky factor of a symmetric positive-definite matrix (row-major n×n), or null. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  return l;
}

/** K⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor (row-major, full symmetric result). */
function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const li = new Float64Array(n * n); // L⁻¹, lower
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * li[k * n + j];
      li[i * n + j] = s / l[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i] * li[k * n + j];
      inv[i * n + j] = inv[j * n + i] = s;
    }
  return inv;
}

/** Solve L z = b (forward) and Lᵀ x = z (backward). */
function forward(l: Float64Array, n: number, b: readonly number[] | Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  return z;
}
/** K x = b for K = L Lᵀ (L: lower Cholesky factor, row-major n × n). */
export function choleskySolve(l: Float64Array, n: number, b: readonly number[] | Float64Array): Float64Array {
  return backward(l, n, forward(l, n, b));
}
function backward(l: Float64Array, n: number, z: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

function sqDist(a: readonly number[], b: readonly number[], inv2: readonly number[]): number {
  let r2 = 0;
  for (let d = 0; d < a.length; d++) {
    const t = a[d] - b[d];
    r2 += t * t * inv2[d];
  }
  return r2;
}

/** The kernel, Matérn 5/2, at scaled distance r (times the signal variance where used). */
export const matern = (r: number) => (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);

function logPrior(h: GpHyper): { value: number; grad: number[] } {
  const term = (v: number, p: { mu: number; sd: number }) => [-0.5 * ((v - p.mu) / p.sd) ** 2, -(v - p.mu) / (p.sd * p.sd)] as const;
  const parts = [...h.logLength.map((v) => term(v, PRIOR.logLength)), term(h.logSignal, PRIOR.logSignal), term(h.logNoise, PRIOR.logNoise)];
  return { value: parts.reduce((s, p) => s + p[0], 0), grad: parts.map((p) => p[1]) };
}

/** Log marginal likelihood + log prior of standardised y, and its gradient in [logLength..., logSignal, logNoise]. */
export function gpObjective(x: number[][], y: number[], h: GpHyper): { value: number; grad: number[] } | null {
  const n = y.length;
  const dims = h.logLength.length;
  const inv2 = h.logLength.map((l) => Math.exp(-2 * l));
  const s2 = Math.exp(h.logSignal);
  const noise = Math.exp(h.logNoise);
  const k = new Float64Array(n * n);
  const base = new Float64Array(n * n); // (5/3)(1 + √5 r) e^{-√5 r} · s²: the factor of ∂k/∂log ℓ_d
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const r = Math.sqrt(sqDist(x[i], x[j], inv2));
      const v = s2 * matern(r);
      k[i * n + j] = k[j * n + i] = v;
      const b = s2 * (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
      base[i * n + j] = base[j * n + i] = b;
    }
  for (let i = 0; i < n; i++) k[i * n + i] += noise + JITTER;
  const l = cholesky(k, n);
  if (!l) return null;
  const alpha = backward(l, n, forward(l, n, y));
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(l[i * n + i]);
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i] * alpha[i];
  const lml = -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
  // W = α αᵀ − K⁻¹; ∂L/∂θ = ½ tr(W ∂K/∂θ) (W and ∂K/∂θ symmetric: the lower triangle, off-diagonal twice)
  const kinv = inverseFromCholesky(l, n);
  const grad = new Array<number>(dims + 2).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const w = (i === j ? 0.5 : 1) * (alpha[i] * alpha[j] - kinv[i * n + j]);
      const b = w * base[i * n + j];
      const xi = x[i], xj = x[j];
      for (let d = 0; d < dims; d++) {
        const t = xi[d] - xj[d];
        grad[d] += b * t * t * inv2[d];
      }
      grad[dims] += w * (k[i * n + j] - (i === j ? noise + JITTER : 0));
      if (i === j) grad[dims + 1] += w * noise;
    }
  const prior = logPrior(h);
  return { value: lml + prior.value, grad: grad.map((g, i) => g + prior.grad[i]) };
}

const pack = (h: GpHyper) => [...h.logLength, h.logSignal, h.logNoise];
const unpack = (v: readonly number[]): GpHyper => ({ logLength: v.slice(0, -2), logSignal: v[v.length - 2], logNoise: v[v.length - 1] });
function bounds(dims: number): [number, number][] {
  return [...Array.from({ length: dims }, () => [PRIOR.logLength.min, PRIOR.logLength.max] as [number, number]), [PRIOR.logSignal.min, PRIOR.logSignal.max], [PRIOR.logNoise.min, PRIOR.logNoise.max]];
}

/**
 * Maximise f (value and gradient) over a box with projected L-BFGS (memory 6) and a
 * backtracking line search. Small and good enough for a handful of hyperparameters.
 */
export function maximize(f: (v: number[]) => { value: number; grad: number[] } | null, start: number[], box: [number, number][], iterations = 60): { v: number[]; value: number } {
  const clamp = (v: number[]) => v.map((x, i) => Math.min(box[i][1], Math.max(box[i][0], x)));
  let v = clamp(start);
  let cur = f(v);
  if (!cur) return { v, value: -Infinity };
  const sHist: number[][] = [];
  const yHist: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  for (let it = 0; it < iterations; it++) {
    // two-loop recursion on the ascent direction
    const q = [...cur.grad];
    const alphas: number[] = [];
    for (let i = sHist.length - 1; i >= 0; i--) {
      const rho = 1 / dot(yHist[i], sHist[i]);
      const a = rho * dot(sHist[i], q);
      alphas.push(a);
      for (let j = 0; j < q.length; j++) q[j] -= a * yHist[i][j];
    }
    if (sHist.length > 0) {
      const last = sHist.length - 1;
      const gamma = dot(sHist[last], yHist[last]) / dot(yHist[last], yHist[last]);
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
    } else {
      const norm = Math.sqrt(dot(q, q)) || 1;
      for (let j = 0; j < q.length; j++) q[j] /= norm;
    }
    for (let i = 0; i < sHist.length; i++) {
      const rho = 1 / dot(yHist[i], sHist[i]);
      const b = rho * dot(yHist[i], q);
      const a = alphas[sHist.length - 1 - i];
      for (let j = 0; j < q.length; j++) q[j] += sHist[i][j] * (a - b);
    }
    let dir = q;
    if (dot(dir, cur.grad) <= 0) dir = [...cur.grad]; // not an ascent direction: fall back to the gradient
    let step = 1;
    let next: { v: number[]; r: { value: number; grad: number[] } } | null = null;
    for (let ls = 0; ls < 20; ls++) {
      const cand = clamp(v.map((x, j) => x + step * dir[j]));
      const r = f(cand);
      if (r && r.value >= cur.value + 1e-4 * dot(cur.grad, cand.map((x, j) => x - v[j]))) {
        next = { v: cand, r };
        break;
      }
      step *= 0.5;
    }
    if (!next) break;
    const s = next.v.map((x, j) => x - v[j]);
    const yv = cur.grad.map((g, j) => g - next!.r.grad[j]); // for ascent: y = -(g_new - g_old)
    const gain = next.r.value - cur.value;
    v = next.v;
    cur = next.r;
    if (dot(s, yv) > 1e-12) {
      sHist.push(s);
      yHist.push(yv);
      if (sHist.length > 6) {
        sHist.shift();
        yHist.shift();
      }
    }
    if (gain < 1e-6 * (1 + Math.abs(cur.value))) break;
  }
  return { v, value: cur.value };
}

function build(x: number[][], y: number[], h: GpHyper, yMean: number, ySd: number): Gp | null {
  const n = y.length;
  const inv2 = h.logLength.map((l) => Math.exp(-2 * l));
  const s2 = Math.exp(h.logSignal);
  const noise = Math.exp(h.logNoise);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) k[i * n + j] = k[j * n + i] = s2 * matern(Math.sqrt(sqDist(x[i], x[j], inv2)));
  for (let i = 0; i < n; i++) k[i * n + i] += noise + JITTER;
  const l = cholesky(k, n);
  if (!l) return null;
  const alpha = backward(l, n, forward(l, n, y));
  const gp: Gp = {
    hyper: h,
    yMean,
    ySd,
    y,
    x,
    predict(point) {
      const ks = new Float64Array(n);
      for (let i = 0; i < n; i++) ks[i] = s2 * matern(Math.sqrt(sqDist(point, x[i], inv2)));
      let mean = 0;
      for (let i = 0; i < n; i++) mean += ks[i] * alpha[i];
      const v = forward(l, n, ks);
      let vv = 0;
      for (let i = 0; i < n; i++) vv += v[i] * v[i];
      return { mean, sd: Math.sqrt(Math.max(s2 - vv, 1e-12)) };
    },
    withObservations(xs, ys) {
      return build([...x, ...xs.map((p) => [...p])], [...y, ...ys], h, yMean, ySd) ?? gp;
    },
  };
  return gp;
}

/**
 * Fit a GP to (x in the unit cube, y on the metric's scale, lower is better): standardise y,
 * then MAP hyperparameters from a few starts (`start` or the prior's centre, and `restarts` random ones).
 */
export function fitGp(x: number[][], yRaw: readonly number[], rng: Rng, restarts = 2, start?: GpHyper): Gp {
  const n = yRaw.length;
  const yMean = yRaw.reduce((a, b) => a + b, 0) / n;
  const ySd = n > 1 ? Math.sqrt(yRaw.reduce((s, v) => s + (v - yMean) ** 2, 0) / n) || 1 : 1;
  const y = yRaw.map((v) => (v - yMean) / ySd);
  const dims = x[0]?.length ?? 0;
  const box = bounds(dims);
  const f = (v: number[]) => gpObjective(x, y, unpack(v));
  const starts = [start ? pack(start) : pack({ logLength: new Array(dims).fill(PRIOR.logLength.mu), logSignal: 0, logNoise: PRIOR.logNoise.mu })];
  for (let r = 0; r < restarts; r++)
    starts.push(box.map(([lo, hi], i) => (i < dims ? PRIOR.logLength.mu + PRIOR.logLength.sd * rng.normal() : i === dims ? 0.5 * rng.normal() : lo + 0.5 * (hi - lo) * rng.next())));
  let best: { v: number[]; value: number } | null = null;
  for (const s of starts) {
    const r = maximize(f, s, box);
    if (!best || r.value > best.value) best = r;
  }
  const h = unpack(best!.v);
  return build(x, y, h, yMean, ySd) ?? build(x, y, { ...h, logNoise: Math.log(1e-2) }, yMean, ySd)!;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log EI for minimisation at a point with predictive mean μ and sd σ against the incumbent
 * f*: EI = σ·h(z), z = (f* − μ)/σ, h(z) = φ(z) + zΦ(z); computed in logs so that far from the
 * incumbent candidates still compare (Ament et al. 2023, "Unexpected improvements to EI").
 */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  const z = (best - mean) / sd;
  let logH: number;
  if (z > -5) {
    const h = Math.exp(-0.5 * z * z - LOG_SQRT_2PI) + z * normCdf(z);
    logH = Math.log(Math.max(h, 1e-300));
  } else {
    // far below: h(z) = φ(z)·(1 − m·R(m)), m = −z, with Mills' ratio R(m) = Φ(−m)/φ(m) from its
    // continued fraction R = 1/(m + 1/(m + 2/(m + 3/(m + …)))), evaluated from the tail up
    const m = -z;
    let tail = m;
    for (let k = 60; k >= 1; k--) tail = m + k / tail;
    const r = 1 / tail;
    logH = -0.5 * m * m - LOG_SQRT_2PI + Math.log(Math.max(1 - m * r, 1e-300));
  }
  return logH + Math.log(sd);
}
