import { prisma, writeTransaction } from "../client";
import { asStorageError } from "../database";
import type { RunState } from "../../sweeps/states";
import type { MetricPoint, SweepStore, TrialInfo } from "../../sweeps/executor/types";
import { removeRunFiles } from "./housekeeping";
import { appendRunEvents } from "./metrics";
import { toRunRecord, type RunRecord } from "./records";
import { countRuns, createRun, finishRun, getRun, heartbeat, requestStopForSweep, runsByIds, runsToStop, setRunPid, stopQueuedRuns, sweepRuns } from "./runs";
import { claimLock, isPostgres } from "./dialect";
import { query, selectRows, updateReturningIds } from "./sql";
import { asSweepController, getSweep, listSweeps, reserveRunIndex, setSweepState } from "./sweeps";

// The executor's store (sweeps/executor/types.ts SweepStore) on top of the store functions,
// plus the few queries only the executor needs: claims that honour re-runs, crash marking
// and requeueing by id, stale heartbeats and a sweep's metric history.

async function claimWhere(owner: string, condition: string, args: unknown[]): Promise<RunRecord | null> {
  const now = new Date().toISOString();
  const [id] = await updateReturningIds(
    `UPDATE Run SET state = 'running', claimedBy = ?, startedAt = coalesce(startedAt, ?), heartbeatAt = ?, stopRequested = false
     WHERE id = (
       SELECT r.id FROM Run r LEFT JOIN Sweep s ON s.id = r.sweepId
       WHERE r.state = 'queued' AND ${condition}
       ORDER BY r.createdAt, r."index" LIMIT 1${claimLock()}
     ) AND state = 'queued'
     RETURNING id`,
    owner,
    now,
    now,
    ...args,
  );
  return id ? getRun(id) : null;
}

/**
 * Claim the oldest queued run of a sweep: any of a running sweep, and re-runs of a sweep that
 * has ended (a re-run is an explicit request; only pause holds it back). Atomic.
 */
export function claimSweepRun(owner: string, sweepId: string): Promise<RunRecord | null> {
  return claimWhere(owner, `r.sweepId = ? AND (s.state = 'running' OR (r.rerunOf IS NOT NULL AND s.state <> 'paused'))`, [sweepId]);
}

/** Claim a run outside any running/paused sweep: a standalone run, or a re-run in an ended sweep. */
export function claimLooseRun(owner: string): Promise<RunRecord | null> {
  return claimWhere(owner, `(r.sweepId IS NULL OR (r.rerunOf IS NOT NULL AND s.state NOT IN ('running', 'paused')))`, []);
}

/** Mark running runs crashed (the first outcome wins: ended runs are left alone). */
export async function crashRuns(ids: string[], reason: string): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  const crashed = await updateReturningIds(
    `UPDATE Run SET state = 'crashed', error = ?, finishedAt = ?, pid = NULL
     WHERE state = 'running' AND id IN (${ids.map(() => "?").join(",")}) RETURNING id`,
    reason,
    new Date().toISOString(),
    ...ids,
  );
  return runsByIds(crashed);
}

/**
 * Put interrupted runs back in the queue (SweepStore.requeueRuns): queued again, unclaimed, one
 * interruption more, and a log line saying where the run resumes. A run with a stop request
 * ends `stopped`; one interrupted more than `maxInterruptions` times ends `crashed`.
 */
export async function requeueRuns(ids: string[], reason: string, options: { maxInterruptions: number }): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  return writeTransaction(async (tx) => {
    const changed: RunRecord[] = [];
    const now = new Date();
    for (const run of await tx.run.findMany({ where: { id: { in: ids }, state: "running" } })) {
      const interruptions = (run.interruptions ?? 0) + 1;
      const at = `interrupted at step ${run.lastStep}: ${reason}`;
      const ended = { finishedAt: now, pid: null };
      const [data, message] = run.stopRequested
        ? [{ ...ended, state: "stopped", interruptions }, `${at}; it had been asked to stop, so it ends stopped`]
        : interruptions > options.maxInterruptions
          ? [{ ...ended, state: "crashed", interruptions, error: `crashed: interrupted ${interruptions} times (the last time ${reason})` }, `${at}; interrupted ${interruptions} times, it is not resumed again`]
          : [
              { state: "queued", claimedBy: null, pid: null, heartbeatAt: null, interruptions },
              `${at}; it resumes ${run.checkpointStep !== null ? `from its checkpoint at step ${run.checkpointStep}` : "from the start (no checkpoint yet)"}`,
            ];
      const result = await tx.run.updateMany({ where: { id: run.id, state: "running" }, data });
      if (result.count === 0) continue;
      await tx.logLine.create({ data: { runId: run.id, step: run.lastStep, level: "warn", message } });
      changed.push(toRunRecord((await tx.run.findUnique({ where: { id: run.id } }))!));
    }
    return changed;
  });
}

export async function runningRuns(): Promise<RunRecord[]> {
  const rows = await prisma().run.findMany({ where: { state: "running" } });
  return rows.map((r) => toRunRecord(r));
}

export async function staleRuns(olderThanMs: number): Promise<RunRecord[]> {
  const cutoff = new Date(Date.now() - olderThanMs);
  const rows = await prisma().run.findMany({
    where: { state: "running", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: cutoff } }] },
  });
  return rows.map((r) => toRunRecord(r));
}

/**
 * The points of one metric of a sweep's runs stored after `afterSeq`, in the order they were
 * stored: SQLite's rowid, which grows with every insert (a point stored again in place keeps
 * its rowid). Early termination decides in this order, live and in a replay
 * (sweeps/stop/ledger.ts). The first read walks the sweep's runs; later ones only the rows
 * stored since (a rowid range: CROSS JOIN keeps Metric the outer loop).
 */
export async function sweepMetricPointsSince(sweepId: string, metric: string, afterSeq = 0): Promise<MetricPoint[]> {
  const columns = { seq: "number", runId: "text", step: "number", value: "number" } as const;
  // Postgres: Metric.seq, from a sequence, taken under the sweep's ingestion lock (appendRunEvents:
  // one report of a sweep at a time), so points become visible in seq order as in rowid order
  if (isPostgres()) {
    const rows = await selectRows(
      query(
        `SELECT m.seq AS seq, m.runId, m.step, m.value FROM Metric m JOIN Run r ON r.id = m.runId
         WHERE m.seq > ? AND m.name = ? AND r.sweepId = ? ORDER BY m.seq`,
        [Math.max(0, afterSeq), metric, sweepId],
        columns,
      ),
    );
    return rows.map((r) => ({ seq: r.seq ?? 0, runId: r.runId!, step: r.step ?? 0, value: r.value }));
  }
  const rows = await selectRows(
    afterSeq <= 0
      ? query(
          `SELECT m.rowid AS seq, m.runId, m.step, m.value FROM Metric m JOIN Run r ON r.id = m.runId
           WHERE r.sweepId = ? AND m.name = ? ORDER BY m.rowid`,
          [sweepId, metric],
          columns,
        )
      : query(
          `SELECT m.rowid AS seq, m.runId, m.step, m.value FROM Metric m CROSS JOIN Run r ON r.id = m.runId
           WHERE m.rowid > ? AND m.name = ? AND r.sweepId = ? ORDER BY m.rowid`,
          [afterSeq, metric, sweepId],
          columns,
        ),
  );
  return rows.map((r) => ({ seq: r.seq ?? 0, runId: r.runId!, step: r.step ?? 0, value: r.value }));
}

/** Every method of `store`, its failures to store (a full disk, a busy database) as StorageErrors that say so. */
export function withStorageErrors<T extends object>(store: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store)) {
    wrapped[name] =
      typeof fn !== "function"
        ? fn
        : async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              throw asStorageError(error) ?? error;
            }
          };
  }
  return wrapped as T;
}

/** The prisma-backed SweepStore the executor runs on. */
export function executorStore(): SweepStore {
  return withStorageErrors(rawExecutorStore());
}

function rawExecutorStore(): SweepStore {
  const trial = (r: RunRecord): TrialInfo => r;
  return {
    getSweep,
    runningSweeps: async () => (await listSweeps({ states: ["running"] })).reverse(),
    setSweepState: (id, state, options) => setSweepState(id, state, options),
    reserveRunIndex,
    asSweepController,
    createRun: async (input) => trial(await createRun(input)),
    claimRun: claimSweepRun,
    claimLooseRun,
    setRunPid,
    appendRunEvents,
    heartbeat,
    runsToStop,
    finishRun: async (id, outcome) => {
      const run = await finishRun(id, outcome);
      // deleted while it trained: the checkpoint its worker committed since goes too
      if (!run && !(await getRun(id))) removeRunFiles(id);
      return run;
    },
    sweepTrials: sweepRuns,
    countRuns: (sweepId: string, states: RunState[]) => countRuns({ sweepId, states }),
    stopQueuedRuns,
    requestStopForSweep,
    runningRuns,
    crashRuns,
    requeueRuns,
    staleRuns,
    metricPointsSince: sweepMetricPointsSince,
  };
}
