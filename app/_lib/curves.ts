// Shaping run curves for the chart: pick the x of the chosen axis mode, smooth, and build
// group mean lines with bands. Pure; the chart component only draws what this returns.
import type { ChartXMode } from "./chart-scale";
import { aggregateCurves, type BandKind } from "./grouping";
import { median } from "../../sweeps/stop/median";
import { smooth, type Smoothing } from "./smoothing";

export interface CurvePoint {
  /** Step. */
  x: number;
  /** null = NaN (a divergence). */
  y: number | null;
  /** Seconds since the run started (for relative and wall time). */
  t?: number;
}

export interface PreparedCurve {
  key: string;
  name: string;
  color: string;
  xs: number[];
  raw: (number | null)[];
  ys: (number | null)[];
  /** Only for group curves: band and member count per x. */
  lo?: number[];
  hi?: number[];
  n?: number[];
  /** How the line ends, when it ends early (pruned, diverged, stopped, crashed, failed). */
  end?: string;
  /** A dash pattern (canvas setLineDash): a panel of several metrics draws each run's metrics in its colour, one dash per metric. */
  dash?: number[];
}

export function xOf(p: CurvePoint, mode: ChartXMode, startedAt?: number | null): number {
  if (mode === "step" || mode === "value") return p.x;
  const t = p.t ?? p.x;
  return mode === "relative" ? t : (startedAt ?? 0) + t * 1000;
}

/** States that end a run early: its line ends with a marker and the legend says how. */
export const EARLY_END: ReadonlySet<string> = new Set(["pruned", "diverged", "stopped", "crashed", "failed"]);

export function prepareCurve(
  s: { runId: string; name: string; color: string; points: CurvePoint[]; startedAt?: number | null; state?: string; dash?: number[] },
  mode: ChartXMode,
  smoothing: Smoothing,
): PreparedCurve {
  const pts = mode === "step" ? s.points : [...s.points].sort((a, b) => xOf(a, mode, s.startedAt) - xOf(b, mode, s.startedAt));
  const xs = pts.map((p) => xOf(p, mode, s.startedAt));
  const raw = pts.map((p) => (p.y === null || !Number.isFinite(p.y) ? null : p.y));
  return { key: s.runId, name: s.name, color: s.color, xs, raw, ys: smooth(raw, smoothing), end: s.state && EARLY_END.has(s.state) ? s.state : undefined, dash: s.dash };
}

/** One mean line per group, over its members' already-smoothed curves. */
export function groupCurves(
  curves: PreparedCurve[],
  groups: { key: string; label: string; color: string; runIds: string[]; dash?: number[] }[],
  band: BandKind,
): PreparedCurve[] {
  const byKey = new Map(curves.map((c) => [c.key, c]));
  return groups.flatMap((g) => {
    const members = g.runIds.map((id) => byKey.get(id)).filter((c): c is PreparedCurve => !!c && c.xs.length > 0);
    if (members.length === 0) return [];
    const agg = aggregateCurves(members.map((m) => ({ xs: m.xs, ys: m.ys })), band);
    return [{ key: g.key, name: g.label, color: g.color, xs: agg.xs, raw: agg.mean, ys: agg.mean, lo: agg.lo, hi: agg.hi, n: agg.n, dash: g.dash }];
  });
}

/**
 * The typical rate of a series of rates (throughput logged every log_every steps): their
 * median, so the first windows (compiling, warming up) and a busy moment do not move it.
 */
export function typicalRate(values: readonly (number | null)[]): number | null {
  const ok = values.filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  return ok.length === 0 ? null : median(ok);
}
