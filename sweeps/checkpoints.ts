import fs from "node:fs";
import path from "node:path";
import { pendingCheckpointPath } from "../engine/protocol";
import type { CheckpointStore } from "./executor/types";

// Where runs keep their checkpoints: <data dir>/checkpoints/<run id>.json, the data dir being
// SWEEPLAB_DATA_DIR or ./data. That file is the run's committed checkpoint: the one a resumed
// run starts from, and the cell viewer reads.
//
// Executors use localCheckpoints(): workers write every checkpoint (every few seconds, and at
// the end or on SIGTERM) beside it as <run id>.step-<K>.json, and the Runner moves the one of
// step K into place once every event the run logged up to step K is stored (the database then
// knows K as the run's checkpointStep). A kill -9 at any moment therefore leaves a committed
// checkpoint no newer than the stored curve — or, between storing and moving, the database
// names the pending file of K, which is moved into place before the run resumes.

export function dataDir(): string {
  return process.env.SWEEPLAB_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "data");
}

export function checkpointPathFor(runId: string): string {
  return path.join(dataDir(), "checkpoints", `${runId}.json`);
}

/** The run's checkpoint file, if its worker wrote one. */
export function findCheckpoint(runId: string): string | null {
  const file = checkpointPathFor(runId);
  return fs.existsSync(file) ? file : null;
}

/** WorkerInput extras for a run launched on this machine: its final checkpoint only (`npm run train -- --track`). */
export function localWorkerInput(run: { id: string }): { checkpointPath: string } {
  const checkpointPath = checkpointPathFor(run.id);
  fs.mkdirSync(path.dirname(checkpointPath), { recursive: true });
  return { checkpointPath };
}

/** How often workers of executors write a checkpoint by default (ms): a kill -9 loses about this much training. */
export const CHECKPOINT_EVERY_MS = 30_000;

/** SWEEPLAB_CHECKPOINT_EVERY_MS, or the default. */
export function checkpointEveryFromEnv(): number {
  const raw = process.env.SWEEPLAB_CHECKPOINT_EVERY_MS;
  const n = raw ? Number(raw) : CHECKPOINT_EVERY_MS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`SWEEPLAB_CHECKPOINT_EVERY_MS must be a whole number of milliseconds ≥ 1, got "${raw}"`);
  return n;
}

/** Files of a run's checkpoints not committed: pending ones and half-written temporaries. */
function uncommitted(runId: string): string[] {
  const dir = path.dirname(checkpointPathFor(runId));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(`${runId}.step-`) || n.startsWith(`${runId}.json.tmp-`)).map((n) => path.join(dir, n));
}

const remove = (file: string) => fs.rmSync(file, { force: true });

/** The checkpoints of runs trained on this machine, in the data dir (see above). */
export function localCheckpoints(options: { everyMs?: number } = {}): CheckpointStore {
  const everyMs = options.everyMs ?? CHECKPOINT_EVERY_MS;
  return {
    prepare(run) {
      const committed = checkpointPathFor(run.id);
      fs.mkdirSync(path.dirname(committed), { recursive: true });
      const step = run.checkpointStep ?? null;
      if (step !== null) {
        // stored, not yet moved into place when the previous host stopped
        const pending = pendingCheckpointPath(committed, step);
        if (fs.existsSync(pending)) fs.renameSync(pending, committed);
      }
      for (const file of uncommitted(run.id)) remove(file); // newer than anything stored: never to be used
      // (a fork starts from the checkpoint of its parent it was given, prisma/store/fork.ts)
      const resumes = (run.interruptions ?? 0) > 0 || Boolean(run.forkOf);
      if (resumes && step === null) remove(committed); // it starts over: an older attempt's checkpoint is not this one's
      const resumeFrom = resumes && step !== null && fs.existsSync(committed) ? committed : undefined;
      return {
        input: { checkpointPath: committed, checkpointEveryMs: everyMs, checkpointCommit: true, ...(resumeFrom ? { resumeFrom } : {}) },
        resumeStep: resumeFrom ? step : null,
      };
    },
    commit(run, step, file) {
      const committed = checkpointPathFor(run.id);
      if (!fs.existsSync(file)) return;
      fs.renameSync(file, committed);
      for (const other of uncommitted(run.id)) {
        const m = /\.step-(\d+)\.json$/.exec(other);
        if (m && Number(m[1]) < step) remove(other);
      }
    },
  };
}
