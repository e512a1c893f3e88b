import { RUN_STATES, type RunState, type SweepState } from "../../sweeps/states";

// The sweep page's live numbers: what GET /api/sweeps/:id/progress returns, and the pure
// helpers that turn it into the progress bar and the "has anything changed" signature.

export interface ProgressRun {
  id: string;
  name: string;
  state: RunState;
  lastStep: number;
  steps: number | null;
  /** its best value of the sweep metric so far (the table shows it live without a refetch) */
  value: number | null;
}

export interface BestRun {
  id: string;
  name: string;
  state: RunState;
  value: number | null;
  step: number | null;
  /** its place in the sweep's creation order: its colour in the sweep's view, on the sweeps list too */
  colorRank: number;
}

export interface SweepProgressBody {
  sweep: { id: string; name: string; state: SweepState; stateReason: string | null; createdAt: string; finishedAt: string | null };
  counts: Record<RunState, number>;
  total: number;
  /** runs the sweep will make in all (grid size or run_cap), null when unbounded */
  expected: number | null;
  best: BestRun | null;
  /** seconds since the sweep was created (to its end once it ended) */
  elapsed: number;
  /** the runs training now, with their step (live without refetching the table) */
  running: ProgressRun[];
}

export const FAILED_STATES: readonly RunState[] = ["failed", "diverged", "crashed"];

export interface ProgressSegment {
  key: "finished" | "pruned" | "failed" | "stopped" | "running" | "queued";
  label: string;
  count: number;
  /** share of the bar, 0..1 */
  share: number;
}

/** Bar segments in reading order; failed groups failed + diverged + crashed. */
export function progressSegments(counts: Record<RunState, number>, expected: number | null): ProgressSegment[] {
  const failed = FAILED_STATES.reduce((s, k) => s + (counts[k] ?? 0), 0);
  const parts: [ProgressSegment["key"], string, number][] = [
    ["finished", "finished", counts.finished ?? 0],
    ["pruned", "pruned", counts.pruned ?? 0],
    ["failed", "failed", failed],
    ["stopped", "stopped", counts.stopped ?? 0],
    ["running", "running", counts.running ?? 0],
    ["queued", "queued", counts.queued ?? 0],
  ];
  const total = parts.reduce((s, p) => s + p[2], 0);
  const denominator = Math.max(total, expected ?? 0, 1);
  return parts.map(([key, label, count]) => ({ key, label, count, share: count / denominator }));
}

/** Runs that have ended, in any way. */
export function doneCount(counts: Record<RunState, number>): number {
  return RUN_STATES.filter((s) => s !== "queued" && s !== "running").reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** Changes when the run table, the chart or the importance must be refetched (not on every step). */
export function tableSignature(p: Pick<SweepProgressBody, "counts" | "best" | "sweep">): string {
  return `${RUN_STATES.map((s) => p.counts[s] ?? 0).join(".")}|${p.best?.id ?? ""}|${p.sweep.state}`;
}

export function isActive(p: Pick<SweepProgressBody, "counts" | "sweep">): boolean {
  if (p.sweep.state === "running" || p.sweep.state === "paused") return true;
  return (p.counts.running ?? 0) > 0; // an ended sweep whose last runs are still stopping
}
