import type { CompareResponse } from "./compare-api";
import { colorOf, type RunColors } from "./colors";

// The compare endpoint's response → one curve per run for the sweep's overlaid-curves panel.

export interface SweepCurve {
  runId: string;
  name: string;
  color: string;
  state: string;
  startedAt: number | null;
  points: { x: number; y: number | null; t: number }[];
}

/** Curves of `metric`, one per run that logged it, in run order, in the sweep page's colours; only `visible` runs when given (the brush). */
export function sweepCurveSeries(data: CompareResponse, metric: string, visible: ReadonlySet<string> | null, colors: RunColors): SweepCurve[] {
  const out: SweepCurve[] = [];
  for (const run of data.runs) {
    if (visible && !visible.has(run.id)) continue;
    const tuples = data.series[run.id]?.[metric] ?? [];
    if (tuples.length === 0) continue;
    out.push({
      runId: run.id,
      name: run.name,
      color: colorOf(colors, run.id),
      state: run.state,
      startedAt: run.startedAt ? Date.parse(run.startedAt) : null,
      points: tuples.map(([step, value, wallTime]) => ({ x: step, y: value, t: wallTime })),
    });
  }
  return out;
}

/** Positive values whose largest is at least `ratio` times the smallest: a log y axis reads better. */
export function spansDecades(curves: readonly SweepCurve[], ratio = 100): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves)
    for (const p of c.points) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      if (p.y <= 0) return false;
      lo = Math.min(lo, p.y);
      hi = Math.max(hi, p.y);
    }
  return hi / lo >= ratio;
}
