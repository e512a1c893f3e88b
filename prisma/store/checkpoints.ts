import fs from "node:fs";
import zlib from "node:zlib";
import { prisma } from "../client";
import { findCheckpoint, localCheckpoints, sharedCheckpoints, type RemoteCheckpoints } from "../../sweeps/checkpoints";
import type { CheckpointStore } from "../../sweeps/executor/types";
import { isPostgres } from "./dialect";

// Checkpoints kept through the store (the Checkpoint table): a host uploads each checkpoint its
// run committed, so any server or agent can resume the run, and the pages can open a run's
// checkpoint wherever it trained. Gzipped checkpoint JSON, by step. A host uploads a checkpoint
// once the run's events up to its step are stored (sweeps/checkpoints.ts), so the newest kept is
// never past the run's checkpointStep: it is the only one kept.

const KEEP = 1;

/** Store a run's checkpoint of `step` (gzipped JSON); false when the run no longer exists. */
export async function saveCheckpoint(runId: string, step: number, gz: Buffer): Promise<boolean> {
  if (!(await prisma().run.findUnique({ where: { id: runId }, select: { id: true } }))) return false;
  const data = new Uint8Array(gz);
  try {
    await prisma().checkpoint.upsert({ where: { runId_step: { runId, step } }, create: { runId, step, data }, update: { data } });
  } catch (error) {
    // deleted meanwhile (the foreign key): nothing to keep
    if (/foreign key|P2003/i.test(String((error as Error).message) + String((error as { code?: string }).code))) return false;
    throw error;
  }
  const newest = await prisma().checkpoint.findMany({ where: { runId }, select: { step: true }, orderBy: { step: "desc" }, take: KEEP });
  if (newest.length === KEEP) await prisma().checkpoint.deleteMany({ where: { runId, step: { lt: newest[KEEP - 1].step } } });
  return true;
}

/** The run's newest stored checkpoint taken at `atMostStep` or before (gzipped), or null. */
export async function loadCheckpoint(runId: string, atMostStep = Number.MAX_SAFE_INTEGER): Promise<{ step: number; gz: Buffer } | null> {
  const row = await prisma().checkpoint.findFirst({ where: { runId, step: { lte: atMostStep } }, orderBy: { step: "desc" } });
  return row ? { step: row.step, gz: Buffer.from(row.data) } : null;
}

/** The steps of a run's stored checkpoints, newest first. */
export async function storedCheckpointSteps(runId: string): Promise<number[]> {
  return (await prisma().checkpoint.findMany({ where: { runId }, select: { step: true }, orderBy: { step: "desc" } })).map((r) => r.step);
}

/** The store as a host's RemoteCheckpoints (the server's and the sweep CLI's executors). */
export function storeCheckpoints(): RemoteCheckpoints {
  return {
    upload: async (runId, step, gz) => void (await saveCheckpoint(runId, step, gz)),
    download: (runId, atMostStep) => loadCheckpoint(runId, atMostStep),
  };
}

/**
 * The checkpoints of an executor that owns the database (the server's, the sweep CLI's). On
 * PostgreSQL, where servers on several machines share the runs, every committed checkpoint is
 * also kept in the store. On SQLite (one machine: the data folder is the shared place) only the
 * files; agents upload theirs through the server either way (sweeps/agent.ts).
 */
export function executorCheckpoints(everyMs: number, log?: (message: string) => void): CheckpointStore {
  const local = localCheckpoints({ everyMs });
  return isPostgres() ? sharedCheckpoints(local, storeCheckpoints(), log) : local;
}

/**
 * A run's checkpoint JSON, wherever it trained: the file this machine holds, else the newest
 * checkpoint in the store; null when there is none.
 */
export async function readRunCheckpoint(runId: string): Promise<{ text: string; source: "file" | "store" } | null> {
  const file = findCheckpoint(runId);
  if (file) {
    try {
      return { text: fs.readFileSync(file, "utf8"), source: "file" };
    } catch {
      // removed meanwhile: the store may still hold it
    }
  }
  const stored = await loadCheckpoint(runId);
  return stored ? { text: zlib.gunzipSync(stored.gz).toString("utf8"), source: "store" } : null;
}

/** Whether the run has a checkpoint anywhere (a file here, or in the store). */
export async function hasRunCheckpoint(runId: string): Promise<boolean> {
  return findCheckpoint(runId) !== null || (await prisma().checkpoint.count({ where: { runId } })) > 0;
}
