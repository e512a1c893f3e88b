import fs from "node:fs";
import path from "node:path";

// Where a run's final checkpoint lives. The executor passes `checkpointPath` to the worker
// (engine/protocol.ts WorkerInput); the convention the cell viewer reads is
// <data dir>/checkpoints/<run id>.json, the data dir being SWEEPLAB_DATA_DIR or ./data.

export function dataDir(): string {
  return process.env.SWEEPLAB_DATA_DIR ?? path.join(process.cwd(), "data");
}

export function checkpointPathFor(runId: string): string {
  return path.join(dataDir(), "checkpoints", `${runId}.json`);
}

/** The checkpoint file of a run, if one was written (the run's own or, for a re-run, none). */
export function findCheckpoint(runId: string): string | null {
  const candidates = [checkpointPathFor(runId), path.join(dataDir(), "checkpoints", runId, "final.json"), path.join(dataDir(), "runs", runId, "checkpoint.json")];
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}
