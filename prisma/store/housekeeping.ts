import fs from "node:fs";
import path from "node:path";
import * as z from "zod";
import { writeTransaction, prisma } from "../client";
import { checkpointPathFor } from "../../sweeps/checkpoints";
import { KEY_PATTERN, KEY_RULE } from "../../sweeps/names";
import { getRun, requestStop } from "./runs";
import { getSweep } from "./sweeps";
import type { RunRecord, SweepRecord } from "./records";
import type { ControlResult } from "./sweep-control";

// Housekeeping a person does on runs and sweeps: rename, tags, notes, archive (hidden from
// listings by default, restorable) and delete (the rows and everything they logged, and the
// run's checkpoint files). One patch schema serves runs and sweeps, the API and the pages.

/** A tag names like a column key (sweeps/names.ts; inner spaces too, as W&B's tags): no commas, so `?tag=a,b` lists tags. */
export const Tag = z.string().trim().regex(KEY_PATTERN, `a tag is ${KEY_RULE}`);
export const MAX_TAGS = 32;
export const MAX_NAME = 120;
export const MAX_NOTES = 20_000;

const metaShape = {
    name: z.string().trim().min(1, "a name cannot be empty").max(MAX_NAME, `at most ${MAX_NAME} characters`).optional(),
    tags: z
      .array(Tag)
      .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
      .transform((tags) => [...new Set(tags)])
      .optional(),
    notes: z.string().max(MAX_NOTES, `at most ${MAX_NOTES} characters`).optional(),
    /** true archives (hides from listings), false restores. */
    archived: z.boolean().optional(),
};
const somethingToChange = (p: object) => Object.keys(p).length > 0;

/** A sweep's patch. */
export const MetaPatch = z.strictObject(metaShape).refine(somethingToChange, "nothing to change: give name, tags, notes or archived");
export type MetaPatch = z.output<typeof MetaPatch>;

/** A run's patch: a sweep's, plus its run group (W&B's `group`; "" or null leaves the group). */
export const RunMetaPatch = z
  .strictObject({ ...metaShape, group: z.union([Tag, z.literal(""), z.null()]).optional() })
  .refine(somethingToChange, "nothing to change: give name, tags, notes, group or archived");
export type RunMetaPatch = z.output<typeof RunMetaPatch>;

/** `?tag=a,b` (runs carrying both) and `?archived=hide|include|only` of the run listings. */
export const TagsParam = z
  .string()
  .transform((s) => s.split(",").map((t) => t.trim()).filter(Boolean))
  .pipe(z.array(Tag).max(MAX_TAGS));
export const ArchivedParam = z.enum(["hide", "include", "only"], { message: "must be hide, include or only" });

function columns(patch: RunMetaPatch, archivedAt: Date | null) {
  return {
    ...(patch.group !== undefined ? { runGroup: patch.group || null } : {}),
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.tags !== undefined ? { tags: patch.tags.length ? JSON.stringify(patch.tags) : null } : {}),
    ...(patch.notes !== undefined ? { notes: patch.notes || null } : {}),
    ...(patch.archived !== undefined ? { archivedAt: patch.archived ? archivedAt : null } : {}),
  };
}

/** Apply a patch to a run; null when it does not exist. Archiving keeps the first archive time. */
export async function updateRunMeta(id: string, patch: RunMetaPatch): Promise<RunRecord | null> {
  const run = await getRun(id);
  if (!run) return null;
  const { count } = await prisma().run.updateMany({ where: { id }, data: columns(patch, run.archivedAt ? new Date(run.archivedAt) : new Date()) });
  return count === 0 ? null : getRun(id);
}

export async function updateSweepMeta(id: string, patch: MetaPatch): Promise<SweepRecord | null> {
  const sweep = await getSweep(id);
  if (!sweep) return null;
  const { count } = await prisma().sweep.updateMany({ where: { id }, data: columns(patch, sweep.archivedAt ? new Date(sweep.archivedAt) : new Date()) });
  return count === 0 ? null : getSweep(id);
}

/** Every file a run's checkpoints may occupy: the committed one, pending steps, half-written temporaries. */
export function runCheckpointFiles(runId: string): string[] {
  const committed = checkpointPathFor(runId);
  let names: string[] = [];
  try {
    names = fs.readdirSync(path.dirname(committed));
  } catch {
    return [];
  }
  return names.filter((n) => n === `${runId}.json` || n.startsWith(`${runId}.step-`) || n.startsWith(`${runId}.json.tmp-`)).map((n) => path.join(path.dirname(committed), n));
}

/** Remove a run's checkpoint files (ids are [0-9a-z], so a prefix names only that run's files). */
export function removeRunFiles(runId: string): number {
  const files = runCheckpointFiles(runId);
  for (const file of files) fs.rmSync(file, { force: true });
  return files.length;
}

/**
 * Delete runs' rows and everything they logged, in one transaction (children first: no reliance
 * on the connection's foreign-key setting; PostgreSQL's Metric has none). With `sweepId`, the
 * sweep's row goes too, with any run it still has: the ids of those are returned.
 */
async function deleteRunRows(ids: string[], sweepId?: string): Promise<string[]> {
  return writeTransaction(async (tx) => {
    const late = sweepId ? (await tx.run.findMany({ where: { sweepId, id: { notIn: ids } }, select: { id: true } })).map((r) => r.id) : [];
    const where = { runId: { in: [...ids, ...late] } };
    await tx.metric.deleteMany({ where });
    await tx.metricBucket.deleteMany({ where });
    await tx.sample.deleteMany({ where });
    await tx.logLine.deleteMany({ where });
    await tx.diagnostic.deleteMany({ where });
    await tx.checkpoint.deleteMany({ where });
    await tx.run.deleteMany({ where: { id: { in: [...ids, ...late] } } });
    if (sweepId) await tx.sweep.deleteMany({ where: { id: sweepId } });
    return late;
  });
}

export interface Deleted {
  /** The runs deleted. */
  runs: string[];
  /** Those that were queued or running: asked to stop first (their worker's late reports are dropped). */
  stopped: string[];
  /** Checkpoint files removed. */
  files: number;
}

const ACTIVE = new Set(["queued", "running"]);

/**
 * Delete runs: an active one is stopped first (a queued one at once; a running one gets its
 * stop request, which its executor carries out — it learns too that the run is gone the next time
 * it reports, and drops what the worker still sends). The executor store removes any checkpoint
 * the worker commits after this when the run ends (executor-store.ts finishRun).
 */
async function deleteRuns(runs: RunRecord[]): Promise<Deleted> {
  const stopped: string[] = [];
  for (const run of runs) {
    if (!ACTIVE.has(run.state)) continue;
    await requestStop(run.id);
    stopped.push(run.id);
  }
  const ids = runs.map((r) => r.id);
  await deleteRunRows(ids);
  let files = 0;
  for (const id of ids) files += removeRunFiles(id);
  return { runs: ids, stopped, files };
}

export async function deleteRun(id: string): Promise<ControlResult<Deleted>> {
  const run = await getRun(id);
  if (!run) return { ok: false, status: 404, error: `run ${id} not found` };
  return { ok: true, value: await deleteRuns([run]) };
}

/**
 * Delete a sweep and all its runs. A live sweep is cancelled first (so no executor proposes
 * another run for it), then its runs are deleted as deleteRun does.
 */
export async function deleteSweep(id: string): Promise<ControlResult<Deleted & { sweep: string }>> {
  const sweep = await getSweep(id);
  if (!sweep) return { ok: false, status: 404, error: `sweep ${id} not found` };
  if (sweep.state === "running" || sweep.state === "paused") {
    await prisma().sweep.updateMany({ where: { id, state: { in: ["running", "paused"] } }, data: { state: "cancelled", stateReason: "deleted by user", finishedAt: new Date() } });
  }
  const rows = await prisma().run.findMany({ where: { sweepId: id }, select: { id: true } });
  const runs = (await Promise.all(rows.map((r) => getRun(r.id)))).filter((r): r is RunRecord => r !== null);
  const deleted = await deleteRuns(runs);
  // runs created by an executor between the listing and now go with the sweep's row, and their files here
  const late = await deleteRunRows([], id);
  for (const r of late) deleted.files += removeRunFiles(r);
  return { ok: true, value: { ...deleted, runs: [...deleted.runs, ...late], sweep: id } };
}
