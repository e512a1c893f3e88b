import { RUN_STATES, type RunState, type SweepState } from "../../sweeps/states";
import type { StoredSummary, SummaryValue } from "../../sweeps/summary";

// The sweep page's live numbers: what GET /api/sweeps/:id/progress returns, and the pure
// helpers that turn it into the progress bar and the "has anything changed" signature.

export interface ProgressRun {
  id: string;
  name: string;
  state: RunState;
  lastStep: number;
  steps: number | null;
  /** its best value of the sweep metric so far */
  value: SummaryValue;
  /** its summary's values of the sweep metric (m, m_best, m_best_step): the table and the chart show them live without a refetch */
  summary: StoredSummary;
}

export interface BestRun {
  id: string;
  name: string;
  state: RunState;
  value: SummaryValue;
  step: SummaryValue;
  /** its place in the sweep's creation order: its colour in the sweep's view, on the sweeps list too */
  colorRank: number;
}

export interface SweepProgressBody {
  sweep: { id: string; name: string; state: SweepState; stateReason: string | null; createdAt: string; finishedAt: string | null };
  /** the sweep's own runs by state (re-runs apart: they are not part of its budget) */
  counts: Record<RunState, number>;
  total: number;
  /** re-runs of its runs by state */
  reruns: Record<RunState, number>;
  /** runs the sweep will make in all (grid size or run_cap), null when unbounded */
  expected: number | null;
  best: BestRun | null;
  /** seconds since the sweep was created (to its end once it ended) */
  elapsed: number;
  /** runs the sweep made that were deleted since (its proposals less the runs it has); 0 while it runs */
  deleted: number;
  /** the runs training now, with their step (live without refetching the table) */
  running: ProgressRun[];
  /**
   * until the last run ends, at this server's speed (sweeps/estimate.ts estimateTimeLeft), with
   * the runs at a time it assumes: this server's, and one for each run training elsewhere (an
   * agent, another server); null: nothing trains it, or no bound on its runs
   */
  timeLeft?: { ms: number; upperBound: boolean; slots: { here: number; elsewhere: number } } | null;
}

/** The runs at a time a time left assumes, in words: "3 runs at a time: 1 on this server, 2 elsewhere (agents, other servers)". */
export function slotsText({ here, elsewhere }: { here: number; elsewhere: number }): string {
  const n = here + elsewhere;
  const head = `${n} run${n === 1 ? "" : "s"} at a time`;
  if (elsewhere === 0) return `${head} on this server`;
  if (here === 0) return `${head}, all elsewhere (agents, other servers)`;
  return `${head}: ${here} on this server, ${elsewhere} elsewhere (agents, other servers)`;
}

/** The summary keys of a metric that the progress poll carries for running runs. */
export const liveSummaryKeys = (metric: string) => [metric, `${metric}_best`, `${metric}_best_step`];

/**
 * The run list with the running runs' step and metric as the last progress poll saw them, so
 * the table and the parallel coordinates show the same, current values (issue 17 §4: the lines
 * ended near 2.2 and 2.6 while the table said 1.868 and 2.104). Unchanged runs keep their objects.
 */
export function withLiveValues<R extends { id: string; lastStep: number; summary: StoredSummary }>(runs: R[], running: readonly Pick<ProgressRun, "id" | "lastStep" | "summary">[]): R[] {
  if (running.length === 0) return runs;
  const live = new Map(running.map((r) => [r.id, r]));
  let changed = false;
  const out = runs.map((r) => {
    const now = live.get(r.id);
    if (!now || !(now.lastStep > r.lastStep || Object.entries(now.summary).some(([k, v]) => v !== null && r.summary[k] !== v))) return r;
    changed = true;
    const summary = { ...r.summary };
    for (const [k, v] of Object.entries(now.summary)) if (v !== null) summary[k] = v;
    return { ...r, lastStep: Math.max(r.lastStep, now.lastStep), summary };
  });
  return changed ? out : runs;
}

export const FAILED_STATES: readonly RunState[] = ["failed", "diverged", "crashed"];

export interface ProgressSegment {
  key: "finished" | "pruned" | "failed" | "stopped" | "running" | "queued" | "deleted";
  label: string;
  count: number;
  /** share of the bar, 0..1 */
  share: number;
}

/** Bar segments in reading order; failed groups failed + diverged + crashed; `deleted`: runs the sweep made that were deleted since. */
export function progressSegments(counts: Record<RunState, number>, expected: number | null, deleted = 0): ProgressSegment[] {
  const failed = FAILED_STATES.reduce((s, k) => s + (counts[k] ?? 0), 0);
  const parts: [ProgressSegment["key"], string, number][] = [
    ["finished", "finished", counts.finished ?? 0],
    ["pruned", "pruned", counts.pruned ?? 0],
    ["failed", "failed", failed],
    ["stopped", "stopped", counts.stopped ?? 0],
    ["running", "running", counts.running ?? 0],
    ["queued", "queued", counts.queued ?? 0],
    ["deleted", "deleted", deleted],
  ];
  const total = parts.reduce((s, p) => s + p[2], 0);
  const denominator = Math.max(total, expected ?? 0, 1);
  return parts.map(([key, label, count]) => ({ key, label, count, share: count / denominator }));
}

/** The runs done are out of: the sweep's bound, or once it has ended (unbounded) the runs it made, deleted ones included; null while it runs unbounded. */
export function expectedTotal(p: Pick<SweepProgressBody, "expected" | "total" | "deleted"> & { sweep: { state: string } }): number | null {
  return p.expected ?? (p.sweep.state === "running" || p.sweep.state === "paused" ? null : p.total + p.deleted);
}

/** Runs that have ended, in any way. */
export function doneCount(counts: Record<RunState, number>): number {
  return RUN_STATES.filter((s) => s !== "queued" && s !== "running").reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** Changes when the run table, the chart or the importance must be refetched (not on every step). */
export function tableSignature(p: Pick<SweepProgressBody, "counts" | "best" | "sweep"> & { reruns?: Record<RunState, number> }): string {
  const states = (c: Partial<Record<RunState, number>> = {}) => RUN_STATES.map((s) => c[s] ?? 0).join(".");
  return `${states(p.counts)}|${states(p.reruns)}|${p.best?.id ?? ""}|${p.sweep.state}`;
}

/** Runs (its own and re-runs) training or waiting to. */
export function liveCount(p: Pick<SweepProgressBody, "counts"> & { reruns?: Record<RunState, number> }): number {
  return (p.counts.running ?? 0) + (p.reruns?.running ?? 0) + (p.reruns?.queued ?? 0);
}

export function isActive(p: Pick<SweepProgressBody, "counts" | "sweep"> & { reruns?: Record<RunState, number> }): boolean {
  if (p.sweep.state === "running" || p.sweep.state === "paused") return true;
  return liveCount(p) > 0; // an ended sweep whose last runs are still stopping, or a re-run of one of its runs
}

/** "2 re-runs (1 running)": re-runs are shown beside the sweep's budget, never in it. */
export function rerunText(reruns: Record<RunState, number> | undefined): string | null {
  if (!reruns) return null;
  const total = RUN_STATES.reduce((n, s) => n + (reruns[s] ?? 0), 0);
  if (total === 0) return null;
  const live = (reruns.running ?? 0) + (reruns.queued ?? 0);
  return `${total} re-run${total === 1 ? "" : "s"}${live > 0 ? ` (${live} ${reruns.running ? "running" : "queued"})` : ""}`;
}
