import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { activationsFromCheckpoint, type Activations } from "./activations";
import { parseCheckpoint, type Checkpoint } from "./checkpoint";
import type { RunConfig } from "./config";

// The engine's file I/O, kept at the edge: the worker and the CLI call these; train() and the
// layers never touch the file system.

/** The text of config.corpus when it names a file (charlm); undefined for "builtin" or other tasks. */
export function readCorpusText(config: RunConfig): string | undefined {
  if (config.task !== "charlm" || config.corpus === "builtin") return undefined;
  try {
    return readFileSync(config.corpus, "utf8");
  } catch (e) {
    throw new Error(`corpus: cannot read ${config.corpus}: ${(e as Error).message}`);
  }
}

export function readCheckpoint(path: string): Checkpoint {
  return parseCheckpoint(readFileSync(path, "utf8"));
}

/** Write atomically (temp file + rename), so a reader never sees half a checkpoint. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(checkpoint));
  renameSync(tmp, path);
}

/** activationsFromCheckpoint for a checkpoint file. */
export function activationsFromCheckpointFile(path: string, text: string, layer: number): Activations {
  return activationsFromCheckpoint(readCheckpoint(path), text, layer);
}
