import { creationRank, listRuns, sweepProgress, sweepRuns, type RunRecord, type SweepRecord } from "../../prisma/store";
import { isProgramSweep, parameterNames, parseSweepConfig, sweepSize, type SweepIssue, type SweepParseResult } from "../../sweeps/config";
import { MEASURED_SPEED } from "../../engine/speed";
import { estimateTimeLeft, meanRunMs } from "../../sweeps/estimate";
import { localCapacity, serverExecutorOwner } from "../_server/executor";
import { serverCalibration } from "../_server/speed";
import { foldReplicates, MAX_MODELLED, type Interaction, type ParamImportance } from "../../sweeps/importance";
import { analyzeImportanceOffThread } from "../../sweeps/importance-thread";
import { liveSummaryKeys, type SweepProgressBody } from "../_lib/sweep-progress";

// Server-side loaders of the sweep page and its API routes (store calls, no Prisma here).

/** Runs the sweep will make, from its stored config (null: unbounded or unreadable). */
export function expectedRuns(sweep: SweepRecord, parsed = parseSweepConfig(sweep.config)): number | null {
  return parsed.ok ? sweepSize(parsed.config) : (sweep.runCap ?? null);
}

/** What the sweep's config does that its author may not expect (sweepWarnings), read from the stored config. */
export function configWarnings(sweep: SweepRecord): SweepIssue[] {
  return parseSweepConfig(sweep.config).warnings;
}

export async function loadProgress(sweep: SweepRecord): Promise<SweepProgressBody> {
  const [progress, running] = await Promise.all([sweepProgress(sweep), listRuns({ sweepId: sweep.id, states: ["running"], limit: 256, sort: { field: "index", desc: false } })]);
  const best = progress.best;
  const metric = sweep.metricName;
  const parsed = parseSweepConfig(sweep.config);
  const expected = expectedRuns(sweep, parsed);
  const bestValue = best ? (best.summary[`${metric}_best`] ?? best.summary[metric] ?? null) : null;
  return {
    sweep: { id: sweep.id, name: sweep.name, state: sweep.state, stateReason: sweep.stateReason, createdAt: sweep.createdAt, finishedAt: sweep.finishedAt },
    counts: progress.counts,
    total: progress.total,
    reruns: progress.reruns,
    expected,
    best: best ? { id: best.id, name: best.name, state: best.state, value: bestValue, step: best.summary[`${metric}_best_step`] ?? null, colorRank: await creationRank(best) } : null,
    elapsed: progress.elapsed,
    // (not while running: between reserving an index and creating its run, a poll sees one fewer)
    deleted: sweep.state === "running" ? 0 : Math.max(0, sweep.proposed - progress.total),
    running: running.runs.map((r) => ({
      id: r.id,
      name: r.name,
      state: r.state,
      lastStep: r.lastStep,
      steps: typeof r.config.steps === "number" ? r.config.steps : null,
      value: r.summary[`${metric}_best`] ?? r.summary[metric] ?? null,
      summary: Object.fromEntries(liveSummaryKeys(metric).map((k) => [k, r.summary[k] ?? null])),
    })),
    timeLeft: await timeLeft(sweep, parsed, expected, progress.total, progress.counts.queued, running.runs),
  };
}

/**
 * A running engine sweep's time left: its runs training now at their pace, the queued ones and
 * those still to propose at this server's speed, as many at a time as the sweep's concurrency,
 * the server's workers and its cores allow, and one more for each run training elsewhere (an
 * agent's slot, or another server's on the same database, takes the next run when its run ends).
 * Null otherwise.
 */
async function timeLeft(sweep: SweepRecord, parsed: SweepParseResult, expected: number | null, total: number, queuedCount: number, running: readonly RunRecord[]) {
  const { workers, cores } = localCapacity();
  const here = Math.min(sweep.concurrency, workers, cores);
  const own = serverExecutorOwner();
  const elsewhere = running.filter((r) => r.claimedBy !== null && r.claimedBy !== own).length;
  const parallel = here + elsewhere;
  if (sweep.state !== "running" || expected === null || !parsed.ok || isProgramSweep(sweep.config) || parallel < 1) return null;
  const queued = queuedCount > 0 ? (await listRuns({ sweepId: sweep.id, states: ["queued"], limit: 256, sort: { field: "index", desc: false } })).runs : [];
  const now = Date.now();
  const speed = (await serverCalibration())?.speed ?? MEASURED_SPEED;
  // the sweep's mean run, kept while the speed is the same (a 10,000-run grid takes ~0.6 s)
  const speedKey = JSON.stringify(speed);
  let mean = meanRuns.get(sweep.id);
  if (!mean || mean.speedKey !== speedKey) {
    mean = { speedKey, ms: meanRunMs(parsed.config, speed) };
    meanRuns.set(sweep.id, mean);
    if (meanRuns.size > 64) meanRuns.delete(meanRuns.keys().next().value!);
  }
  if (mean.ms === null) return null;
  const left = estimateTimeLeft({
    config: parsed.config,
    running: running.map((r) => ({ config: r.config, lastStep: r.lastStep, elapsedMs: r.startedAt ? now - Date.parse(r.startedAt) : 0, runtimeMs: typeof r.summary._runtime === "number" ? r.summary._runtime * 1000 : null, resumed: r.interruptions > 0 })),
    queued,
    // queued runs past the first 256 count as runs of the mean length
    toPropose: Math.max(0, expected - total) + Math.max(0, queuedCount - queued.length),
    parallel,
    speed,
    meanRunMs: mean.ms,
  });
  return left && { ...left, slots: { here, elsewhere } };
}

/** Each running sweep's mean run at the speed it was priced at (timeLeft), the 64 last asked for. */
const meanRuns = new Map<string, { speedKey: string; ms: number | null }>();

export interface ImportanceBody {
  metric: string;
  /** runs with a value of the metric */
  runs: number;
  /** distinct configurations among them (seed replicates are one): what the importance is computed from */
  configurations: number;
  /** a model was fitted to a seeded sample of `modelled` configurations, of more (sweeps/importance.ts MAX_MODELLED; the correlations take all); null: to all */
  modelled: number | null;
  params: ParamImportance[];
  /** pairs of parameters that matter together beyond their own effects */
  interactions: Interaction[];
}

/**
 * Each sweep's importance with what it was computed from, the 64 last asked for. A run's end
 * refetches the panel in every open page at once (ImportancePanel's refreshKey), and the model's
 * posterior draws take 0.1 to 1.5 s of CPU: computed once per change of the runs' values, not
 * once per page (pages asking while it is computed wait for the same answer), and in the
 * importance thread (sweeps/importance-thread.ts), so that other requests are served meanwhile.
 */
type ImportanceMemo = Map<string, { inputs: string; body: Promise<ImportanceBody>; done?: ImportanceBody }>;
// on globalThis: the sweep page and the importance route share it, and Next bundles the two apart
const importanceMemo: ImportanceMemo = ((globalThis as { __sweeplabImportance?: ImportanceMemo }).__sweeplabImportance ??= new Map());

/** What the importance is computed from (the runs' parameters and values of the metric, in the runs' order) and its memo key. */
function importanceInputs(sweep: SweepRecord, runs: readonly RunRecord[]) {
  const metric = sweep.metricName;
  const rows = runs.map((r) => {
    const v = r.summary[`${metric}_best`] ?? r.summary[metric];
    return { params: { ...r.params }, value: typeof v === "number" && Number.isFinite(v) ? v : null };
  });
  return { metric, rows, inputs: JSON.stringify([sweep.config, sweep.seed, metric, rows]) };
}

export async function loadImportance(sweep: SweepRecord): Promise<ImportanceBody> {
  const { metric, rows, inputs } = importanceInputs(sweep, await sweepRuns(sweep.id));
  const kept = importanceMemo.get(sweep.id);
  if (kept?.inputs === inputs) return kept.body;
  const body = computeImportance(sweep, metric, rows);
  const entry: { inputs: string; body: Promise<ImportanceBody>; done?: ImportanceBody } = { inputs, body };
  importanceMemo.delete(sweep.id);
  importanceMemo.set(sweep.id, entry);
  if (importanceMemo.size > 64) importanceMemo.delete(importanceMemo.keys().next().value!);
  // a computation that failed is not kept
  body.then(
    (done) => {
      entry.done = done;
    },
    () => {
      if (importanceMemo.get(sweep.id)?.body === body) importanceMemo.delete(sweep.id);
    },
  );
  return body;
}

/**
 * The sweep page's first importance answer, rendered with the page: the body loadImportance
 * computed for these runs (the sweep's, in index order, as the page lists them), when it has
 * finished; else null, and its computation is started, not waited for (it can take over a
 * second of CPU), so that the panel's request, sent once the page hydrates, finds it under way
 * or done.
 */
export function computedImportance(sweep: SweepRecord, runs: readonly RunRecord[]): ImportanceBody | null {
  const kept = importanceMemo.get(sweep.id);
  if (kept?.done && kept.inputs === importanceInputs(sweep, runs).inputs) return kept.done;
  // (a failure is the panel's request's to report)
  loadImportance(sweep).catch(() => {});
  return null;
}

async function computeImportance(sweep: SweepRecord, metric: string, rows: { params: Record<string, unknown>; value: number | null }[]): Promise<ImportanceBody> {
  const parsed = parseSweepConfig(sweep.config);
  const names = parsed.ok ? parameterNames(parsed.config) : [...new Set(rows.flatMap((r) => Object.keys(r.params)))].filter((k) => k !== "seed");
  const { params, interactions, sampled } = await analyzeImportanceOffThread({ runs: rows, config: parsed.ok ? parsed.config : null, seed: sweep.seed });
  const configurations = foldReplicates(rows, names).length;
  return { metric, runs: rows.filter((r) => r.value !== null).length, configurations, modelled: sampled ? MAX_MODELLED : null, params, interactions };
}
