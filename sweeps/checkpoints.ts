import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pendingCheckpointPath } from "../engine/protocol";
import type { CheckpointStore, ClaimedRun } from "./executor/types";

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

/**
 * Where checkpoints are kept for every host: the store (prisma/store/checkpoints.ts) for the
 * server's executors, the server over HTTP for an agent (sweeps/agent.ts). Gzipped checkpoint JSON.
 */
export interface RemoteCheckpoints {
  upload(runId: string, step: number, gz: Buffer): Promise<void>;
  /** The run's newest kept checkpoint taken at `atMostStep` or before. */
  download(runId: string, atMostStep: number): Promise<{ step: number; gz: Buffer } | null>;
}

/**
 * Checkpoints on this machine's disk (as `local`) and kept for every host (`remote`): each
 * committed checkpoint is uploaded, so a run can resume on another machine and its pages can
 * open it wherever it trained. A run resumes from the checkpoint of its stored checkpointStep
 * when the remote keeps it (the file here may be from an older attempt of this machine); else
 * from the file here, as `local` alone would; else from the newest kept checkpoint before that
 * step (what it logged after it is dropped and trained again); else from the start.
 */
export function sharedCheckpoints(local: CheckpointStore, remote: RemoteCheckpoints, log: (message: string) => void = () => {}): CheckpointStore & Required<Pick<CheckpointStore, "settled">> {
  const uploads = new Map<string, Promise<void>>(); // one upload at a time per run, in step order
  return {
    async prepare(run: ClaimedRun) {
      const step = run.checkpointStep ?? null;
      const resumes = (run.interruptions ?? 0) > 0 || Boolean(run.forkOf);
      if (!resumes || step === null || run.forkOf) return local.prepare(run);
      let kept: Awaited<ReturnType<RemoteCheckpoints["download"]>> = null;
      try {
        kept = await remote.download(run.id, step);
      } catch (error) {
        log(`run ${run.id}: cannot fetch its kept checkpoint (${(error as Error).message}); resuming from this machine's, if any`);
      }
      const committed = checkpointPathFor(run.id);
      const here = fs.existsSync(committed) || fs.existsSync(pendingCheckpointPath(committed, step));
      if (!kept || (kept.step !== step && here)) return local.prepare(run);
      fs.mkdirSync(path.dirname(committed), { recursive: true });
      const tmp = `${committed}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, zlib.gunzipSync(kept.gz));
      fs.renameSync(tmp, committed);
      fs.rmSync(pendingCheckpointPath(committed, step), { force: true });
      return local.prepare({ ...run, checkpointStep: kept.step });
    },
    commit(run, step, file) {
      if (!fs.existsSync(file)) return local.commit(run, step, file);
      local.commit(run, step, file);
      let raw: Buffer;
      try {
        raw = fs.readFileSync(checkpointPathFor(run.id)); // now: the next commit replaces the file
      } catch {
        return;
      }
      const previous = uploads.get(run.id) ?? Promise.resolve();
      const next = previous.then(async () => {
        const gz = await new Promise<Buffer>((resolve, reject) => zlib.gzip(raw, { level: 1 }, (error, out) => (error ? reject(error) : resolve(out))));
        await remote.upload(run.id, step, gz);
      }).catch((error: Error) => log(`run ${run.id}: cannot keep its checkpoint at step ${step} for other hosts: ${error.message}`));
      uploads.set(run.id, next);
      void next.finally(() => uploads.get(run.id) === next && uploads.delete(run.id));
    },
    async settled(timeoutMs, runId) {
      const pending = runId === undefined ? [...uploads.values()] : [uploads.get(runId)].filter((p) => p !== undefined);
      if (pending.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all(pending), timeout]);
      clearTimeout(timer);
    },
  };
}
