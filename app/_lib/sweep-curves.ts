import type { CompareDelta, CompareDeltaRun, SeriesTuple } from "./compare-api";
import { colorOf, type RunColors } from "./colors";
import { TERMINAL_RUN_STATES } from "../../sweeps/states";

// Live curves views (the sweep's overlaid-curves panel, the compare page): what they hold of
// the compare endpoint's incremental answers (held runs and series, merged poll after poll),
// what they ask for next, and (the sweep panel) one curve per run from what it holds.

export interface SweepCurve {
  runId: string;
  name: string;
  color: string;
  state: string;
  startedAt: number | null;
  points: { x: number; y: number | null; t: number }[];
}

/** Runs and series as the compare endpoint gives them (a CompareResponse or what the panel holds). */
export interface CurvesData {
  runs: readonly CompareDeltaRun[];
  series: Record<string, Record<string, SeriesTuple[]>>;
}

/** What a live view holds: every run of the view in its order, their series merged from each poll (and the view's metric names when the answers carry them, detail=1). */
export interface HeldCurves<R extends CompareDeltaRun = CompareDeltaRun> extends CurvesData {
  runs: R[];
  names?: string[];
}

/** Curves of `metric`, one per run that logged it, in run order, in the sweep page's colours; only `visible` runs when given (the brush). */
export function sweepCurveSeries(data: CurvesData, metric: string, visible: ReadonlySet<string> | null, colors: RunColors): SweepCurve[] {
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

const ENDED = new Set<string>(TERMINAL_RUN_STATES);
/** Beyond this many open runs the poll's URL would grow long: ask for the whole view instead (a sweep proposes runs as workers free up, so this is rare). */
export const MAX_OPEN = 300;

/**
 * The next poll's query (since= and open=, see compare-api.ts) for what is held. A run that
 * has ended was received with its last points and is never asked for again. An open run is
 * asked for the points after the last step it holds of every metric; whole when it holds
 * none of one of them yet, or more than 2 × `points` of one (a downsampled head and a raw
 * tail that grew long: app/compare/data.ts explains the choice). A series of `pairs` (y~x)
 * comes with up to `points` more per partner (its partners' steps): so much more is allowed.
 */
export function curvesQuery(held: HeldCurves<CompareDeltaRun> | null, keys: readonly string[], points: number, pairs: readonly (readonly [string, string])[] = []): string {
  if (!held || held.runs.length === 0) return "since=0";
  const partners = new Map<string, number>();
  for (const pair of pairs) for (const k of pair) partners.set(k, (partners.get(k) ?? 0) + 1);
  const open: string[] = [];
  for (const run of held.runs) {
    if (ENDED.has(run.state)) continue;
    const series = held.series[run.id] ?? {};
    let step = Infinity;
    for (const key of keys) {
      const pts = series[key] ?? [];
      step = pts.length === 0 || pts.length > (2 + (partners.get(key) ?? 0)) * points ? -1 : Math.min(step, pts[pts.length - 1][0]);
      if (step < 0) break;
    }
    open.push(step < 0 || step === Infinity ? run.id : `${run.id}:${step}`);
  }
  if (open.length > MAX_OPEN) return "since=0";
  const since = `since=${held.runs.length}.${held.runs[held.runs.length - 1].id}`;
  return open.length ? `${since}&open=${open.join(",")}` : since;
}

/**
 * A first answer (the server's render) as what a live view of `keys` holds, or null (ask for
 * the view whole) when it was read for other metrics and lacks some of `keys`: curvesQuery
 * never asks an ended run again, so a series the first answer left out would never come.
 */
export function heldFirst<R extends CompareDeltaRun>(first: HeldCurves<R>, fetched: readonly string[], keys: readonly string[]): HeldCurves<R> | null {
  return keys.every((k) => fetched.includes(k)) ? first : null;
}

/** `held` (a series up to `after`) followed by the points after it (`stepOf` a point; unchanged: the same array). The compare page's and the run page's live curves both append so. */
export function appendTail<P>(held: readonly P[], tail: readonly P[], after: number, stepOf: (p: P) => number): P[] {
  let keep = held.length;
  while (keep > 0 && stepOf(held[keep - 1]) > after) keep--;
  return keep === held.length && tail.length === 0 ? (held as P[]) : [...held.slice(0, keep), ...tail];
}
const tupleStep = (p: SeriesTuple) => p[0];

/**
 * Merge a poll's answer into what is held (pure; unchanged runs keep their arrays). A held
 * run's fields are updated by the answer's, not replaced: what the answer leaves out of a run
 * it already sent (detail=1's config) stays.
 */
export function mergeCurves<R extends CompareDeltaRun>(held: HeldCurves<R> | null, delta: CompareDelta<R>): HeldCurves<R> {
  const base: HeldCurves<R> = !held || delta.reset ? { runs: [], series: {} } : held;
  const runs = [...base.runs];
  const series = { ...base.series };
  const at = new Map(runs.map((r, i) => [r.id, i]));
  for (const run of delta.runs) {
    const i = at.get(run.id);
    if (i === undefined) {
      at.set(run.id, runs.length);
      runs.push(run);
    } else runs[i] = { ...runs[i], ...run };
    const incoming = delta.series[run.id] ?? {};
    const after = delta.tails[run.id];
    if (after === undefined) {
      series[run.id] = incoming;
      continue;
    }
    const mine = series[run.id] ?? {};
    const next: Record<string, SeriesTuple[]> = {};
    for (const name of new Set([...Object.keys(mine), ...Object.keys(incoming)])) next[name] = appendTail(mine[name] ?? [], incoming[name] ?? [], after, tupleStep);
    series[run.id] = next;
  }
  const names = delta.names ?? base.names;
  return names ? { runs, series, names } : { runs, series };
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
