// Curve smoothing as W&B and TensorBoard do it, as pure functions over y values in x order.
// Non-finite values (null = NaN, ±Infinity) are never averaged in: they stay null at their
// position so a divergence remains visible, and they do not reset the smoother.

export const SMOOTHING_KINDS = ["none", "ema", "running", "gaussian"] as const;
export type SmoothingKind = (typeof SMOOTHING_KINDS)[number];

export interface Smoothing {
  kind: SmoothingKind;
  /** ema: weight in [0, 0.999]; running: window in points; gaussian: std in points. */
  amount: number;
}

export const SMOOTHING_RANGES: Record<Exclude<SmoothingKind, "none">, { min: number; max: number; step: number; label: string; default: number }> = {
  ema: { min: 0, max: 0.99, step: 0.01, label: "Debiased EMA", default: 0.6 },
  running: { min: 1, max: 100, step: 1, label: "Running average", default: 10 },
  gaussian: { min: 0.5, max: 50, step: 0.5, label: "Gaussian", default: 3 },
};

export const NO_SMOOTHING: Smoothing = { kind: "none", amount: 0 };

const finite = (y: number | null | undefined): y is number => typeof y === "number" && Number.isFinite(y);

/**
 * TensorBoard's debiased exponential moving average: s_n = w·s_{n-1} + (1-w)·y_n, divided by
 * (1 - w^n) so the first points are not pulled towards 0.
 */
export function debiasedEma(ys: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let count = 0;
  return ys.map((y) => {
    if (!finite(y)) return null;
    last = last * w + (1 - w) * y;
    count++;
    const debias = 1 - Math.pow(w, count);
    return debias === 0 ? y : last / debias;
  });
}

/** Centred running average over `window` points (the finite ones among them). */
export function runningAverage(ys: readonly (number | null)[], window: number): (number | null)[] {
  const n = Math.max(1, Math.round(window));
  if (n <= 1) return ys.map((y) => (finite(y) ? y : null));
  const before = Math.floor((n - 1) / 2);
  const after = n - 1 - before;
  // Prefix sums over finite values make each window O(1).
  const sum = new Float64Array(ys.length + 1);
  const cnt = new Int32Array(ys.length + 1);
  ys.forEach((y, i) => {
    sum[i + 1] = sum[i] + (finite(y) ? y : 0);
    cnt[i + 1] = cnt[i] + (finite(y) ? 1 : 0);
  });
  return ys.map((y, i) => {
    if (!finite(y)) return null;
    const lo = Math.max(0, i - before);
    const hi = Math.min(ys.length, i + after + 1);
    return (sum[hi] - sum[lo]) / (cnt[hi] - cnt[lo]);
  });
}

/** Gaussian-weighted average with standard deviation `sigma` points, cut at 3σ. */
export function gaussian(ys: readonly (number | null)[], sigma: number): (number | null)[] {
  if (!(sigma > 0)) return ys.map((y) => (finite(y) ? y : null));
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  return ys.map((y, i) => {
    if (!finite(y)) return null;
    let total = 0;
    let weights = 0;
    for (let k = -radius; k <= radius; k++) {
      const v = ys[i + k];
      if (!finite(v)) continue;
      total += v * kernel[k + radius];
      weights += kernel[k + radius];
    }
    return total / weights;
  });
}

export function smooth(ys: readonly (number | null)[], s: Smoothing): (number | null)[] {
  switch (s.kind) {
    case "ema": return s.amount > 0 ? debiasedEma(ys, s.amount) : ys.map((y) => (finite(y) ? y : null));
    case "running": return runningAverage(ys, s.amount);
    case "gaussian": return gaussian(ys, s.amount);
    default: return ys.map((y) => (finite(y) ? y : null));
  }
}

export function isSmoothing(s: Smoothing | undefined): boolean {
  if (!s || s.kind === "none") return false;
  return s.kind === "running" ? s.amount > 1 : s.amount > 0;
}

/** URL form: "ema:0.6", "running:10", "gaussian:3", "none". */
export function parseSmoothing(text: string | null | undefined): Smoothing {
  if (!text) return NO_SMOOTHING;
  const [kind, raw] = text.split(":");
  if (!(SMOOTHING_KINDS as readonly string[]).includes(kind) || kind === "none") return NO_SMOOTHING;
  const range = SMOOTHING_RANGES[kind as Exclude<SmoothingKind, "none">];
  const amount = Number(raw);
  return { kind: kind as SmoothingKind, amount: Number.isFinite(amount) ? Math.min(Math.max(amount, range.min), range.max) : range.default };
}

export function formatSmoothing(s: Smoothing): string | undefined {
  return s.kind === "none" ? undefined : `${s.kind}:${s.amount}`;
}
