import { prisma } from "../client";
import type { RunState, SweepState } from "../../sweeps/states";
import { RUN_STATES } from "../../sweeps/states";
import { newId } from "./ids";
import { toSweepRecord, type Json, type RunRecord, type SweepRecord } from "./records";
import { float8Of, isPostgres } from "./dialect";
import { DEFAULT_DATABASE_URL } from "../database";
import { LOCKS, pgPool } from "../postgres";
import { getRun } from "./runs";
import { query, selectRows } from "./sql";
import { jsonKeyPath } from "./sql-sqlite";

export interface NewSweep {
  name?: string;
  config: Json;
  rawConfig: string;
  method: string;
  metricName: string;
  metricGoal: "minimize" | "maximize";
  concurrency: number;
  seed: number;
  runCap?: number | null;
  /** Default "running". Fixtures and imports create sweeps already finished, so no executor picks them up. */
  state?: SweepState;
  /** The one executor that runs it (the `npm run sweep` that launched it); default null: shared. */
  heldBy?: string | null;
  project?: string;
}

export async function createSweep(input: NewSweep): Promise<SweepRecord> {
  const id = newId();
  const row = await prisma().sweep.create({
    data: {
      id,
      name: input.name?.trim() || `sweep-${id.slice(0, 4)}`,
      config: JSON.stringify(input.config),
      rawConfig: input.rawConfig,
      method: input.method,
      metricName: input.metricName,
      metricGoal: input.metricGoal,
      concurrency: input.concurrency,
      seed: input.seed,
      runCap: input.runCap ?? null,
      heldBy: input.heldBy ?? null,
      ...(input.project ? { project: input.project } : {}),
      ...(input.state ? { state: input.state, finishedAt: input.state === "running" || input.state === "paused" ? null : new Date() } : {}),
    },
  });
  return toSweepRecord(row);
}

export async function getSweep(id: string): Promise<SweepRecord | null> {
  const row = await prisma().sweep.findUnique({ where: { id } });
  return row ? toSweepRecord(row) : null;
}

/** Sweeps newest first; `archived`: hide the archived ones, show them too (the default), or only them. */
export interface SweepListOptions {
  states?: SweepState[];
  archived?: "hide" | "include" | "only";
  /** Sweeps of this project only. */
  project?: string;
  /** A page of them, newest first (absent: all). */
  limit?: number;
  offset?: number;
}

const sweepWhere = (options: SweepListOptions) => ({
  ...(options.states ? { state: { in: options.states } } : {}),
  ...(options.archived === "hide" ? { archivedAt: null } : options.archived === "only" ? { archivedAt: { not: null } } : {}),
  ...(options.project !== undefined ? { project: options.project } : {}),
});

/** Sweeps, newest first: a page of them with `limit`/`offset` (the createdAt index reads just that page). */
export async function listSweeps(options: SweepListOptions = {}): Promise<SweepRecord[]> {
  const rows = await prisma().sweep.findMany({
    where: sweepWhere(options),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...(options.limit !== undefined ? { take: options.limit, skip: options.offset ?? 0 } : {}),
  });
  return rows.map(toSweepRecord);
}

/** How many sweeps listSweeps would give without a page. */
export async function countSweeps(options: Omit<SweepListOptions, "limit" | "offset"> = {}): Promise<number> {
  return prisma().sweep.count({ where: sweepWhere(options) });
}

/** Change a sweep's state; `from` guards against races (e.g. only resume a paused sweep). */
export async function setSweepState(
  id: string,
  state: SweepState,
  options: { reason?: string | null; from?: SweepState[] } = {},
): Promise<SweepRecord | null> {
  const terminal = state === "finished" || state === "cancelled" || state === "failed";
  const result = await prisma().sweep.updateMany({
    where: { id, ...(options.from ? { state: { in: options.from } } : {}) },
    data: { state, stateReason: options.reason ?? null, finishedAt: terminal ? new Date() : null },
  });
  if (result.count === 0) return null;
  return getSweep(id);
}

/** Who may run the sweep's runs besides executors told its id: one executor (its owner id), or null: everyone (Sweep.heldBy). */
export async function setSweepHolder(id: string, heldBy: string | null): Promise<SweepRecord | null> {
  const result = await prisma().sweep.updateMany({ where: { id }, data: { heldBy } });
  return result.count === 0 ? null : getSweep(id);
}

/** Reserve the next run index of a sweep (the executor proposes one run per index). */
export async function reserveRunIndex(id: string): Promise<number> {
  const row = await prisma().sweep.update({ where: { id }, data: { proposed: { increment: 1 } }, select: { proposed: true } });
  return row.proposed - 1;
}

/**
 * Run `decide` as the sweep's controller: the one process, of every server and agent sharing the
 * database, that decides about the sweep at this moment (reads its history and proposes, reserves
 * and queues its next run; or finds it done), so a search such as bayes always proposes from a
 * history no other proposal is being added to, and a sweep is never found done while its next run
 * is being queued. In this process: one decision per sweep at a time. On PostgreSQL, across
 * processes: a session advisory lock keyed by the sweep, held on a connection of this process
 * while it decides. Servers on many machines take turns; a server that dies mid-decision loses its
 * connection and with it the lock, so another takes over at once (no lease to expire). SQLite
 * is one machine: its writes are serialised by the file's lock.
 */
export function asSweepController<T>(sweepId: string, decide: () => Promise<T>): Promise<T> {
  const previous = deciding.get(sweepId) ?? Promise.resolve();
  const mine = previous.then(() => (isPostgres() ? underAdvisoryLock(sweepId, decide) : decide()));
  const settled = mine.then(
    () => {},
    () => {},
  );
  deciding.set(sweepId, settled);
  void settled.then(() => deciding.get(sweepId) === settled && deciding.delete(sweepId));
  return mine;
}

/** The last decision queued for each sweep in this process. */
const deciding = new Map<string, Promise<void>>();

async function underAdvisoryLock<T>(sweepId: string, decide: () => Promise<T>): Promise<T> {
  const pool = await pgPool(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCKS.sweep}, hashtext($1))`, [sweepId]);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  try {
    return await decide();
  } finally {
    try {
      await client.query(`SELECT pg_advisory_unlock(${LOCKS.sweep}, hashtext($1))`, [sweepId]);
      client.release();
    } catch (error) {
      client.release(error as Error); // a connection in doubt is closed, which releases what it held
    }
  }
}

export interface SweepProgress {
  /** The sweep's own runs by state (its budget: grid size or run_cap); re-runs are counted apart. */
  counts: Record<RunState, number>;
  total: number;
  /** Re-runs of its runs (same config and seed, asked for by a person) by state. */
  reruns: Record<RunState, number>;
  best: RunRecord | null;
  /** Seconds from the sweep's creation to its end (or now). */
  elapsed: number;
}

/** Counts of runs per state and the best run by the sweep's metric: the cheap live endpoint. */
export async function sweepProgress(sweep: SweepRecord): Promise<SweepProgress> {
  const rows = await selectRows(
    query(`SELECT state, rerunOf IS NOT NULL AS rerun, count(*) AS n FROM Run WHERE sweepId = ? GROUP BY state, rerunOf IS NOT NULL`, [sweep.id], { state: "text", rerun: "bool", n: "number" }),
  );
  const zero = () => Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
  const [counts, reruns] = [zero(), zero()];
  for (const r of rows) (r.rerun ? reruns : counts)[r.state as RunState] = r.n ?? 0;
  const direction = sweep.metricGoal === "maximize" ? "DESC" : "ASC";
  // its best value of the metric, or its last one for a metric whose best is not tracked (summary.ts)
  const [bestKey, lastKey, stepKey] = [`${sweep.metricName}_best`, sweep.metricName, `${sweep.metricName}_best_step`];
  // a summary key's value when it is a number: one CASE branch, and its arguments
  const numberAt = (key: string): [string, unknown[]] =>
    isPostgres()
      ? [`WHEN jsonb_typeof("summaryJsonb" -> CAST(? AS TEXT)) = 'number' THEN ${float8Of(`"summaryJsonb" -> CAST(? AS TEXT)`)}`, [key, key, key, key]]
      : [`WHEN json_type(summary, ?) IN ('real', 'integer') THEN json_extract(summary, ?)`, [jsonKeyPath(key), jsonKeyPath(key)]];
  const [[bestWhen, bestArgs], [lastWhen, lastArgs], [stepWhen, stepArgs]] = [numberAt(bestKey), numberAt(lastKey), numberAt(stepKey)];
  const value = `CASE ${bestWhen} ${lastWhen} END`;
  const valueArgs = [...bestArgs, ...lastArgs];
  // of runs that tie, the one that reached it at the earlier step, then the earlier run
  const step = `CASE ${stepWhen} END`;
  const [best] = await selectRows(
    query(
      `SELECT id FROM Run WHERE sweepId = ? AND ${value} IS NOT NULL ORDER BY ${value} ${direction}, (${step}) IS NULL, ${step} ASC, "index" ASC, id ASC LIMIT 1`,
      [sweep.id, ...valueArgs, ...valueArgs, ...stepArgs, ...stepArgs],
      { id: "text" },
    ),
  );
  const end = sweep.finishedAt ? Date.parse(sweep.finishedAt) : Date.now();
  return {
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    reruns,
    best: best ? await getRun(best.id!) : null,
    elapsed: Math.max(0, (end - Date.parse(sweep.createdAt)) / 1000),
  };
}

/**
 * How many runs of its sweep came before `run` in creation order (createdAt, then index, then
 * id): its colour on every page of the sweep's view (app/_lib/colors.ts byCreation).
 */
export async function creationRank(run: Pick<RunRecord, "id" | "sweepId" | "createdAt" | "index">): Promise<number> {
  if (!run.sweepId) return 0;
  const at = new Date(run.createdAt);
  return prisma().run.count({
    where: {
      sweepId: run.sweepId,
      OR: [{ createdAt: { lt: at } }, { createdAt: at, index: { lt: run.index } }, { createdAt: at, index: run.index, id: { lt: run.id } }],
    },
  });
}

