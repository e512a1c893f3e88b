import fs from "node:fs";
import path from "node:path";

// Where runs keep their checkpoints: <data dir>/checkpoints/<run id>.json, the data dir being
// SWEEPLAB_DATA_DIR or ./data. The executors hand this path to each worker (WorkerInput
// .checkpointPath: written when the run finishes or is stopped); the cell viewer reads it.

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

/** WorkerInput extras for a run launched on this machine. */
export function localWorkerInput(run: { id: string }): { checkpointPath: string } {
  const checkpointPath = checkpointPathFor(run.id);
  fs.mkdirSync(path.dirname(checkpointPath), { recursive: true });
  return { checkpointPath };
}
