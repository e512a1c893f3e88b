import { sweepRuns, type SweepRecord } from "../../prisma/store";
import { sweepMetricPointsSince } from "../../prisma/store/executor-store";
import { parseSweepConfig, sweepMetric, type EarlyTerminate, type SweepIssue } from "../../sweeps/config";
import { plannedStepsOf } from "../../sweeps/stop/ledger";
import { actualPruning, GRID_ETAS, GRID_MIN_ITERS, replayGrid, replayPruning, type GridCell, type PruningOutcome, type ReplayRun, type StoppedRun } from "../../sweeps/stop/replay";

// POST /api/sweeps/:id/replay: early termination with other settings over a sweep's stored
// curves (sweeps/stop/replay.ts), beside what the sweep did, and a grid over eta × min_iter.

export interface ReplayBody extends PruningOutcome {
  metric: { name: string; goal: "minimize" | "maximize" };
  /** The settings replayed (defaults filled in), and the sweep's own. */
  early_terminate: EarlyTerminate;
  own: EarlyTerminate | null;
  runs: number;
  actual: PruningOutcome;
  /**
   * What the live rule decided: the replay with the sweep's own settings (null: it had none).
   * It holds the runs that ended pruned, and any whose worker finished before the stop reached it.
   */
  decided_live: StoppedRun[] | null;
  grid: { etas: readonly number[]; min_iters: readonly number[]; strict: boolean; cells: GridCell[] };
}

export type ReplayResult = { ok: true; body: ReplayBody } | { ok: false; issues: SweepIssue[] };

/** The sweep's own early termination settings (null: none, or an unreadable config). */
export function ownSettings(sweep: SweepRecord): EarlyTerminate | null {
  const stored = parseSweepConfig(sweep.config);
  return (stored.ok && stored.config.early_terminate) || null;
}

export async function loadReplay(sweep: SweepRecord, earlyTerminate: unknown): Promise<ReplayResult> {
  // the same schema as a sweep's config: the stored config with the asked early_terminate
  const parsed = parseSweepConfig({ ...(sweep.config as Record<string, unknown>), early_terminate: earlyTerminate });
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const config = parsed.config;
  const early_terminate = config.early_terminate!;
  const metric = sweepMetric(config); // (the schema refuses early_terminate without one)
  const [records, points] = await Promise.all([sweepRuns(sweep.id), sweepMetricPointsSince(sweep.id, metric.name, 0)]);
  const runs: ReplayRun[] = records
    .filter((r) => r.state !== "queued")
    .map((r) => ({ id: r.id, name: r.name, state: r.state, plannedSteps: plannedStepsOf(r.config as Record<string, unknown>), lastStep: r.lastStep }));
  const own = ownSettings(sweep);
  const strict = early_terminate.type === "hyperband" ? early_terminate.strict : true;
  return {
    ok: true,
    body: {
      metric: { name: metric.name, goal: metric.goal },
      early_terminate,
      own,
      runs: runs.length,
      ...replayPruning(config, runs, points),
      actual: actualPruning(config, runs, points),
      decided_live: own ? replayPruning({ ...config, early_terminate: own }, runs, points).stopped : null,
      grid: { etas: GRID_ETAS, min_iters: GRID_MIN_ITERS, strict, cells: replayGrid(config, runs, points, strict) },
    },
  };
}
