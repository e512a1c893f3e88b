import type { RunConfig } from "./config";

// The metrics a run logs, by task: what a sweep can optimise and the form offers. The trainer
// (train.ts) logs the training metrics every log_every steps and the evaluation metrics every
// eval_every steps; engine/metrics.test.ts trains each task and checks this list against what
// it actually logged.

export const TRAINING_METRICS = ["train_loss", "grad_norm", "lr", "throughput"] as const;

/** Tasks whose evaluation also reports val_acc (classification of each step's target). */
const ACCURACY_TASKS: ReadonlySet<RunConfig["task"]> = new Set(["repeated_ones", "delayed_recall", "quadrant"]);

/** Tasks trained by a recurrent model, whose evaluation also reports `saturation` (tanh-gated cells; a ReLU RNN logs none). */
const RECURRENT_TASKS: ReadonlySet<RunConfig["task"]> = new Set(["charlm", "repeated_ones", "delayed_recall"]);

/** Every metric a run of `task` logs (with the default cell), evaluation metrics first. */
export function loggedMetrics(task: RunConfig["task"]): string[] {
  const evaluation = ACCURACY_TASKS.has(task) ? ["val_loss", "val_acc"] : ["val_loss"];
  if (RECURRENT_TASKS.has(task)) evaluation.push("saturation");
  return [...evaluation, ...TRAINING_METRICS];
}
