import { sweepMetric, type EarlyTerminate, type SweepConfig } from "../config.ts";
import type { RunState } from "../states.ts";
import { decideByConfig, PruningLedger, type EvaluationPoint } from "./ledger.ts";

// Pruning replay: what early termination with other settings would have done to a finished
// sweep, from its stored curves. The stored points go through the PruningLedger the executor
// uses live, in the order they were stored, so the sweep's own settings reproduce what it
// pruned. What a replay cannot know, it says:
//   - a run pruned live has a curve only up to its stop; settings that would keep it longer
//     leave it "unknown" past there (counted as training to its end, as it would have);
//   - time saved would have started later runs sooner, and a search that learns from results
//     (bayes) would have proposed other runs; the replay keeps the runs and the order that were.

/** A run of the sweep, as the replay needs it. */
export interface ReplayRun {
  id: string;
  name: string;
  state: RunState;
  /** The steps its config trains for, when it says. */
  plannedSteps?: number;
  lastStep: number;
}

export interface StoppedRun {
  id: string;
  name: string;
  /** The evaluation (1-based) at which it stops, and the step it was logged at. */
  evaluation: number;
  step: number;
  reason: string;
}

export interface PruningOutcome {
  stopped: StoppedRun[];
  /** Training steps saved: the stopped runs' remaining steps over all runs' steps without early termination. */
  steps_saved: number;
  /** Whether the run with the sweep's best stored value would have survived (null: no run logged the metric). */
  best_survived: boolean | null;
  /** The best value of the metric the sweep would have reported (from what its runs would have logged). */
  best: number | null;
  best_run: { id: string; name: string } | null;
  /** Runs pruned live that these settings keep past their stored curve: what they would have logged next is unknown. */
  unknown: { id: string; name: string; last_step: number }[];
}

/** States in which a run ended by itself or by a person: it would have trained no further without early termination. */
const ENDED_ON_ITS_OWN: readonly RunState[] = ["failed", "diverged", "crashed", "stopped"];

interface Curves {
  runs: ReplayRun[];
  byRun: Map<string, EvaluationPoint[]>;
  /** Steps each run would have trained with no early termination. */
  fullSteps: Map<string, number>;
  total: number;
  better: (a: number, b: number) => boolean;
  bestRun: ReplayRun | null;
}

/** Steps each run would have trained with no early termination: where a run ended by itself, else its planned steps (or, unknown, the longest run's). */
function fullStepsOf(runs: readonly ReplayRun[]): Map<string, number> {
  const longest = Math.max(0, ...runs.map((r) => r.lastStep));
  return new Map(runs.map((r) => [r.id, ENDED_ON_ITS_OWN.includes(r.state) ? r.lastStep : (r.plannedSteps ?? longest)]));
}

/**
 * What early termination saved a sweep so far, as the replay counts it: its pruned runs'
 * remaining steps over all its runs' steps without it (0–1); null before anything ended.
 */
export function liveStepsSaved(runs: readonly ReplayRun[]): number | null {
  const full = fullStepsOf(runs);
  let total = 0, saved = 0;
  for (const r of runs) {
    total += full.get(r.id)!;
    if (r.state === "pruned") saved += Math.max(0, full.get(r.id)! - r.lastStep);
  }
  return total > 0 ? saved / total : null;
}

function curvesOf(config: SweepConfig, runs: ReplayRun[], points: readonly EvaluationPoint[]): Curves {
  const byRun = new Map<string, EvaluationPoint[]>(runs.map((r) => [r.id, []]));
  for (const p of points) byRun.get(p.runId)?.push(p);
  const fullSteps = fullStepsOf(runs);
  const total = [...fullSteps.values()].reduce((a, b) => a + b, 0);
  const better = sweepMetric(config).goal === "maximize" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let bestRun: ReplayRun | null = null;
  let bestValue: number | null = null;
  for (const r of runs) {
    const v = bestOf(byRun.get(r.id)!, better);
    if (v !== null && (bestValue === null || better(v, bestValue))) [bestRun, bestValue] = [r, v];
  }
  return { runs, byRun, fullSteps, total, better, bestRun };
}

function bestOf(points: readonly EvaluationPoint[], better: (a: number, b: number) => boolean): number | null {
  let best: number | null = null;
  for (const p of points) if (p.value !== null && Number.isFinite(p.value) && (best === null || better(p.value, best))) best = p.value;
  return best;
}

function outcome(c: Curves, stopped: StoppedRun[], unknown: PruningOutcome["unknown"], savedAt: (s: StoppedRun) => number): PruningOutcome {
  const byId = new Map(stopped.map((s) => [s.id, s]));
  let saved = 0;
  for (const s of stopped) saved += Math.max(0, c.fullSteps.get(s.id)! - savedAt(s));
  let best: number | null = null;
  for (const r of c.runs) {
    const s = byId.get(r.id);
    const points = c.byRun.get(r.id)!;
    const v = bestOf(s ? points.filter((p) => p.step <= s.step) : points, c.better);
    if (v !== null && (best === null || c.better(v, best))) best = v;
  }
  return {
    stopped,
    steps_saved: c.total > 0 ? saved / c.total : 0,
    best_survived: c.bestRun ? !byId.has(c.bestRun.id) : null,
    best,
    best_run: c.bestRun ? { id: c.bestRun.id, name: c.bestRun.name } : null,
    unknown,
  };
}

/**
 * Early termination by `config.early_terminate` over the sweep's stored points (`points` in
 * the order they were stored, as sweepMetricPointsSince returns them).
 */
export function replayPruning(config: SweepConfig, runs: ReplayRun[], points: readonly EvaluationPoint[]): PruningOutcome {
  return replayCurves(config, curvesOf(config, runs, points), points);
}

function replayCurves(config: SweepConfig, c: Curves, points: readonly EvaluationPoint[]): PruningOutcome {
  const runById = new Map(c.runs.map((r) => [r.id, r]));
  const ledger = new PruningLedger(decideByConfig(config), (id) => runById.get(id)?.plannedSteps);
  for (const p of points) if (runById.has(p.runId)) ledger.observe(p);
  const stopped = [...ledger.decisions.values()].map((d) => ({ id: d.runId, name: runById.get(d.runId)!.name, evaluation: d.evaluation, step: d.step, reason: d.reason }));
  const unknown = c.runs.filter((r) => r.state === "pruned" && !ledger.decisions.has(r.id)).map((r) => ({ id: r.id, name: r.name, last_step: r.lastStep }));
  return outcome(c, stopped, unknown, (s) => s.step);
}

/** What the sweep did: its runs that ended `pruned`, stopped where their training stopped. */
export function actualPruning(config: SweepConfig, runs: ReplayRun[], points: readonly EvaluationPoint[]): PruningOutcome {
  const c = curvesOf(config, runs, points);
  const stopped = runs
    .filter((r) => r.state === "pruned")
    .map((r) => ({ id: r.id, name: r.name, evaluation: c.byRun.get(r.id)!.length, step: r.lastStep, reason: "pruned" }));
  return outcome(c, stopped, [], (s) => s.step);
}

export interface GridCell {
  eta: number;
  min_iter: number;
  stopped: number;
  steps_saved: number;
  best_survived: boolean | null;
  best: number | null;
  unknown: number;
}

export const GRID_ETAS = [2, 3, 4] as const;
export const GRID_MIN_ITERS = [1, 2, 3, 5] as const;

/** Hyperband over eta × min_iter (strict as given), one replay per cell. */
export function replayGrid(
  config: SweepConfig,
  runs: ReplayRun[],
  points: readonly EvaluationPoint[],
  strict: boolean,
  etas: readonly number[] = GRID_ETAS,
  minIters: readonly number[] = GRID_MIN_ITERS,
): GridCell[] {
  const c = curvesOf(config, runs, points);
  return etas.flatMap((eta) =>
    minIters.map((min_iter) => {
      const early_terminate: EarlyTerminate = { type: "hyperband", eta, min_iter, strict };
      const o = replayCurves({ ...config, early_terminate }, c, points);
      return { eta, min_iter, stopped: o.stopped.length, steps_saved: o.steps_saved, best_survived: o.best_survived, best: o.best, unknown: o.unknown.length };
    }),
  );
}
