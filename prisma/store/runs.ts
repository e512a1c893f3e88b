import { prisma, writeTransaction } from "../client";
import { claimLock } from "./dialect";
import { DEFAULT_RUN_CONFIG } from "../../engine/config";
import { SPAWN_SUMMARY_KEY } from "../../engine/system-metrics";
import type { RunTime } from "../../sweeps/estimate";
import type { RunState } from "../../sweeps/states";
import { newId, runName } from "./ids";
import { summaryJson, toRunRecord, type Json, type RunKind, type RunRecord, type Summary } from "./records";
import { updateReturningIds } from "./sql";

export interface NewRun {
  sweepId?: string | null;
  index?: number;
  name?: string;
  config: Json;
  params?: Json;
  rerunOf?: string | null;
  /**
   * Create the run already claimed by this owner (running, started now): a run trained by the
   * process that records it (`npm run train -- --track`), which no executor's claim may take.
   */
  claimedBy?: string;
  /**
   * With claimedBy: when it started, if before now (an offline run synced later). It is the
   * run's creation time too, so ordering by creation puts the run where it belongs.
   */
  startedAt?: Date;
  /** A program run (the logging API): its id may be the client's, its config is free-form. */
  id?: string;
  kind?: RunKind;
  project?: string;
  runGroup?: string | null;
  tags?: string[];
  notes?: string;
}

/** The columns every new run starts with. */
export function newRunRow(input: NewRun) {
  const index = input.index ?? 0;
  return {
    id: input.id ?? newId(),
    name: input.name ?? runName(index + 1),
    sweepId: input.sweepId ?? null,
    index,
    config: JSON.stringify(input.config),
    params: JSON.stringify(input.params ?? {}),
    rerunOf: input.rerunOf ?? null,
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.project ? { project: input.project } : {}),
    ...(input.runGroup ? { runGroup: input.runGroup } : {}),
    ...(input.tags?.length ? { tags: JSON.stringify(input.tags) } : {}),
    ...(input.notes ? { notes: input.notes } : {}),
  };
}

export async function createRun(input: NewRun): Promise<RunRecord> {
  const now = new Date();
  const start = input.startedAt ?? now;
  // (heartbeatAt is now, whenever it started: it is alive while its client talks)
  const claimed =
    // (createdAt set alike: left to its default, it was read a few ms after startedAt)
    input.claimedBy !== undefined ? { state: "running", claimedBy: input.claimedBy, startedAt: start, heartbeatAt: now, createdAt: start } : {};
  const row = await prisma().run.create({ data: { ...newRunRow(input), ...claimed } });
  return toRunRecord(row);
}

/**
 * A run that has already ended (fixtures, imports): created in its final state, so no
 * executor ever claims it, whoever shares the database. Its points come after
 * (appendRunEvents), which fill its summary.
 */
export async function createEndedRun(
  input: Omit<NewRun, "claimedBy" | "rerunOf"> & { state: RunOutcome["state"]; error?: string | null; divergedAt?: number | null; lastStep?: number; startedAt: Date; finishedAt: Date },
): Promise<RunRecord> {
  const { state, error, divergedAt, lastStep, startedAt, finishedAt } = input;
  const row = await prisma().run.create({
    data: { ...newRunRow(input), state, error: error ?? null, divergedAt: divergedAt ?? null, lastStep: lastStep ?? 0, startedAt, finishedAt },
  });
  return toRunRecord(row);
}

export async function getRun(id: string): Promise<RunRecord | null> {
  const row = await prisma().run.findUnique({ where: { id } });
  return row ? toRunRecord(row) : null;
}

/**
 * Atomically claim the oldest queued run whose sweep is running (or that has no sweep):
 * one UPDATE … RETURNING, so two executors can never claim the same run.
 */
export async function claimNextRun(claimedBy: string, options: { sweepId?: string } = {}): Promise<RunRecord | null> {
  const now = new Date().toISOString();
  const [id] = await updateReturningIds(
    `UPDATE Run SET state = 'running', claimedBy = ?, startedAt = coalesce(startedAt, ?), heartbeatAt = ?
     WHERE id = (
       SELECT r.id FROM Run r LEFT JOIN Sweep s ON s.id = r.sweepId
       WHERE r.state = 'queued' AND (r.sweepId IS NULL OR s.state = 'running')
         AND (CAST(? AS TEXT) IS NULL OR r.sweepId = ?)
       ORDER BY r.createdAt, r."index" LIMIT 1${claimLock()}
     ) AND state = 'queued'
     RETURNING id`,
    claimedBy,
    now,
    now,
    options.sweepId ?? null,
    options.sweepId ?? null,
  );
  return id ? getRun(id) : null;
}

/** Hand a running run to another owner (a function agent's claim: the run's own client then owns it). */
export async function setRunOwner(id: string, claimedBy: string): Promise<void> {
  await prisma().run.updateMany({ where: { id, state: "running" }, data: { claimedBy } });
}

export async function setRunPid(id: string, pid: number | null): Promise<void> {
  await prisma().run.update({ where: { id }, data: { pid } });
}

export async function heartbeat(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await prisma().run.updateMany({ where: { id: { in: ids }, state: "running" }, data: { heartbeatAt: new Date() } });
}

export interface RunOutcome {
  state: Exclude<RunState, "queued" | "running">;
  summary?: Summary;
  error?: string | null;
  divergedAt?: number | null;
  lastStep?: number;
  /** When it ended, if before now: a client's own end (an offline run synced later). */
  finishedAt?: Date;
}

/**
 * End a run. Only a run that is still queued or running changes (a run already ended keeps
 * its first outcome); the given summary is merged over the live one.
 */
export async function finishRun(id: string, outcome: RunOutcome): Promise<RunRecord | null> {
  return writeTransaction(async (tx) => {
    const current = await tx.run.findUnique({ where: { id } });
    if (!current || (current.state !== "running" && current.state !== "queued")) return null;
    // a fork's worker resumed its parent's checkpoint, whose bests came with it (engine/summary.ts):
    // a fork's own are those folded from its points, which start after the fork's step
    const ended = current.forkOf ? Object.fromEntries(Object.entries(outcome.summary ?? {}).filter(([k]) => !/_best(_step)?$/.test(k))) : outcome.summary;
    const summary = { ...(JSON.parse(current.summary) as Summary), ...(ended ?? {}) };
    const row = await tx.run.update({
      where: { id },
      data: {
        state: outcome.state,
        summary: summaryJson(summary),
        error: outcome.error ?? null,
        divergedAt: outcome.divergedAt ?? null,
        lastStep: Math.max(current.lastStep, outcome.lastStep ?? 0),
        finishedAt: outcome.finishedAt ?? new Date(),
        pid: null,
      },
    });
    return toRunRecord(row);
  });
}

/** Ask for a run to stop: a queued run stops at once, a running one at its next step. */
export async function requestStop(id: string): Promise<RunRecord | null> {
  const db = prisma();
  await db.run.updateMany({ where: { id, state: "queued" }, data: { state: "stopped", finishedAt: new Date() } });
  await db.run.updateMany({ where: { id, state: "running" }, data: { stopRequested: true } });
  return getRun(id);
}

/** Runs that should stop: running, claimed by `claimedBy`, with a stop request. */
export async function runsToStop(claimedBy: string): Promise<string[]> {
  const rows = await prisma().run.findMany({
    where: { state: "running", claimedBy, stopRequested: true },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Cancel every queued run of a sweep (cancel, or a sweep that stops itself). */
export async function stopQueuedRuns(sweepId: string): Promise<number> {
  const result = await prisma().run.updateMany({
    where: { sweepId, state: "queued" },
    data: { state: "stopped", finishedAt: new Date() },
  });
  return result.count;
}

/** Ask every running run of a sweep to stop. */
export async function requestStopForSweep(sweepId: string): Promise<number> {
  const result = await prisma().run.updateMany({ where: { sweepId, state: "running" }, data: { stopRequested: true } });
  return result.count;
}

/**
 * Mark as crashed the running runs whose worker is gone: those claimed by `claimedBy`
 * (a restarted server's own previous runs), or whose heartbeat is older than `staleAfterMs`.
 * Everything they logged stays.
 */
export async function crashStaleRuns(options: { claimedByPrefix?: string; staleAfterMs?: number; reason: string }): Promise<RunRecord[]> {
  const conditions: string[] = [];
  const args: unknown[] = [];
  if (options.claimedByPrefix !== undefined) {
    conditions.push(`claimedBy LIKE CAST(? AS TEXT) || '%'`);
    args.push(options.claimedByPrefix);
  }
  if (options.staleAfterMs !== undefined) {
    conditions.push(`(heartbeatAt IS NULL OR heartbeatAt < ?)`);
    args.push(new Date(Date.now() - options.staleAfterMs).toISOString());
  }
  if (conditions.length === 0) return [];
  const ids = await updateReturningIds(
    `UPDATE Run SET state = 'crashed', error = ?, finishedAt = ?, pid = NULL
     WHERE state = 'running' AND (${conditions.join(" OR ")}) RETURNING id`,
    options.reason,
    new Date().toISOString(),
    ...args,
  );
  return runsByIds(ids);
}

/** Those runs (through Prisma's typed model), in the order of `ids`. */
export async function runsByIds(ids: string[]): Promise<RunRecord[]> {
  if (ids.length === 0) return [];
  const rows = await prisma().run.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((r) => [r.id, toRunRecord(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** All runs of a sweep in index order (what the search strategies learn from). */
export async function sweepRuns(sweepId: string): Promise<RunRecord[]> {
  const rows = await prisma().run.findMany({ where: { sweepId }, orderBy: { index: "asc" } });
  return rows.map((r) => toRunRecord(r));
}

export async function countRuns(where: { sweepId?: string; states?: RunState[] } = {}): Promise<number> {
  return prisma().run.count({
    where: { sweepId: where.sweepId, ...(where.states ? { state: { in: where.states } } : {}) },
  });
}

/** A worker's CPU share over a shorter log interval than this (ms) says nothing (recentRunTimes). */
export const CPU_SHARE_MIN_INTERVAL_MS = 20;

/**
 * Wall times (startedAt → finishedAt) of the engine runs a server's executor trained to an end
 * on `host` (any host when not given), newest first: what sweeps/estimate.ts calibrateSpeed
 * prices the form's estimate on. Left out: program runs and remote agents' runs (other machines,
 * other programs), forks (they start from a checkpoint), runs interrupted and resumed (their
 * time spans the gap), and runs that did not finish: a pruned or stopped run trains on past the
 * last step it reported until the stop reaches it, a failed or diverged one ends at no planned step.
 * Each with its worker's share of a core at its end (summary system/cpu_percent), when its last
 * log interval lasted CPU_SHARE_MIN_INTERVAL_MS or more, and whether its worker was started for it
 * (summary system/spawn_ms), when the executor said.
 */
export async function recentRunTimes(options: { host?: string; limit?: number } = {}): Promise<(RunTime & { sweepId: string | null })[]> {
  const rows = await prisma().run.findMany({
    where: {
      kind: "engine",
      state: "finished",
      claimedBy: { startsWith: "local:", ...(options.host ? { endsWith: `@${options.host}` } : {}) },
      forkOf: null,
      OR: [{ interruptions: null }, { interruptions: 0 }],
      lastStep: { gt: 0 },
      startedAt: { not: null },
      finishedAt: { not: null },
    },
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 100,
    select: { config: true, summary: true, lastStep: true, startedAt: true, finishedAt: true, sweepId: true },
  });
  return rows.map((r) => {
    const config = JSON.parse(r.config) as Record<string, unknown>;
    const summary = JSON.parse(r.summary) as Record<string, unknown>;
    const [cpu, stepMs, spawnMs] = [summary["system/cpu_percent"], summary["system/step_ms"], summary[SPAWN_SUMMARY_KEY]];
    // the share over the last log interval: over a few ms it is noise (9% to 650% seen in one idle sweep)
    const logEvery = typeof config.log_every === "number" ? config.log_every : DEFAULT_RUN_CONFIG.log_every;
    const measured = typeof cpu === "number" && typeof stepMs === "number" && stepMs * logEvery >= CPU_SHARE_MIN_INTERVAL_MS;
    const spawned = typeof spawnMs === "number" ? spawnMs > 0 : null;
    return { config, steps: r.lastStep, ms: r.finishedAt!.getTime() - r.startedAt!.getTime(), cpuPercent: measured ? cpu : null, spawned, sweepId: r.sweepId };
  });
}

export interface NewProgramRun {
  id?: string;
  project?: string;
  name?: string;
  group?: string;
  tags?: string[];
  notes?: string;
  config?: Json;
  /** When it started, if before now (an offline run synced later); used only when the run is created here. */
  startedAt?: Date;
}

/**
 * A run of any program (the logging API), running from now (or `startedAt`) and owned by its client. With a
 * client-chosen id that names a program run already, that run is the answer (`created`
 * false): a client resuming, an offline run synced twice. An id taken by an engine run is a
 * conflict (null).
 */
export async function createProgramRun(input: NewProgramRun, owner: (id: string) => string): Promise<{ run: RunRecord; created: boolean } | null> {
  const existing = async () => {
    const run = input.id ? await getRun(input.id) : null;
    return run ? (run.kind === "program" ? { run, created: false } : null) : undefined;
  };
  const found = await existing();
  if (found !== undefined) return found;
  const project = input.project ?? "default";
  const id = input.id ?? newId();
  try {
    const n = (await prisma().run.count({ where: { project } })) + 1;
    const run = await createRun({
      id,
      kind: "program",
      project,
      name: input.name ?? runName(n),
      config: input.config ?? {},
      runGroup: input.group ?? null,
      tags: input.tags,
      notes: input.notes,
      claimedBy: owner(id),
      startedAt: input.startedAt,
    });
    return { run, created: true };
  } catch (error) {
    // (two creates of one client id at once: the other one won)
    const again = await existing();
    if (again !== undefined) return again;
    throw error;
  }
}

/**
 * A program's run that ended (finished, failed, crashed, stopped), started again by its program
 * with the same id (W&B's `init(id=…, resume="allow")`): running again, owned by its client, its
 * end cleared; its next batches go on after its last step. Null when it is not
 * such a run any more (another request reopened or removed it first). A sweep's runs are not
 * reopened: the sweep has counted them.
 */
export async function reopenProgramRun(run: RunRecord, owner: string): Promise<RunRecord | null> {
  if (run.kind !== "program" || run.sweepId !== null || run.state === "running" || run.state === "queued") return null;
  const now = new Date();
  // (only from the state it was read in: a request that reopened or ended it meanwhile wins)
  const { count } = await prisma().run.updateMany({
    where: { id: run.id, kind: "program", state: run.state },
    data: { state: "running", finishedAt: null, error: null, claimedBy: owner, heartbeatAt: now, stopRequested: false },
  });
  return count === 0 ? null : getRun(run.id);
}

export interface ProjectRecord {
  name: string;
  runs: number;
  sweeps: number;
}

/** Every project that holds a run or a sweep, by name, with how many of each. */
export async function listProjects(): Promise<ProjectRecord[]> {
  const db = prisma();
  const [runs, sweeps] = await Promise.all([db.run.groupBy({ by: ["project"], _count: { _all: true } }), db.sweep.groupBy({ by: ["project"], _count: { _all: true } })]);
  const out = new Map<string, ProjectRecord>();
  for (const r of runs) out.set(r.project, { name: r.project, runs: r._count._all, sweeps: 0 });
  for (const s of sweeps) (out.get(s.project) ?? out.set(s.project, { name: s.project, runs: 0, sweeps: 0 }).get(s.project)!).sweeps = s._count._all;
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}
