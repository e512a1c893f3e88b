import type { RunConfig, RunConfigKey } from "../config";
import type { Batch } from "../model";
import type { Rng } from "../rng";

// A task turns a config into data: which model it needs, a training batch per step and a
// fixed set of held-out batches (the same at every evaluation, so val curves are comparable).

export type ModelShape =
  | { kind: "seq"; vocab: number; classes: number; head: "many_to_many" | "many_to_one" }
  | { kind: "mlp"; inputs: number; classes: number };

/**
 * What the grad_flow diagnostic backpropagates: a batch whose loss it takes on the last step
 * only, and names for some of its timesteps (1-based t, as the diagnostic counts them).
 */
export interface GradFlowProbe {
  batch: Batch;
  marks: { t: number; label: string }[];
}

export interface Task {
  readonly name: RunConfig["task"];
  readonly model: ModelShape;
  /** Report val_acc (accuracy of the argmax) besides val_loss. */
  readonly classification: boolean;
  /** Tokens (or examples) one training step consumes: the unit of the throughput metric. */
  readonly tokensPerStep: number;
  /** The training batch of `step`. Synthetic tasks draw from rng; charlm walks its streams. */
  trainBatch(step: number, rng: Rng): Batch;
  evalBatches(): Batch[];
  /** The grad_flow probe; default: the first held-out batch, unmarked. */
  gradFlowProbe?(): GradFlowProbe;
}

/** What a task is before it is built: for pages that show a run's config and its throughput. */
export interface TaskInfo {
  /** the model it trains: the two-layer MLP or a recurrent sequence model */
  model: ModelShape["kind"];
  /** RunConfig keys its data reads (the model's and the training loop's come on top) */
  reads: readonly RunConfigKey[];
  /** what `throughput` counts per second (tokensPerStep's unit) */
  unit: "tokens" | "examples";
}
