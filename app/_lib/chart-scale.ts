// Pure helpers of the curve chart: axis domains and ticks (linear and log), tick labels per
// x-axis mode, nearest-point lookup for the hover. No DOM here.
import { formatDuration, formatExponent, formatNumber, oneNotation } from "./format";

export type XMode = "step" | "wall" | "relative";
/** What a chart's x axis can be: a mode of X_MODES, or the values of a metric (a custom panel's x). */
export type ChartXMode = XMode | "value";
export const X_MODES: { id: XMode; label: string }[] = [
  { id: "step", label: "Step" },
  { id: "relative", label: "Relative time" },
  { id: "wall", label: "Wall time" },
];

export interface Domain {
  min: number;
  max: number;
}

/** "Nice" linear ticks (1, 2, 5 × 10^k) covering [min, max], at least `minStep` apart (1 for steps: no tick at 49.5). */
export function linearTicks(min: number, max: number, count = 5, minStep = 0): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  // a span at the edge of float precision (1 − 1e-16 … 1) would step by nothing, forever
  if (!(max - min > Math.max(Math.abs(min), Math.abs(max)) * 1e-9)) return [min];
  const raw = Math.max((max - min) / Math.max(1, count), minStep);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/**
 * A linear axis holding [lo, hi], rounded out to its ticks' step (as ECharts rounds a value
 * axis), and those ticks: the scatter hands both to ECharts, so its labels are chosen knowing
 * every tick (linearTickFormat).
 */
export function linearAxis(lo: number, hi: number, count = 5): { min: number; max: number; ticks: number[] } {
  const inside = linearTicks(lo, hi, count);
  if (inside.length < 2) return { min: lo, max: hi, ticks: inside };
  const step = inside[1] - inside[0];
  const min = Math.min(lo, inside[0] - step * Math.ceil((inside[0] - lo) / step - 1e-9));
  const max = Math.max(hi, inside[inside.length - 1] + step * Math.ceil((hi - inside[inside.length - 1]) / step - 1e-9));
  const ticks = [min, ...inside, max].map((v) => Number(v.toPrecision(12)));
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks: [...new Set(ticks)] };
}

/** Time ticks for seconds: whole seconds, minutes or hours, so labels read "2m 00s". */
export function durationTicks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
  const step = steps.find((s) => span / s <= count) ?? 86400 * Math.ceil(span / count / 86400);
  if (span < 1) return linearTicks(min, max, count);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) out.push(v);
  return out;
}

/** Log ticks: powers of ten, with 2 and 5 between them when the range spans few decades. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  if (max / min < 10) {
    // Within one decade, round linear values read better (1.5, 2, 2.5, 3 …) on the log axis, unless
    // they leave one end bare: a gradient norm over 0.22 … 0.85 got 0.4, 0.6, 0.8 and nothing on the
    // lower 44% of the axis; then 0.3, 0.4, 0.5, 0.6, 0.8 (1, 1.5, 2, 3 … per decade), spread as the axis is.
    const linear = linearTicks(min, max, 5).filter((v) => v > 0);
    const spread = multiplesIn(min, max, [1, 1.5, 2, 3, 4, 5, 6, 8]);
    return spread.length >= 3 && widestBareShare(min, max, spread) < widestBareShare(min, max, linear) ? spread : linear;
  }
  const decades = Math.ceil(Math.log10(max)) - Math.floor(Math.log10(min));
  return multiplesIn(min, max, decades <= 1 ? [1, 2, 3, 5, 7] : decades <= 3 ? [1, 2, 5] : [1]);
}

/** m × 10^e for each of `mults` and every decade, inside [min, max]. */
function multiplesIn(min: number, max: number, mults: readonly number[]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) for (const m of mults) {
    const v = Number((m * Math.pow(10, e)).toPrecision(6));
    if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
  }
  return out;
}

/** The widest stretch of a log axis over [min, max] without a tick, as a share of the axis. */
function widestBareShare(min: number, max: number, ticks: readonly number[]): number {
  const at = [min, ...ticks, max].map(Math.log10);
  let widest = 0;
  for (let i = 1; i < at.length; i++) widest = Math.max(widest, at[i] - at[i - 1]);
  return widest / (Math.log10(max) - Math.log10(min));
}

/**
 * The labels of a log axis's ticks, one notation for the axis: decimals (0.001, 0.003, 0.01,
 * 2,000) while every tick reads well so, else every tick an exponent (1e-4, 3e-4, 1e-3 …), never
 * "3e-4" beside "0.001". The curve chart's y axis and the scatter's log axes both label by it.
 */
export function logTickFormat(ticks: readonly number[]): (v: number) => string {
  const exponents = ticks.some((v) => v < 1e-3 || v >= 1e4);
  return exponents ? (v) => formatExponent(v, 3) : (v) => formatNumber(v, 3);
}

/** Compact units of an axis's labels, largest first (formatCompact's). */
const UNITS: [number, string][] = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];

/**
 * The labels of a linear axis's ticks, one notation for the axis (as logTickFormat for a log
 * axis): every tick an exponent or none (oneNotation), to 3 digits. `compact` (the curve chart's
 * narrow margin): from 10,000 on, every tick in the unit of the largest (0, 5k, 10k, 15k; not
 * "5,000" beside "10k"). The curve chart and the scatter both label by it.
 */
export function linearTickFormat(ticks: readonly number[], compact = false): (v: number) => string {
  const plain = oneNotation(ticks, 3);
  const top = Math.max(0, ...ticks.filter(Number.isFinite).map(Math.abs));
  if (!compact || top < 10_000 || plain(top).includes("e")) return plain;
  const [size, unit] = UNITS.find(([size]) => top >= size)!;
  const scaled = oneNotation(ticks.map((v) => v / size), 3);
  return (v) => (v === 0 ? "0" : `${scaled(v / size)}${unit}`);
}

export function formatX(value: number, mode: ChartXMode, span = 0): string {
  if (mode === "relative") return formatDuration(value);
  if (mode === "wall") {
    const d = new Date(value);
    return span > 86400_000
      ? d.toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false })
      : d.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", second: span < 600_000 ? "2-digit" : undefined, hour12: false });
  }
  return formatCompact(value);
}

/** An axis label that fits the margin: 1.2M, 250k, 0.35 (a label like "1,200,000" is cut off). */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${formatNumber(value / 1e9, 3)}G`;
  if (abs >= 1e6) return `${formatNumber(value / 1e6, 3)}M`;
  if (abs >= 10_000) return `${formatNumber(value / 1000, 3)}k`;
  return formatNumber(value, 3);
}

export function xTicks(domain: Domain, mode: ChartXMode, count = 6): number[] {
  if (mode === "value") return linearTicks(domain.min, domain.max, count);
  if (mode === "relative") return durationTicks(domain.min, domain.max, count);
  if (mode === "wall") return durationTicks(domain.min / 1000, domain.max / 1000, count).map((s) => s * 1000);
  return linearTicks(domain.min, domain.max, count, 1);
}

/** The data domain of y over the points whose x lies in `x`, padded by 5% (log: positive only). */
export function yDomain(series: { xs: ArrayLike<number>; ys: ArrayLike<number | null> }[], x: Domain | null, log: boolean): Domain | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i];
      if (y === null || !Number.isFinite(y) || (log && y <= 0)) continue;
      if (x && (s.xs[i] < x.min || s.xs[i] > x.max)) continue;
      if (y < min) min = y;
      if (y > max) max = y;
    }
  }
  if (min === Infinity) return null;
  if (log) {
    const pad = Math.pow(max / min, 0.05) || 1;
    return min === max ? { min: min / 2, max: max * 2 } : { min: min / pad, max: max * pad };
  }
  // equal, or equal but for rounding (a smoothed 1 next to a raw 1): a band around the value
  if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-9) return { min: min - Math.abs(min || 1) * 0.1, max: max + Math.abs(max || 1) * 0.1 };
  const pad = (max - min) * 0.05;
  return { min: min - pad, max: max + pad };
}

/** The x range of the series (each's xs ascending); one point gets ±1 around it. */
export function xDomain(series: { xs: ArrayLike<number> }[], mode?: ChartXMode): Domain | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    if (s.xs.length === 0) continue;
    min = Math.min(min, s.xs[0]);
    max = Math.max(max, s.xs[s.xs.length - 1]);
  }
  if (min === Infinity) return null;
  if (min === max) return { min: min - 1, max: max + 1 };
  // steps from 0, as W&B draws them, when the first logged step is near it (an evaluation every
  // 20 steps starts at 20): a run pruned after its first evaluation is one dot at that step, and
  // on the axis itself half of it would be cut off
  if (mode === "step" && min > 0 && min <= STEP_FROM_ZERO * max) return { min: 0, max };
  return { min, max };
}

/** The step axis starts at 0 when its first step is within this share of its last. */
const STEP_FROM_ZERO = 0.25;

/** Index of the point whose x is nearest `x` in ascending `xs` (-1 when empty). */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

export interface Scale {
  (v: number): number;
  invert(px: number): number;
}

export function makeScale(domain: Domain, range: [number, number], log = false): Scale {
  const t = log ? (v: number) => Math.log10(v) : (v: number) => v;
  const ti = log ? (v: number) => Math.pow(10, v) : (v: number) => v;
  const d0 = t(domain.min);
  const d1 = t(domain.max);
  const k = (range[1] - range[0]) / (d1 - d0 || 1);
  const scale = ((v: number) => range[0] + (t(v) - d0) * k) as Scale;
  scale.invert = (px: number) => ti(d0 + (px - range[0]) / k);
  return scale;
}
