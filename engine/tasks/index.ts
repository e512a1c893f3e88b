import { APPLIES_WHEN, type RunConfig, type RunConfigKey } from "../config";
import { CHARLM_INFO, CharLmTask } from "./charlm";
import { DELAYED_RECALL_INFO, DelayedRecallTask } from "./delayed_recall";
import { QUADRANT_INFO, QuadrantTask } from "./quadrant";
import { REPEATED_ONES_INFO, RepeatedOnesTask } from "./repeated_ones";
import type { Task, TaskInfo } from "./task";

export type { Task, ModelShape, GradFlowProbe, TaskInfo } from "./task";

export const TASK_INFO: Record<RunConfig["task"], TaskInfo> = {
  charlm: CHARLM_INFO,
  repeated_ones: REPEATED_ONES_INFO,
  delayed_recall: DELAYED_RECALL_INFO,
  quadrant: QUADRANT_INFO,
};

/**
 * The RunConfig keys that shape this run, in schema order: the training loop's, the model's
 * (build.ts: an MLP has no cell or layers) and the task's; keys that only matter with a choice
 * (momentum with the momentum optimizer, init_std with the normal init, lr_gamma with the step
 * schedule, activation with an MLP or a vanilla RNN) only with it. The rest keep defaults that
 * never reach this run.
 */
export function appliedConfigKeys(config: RunConfig): Set<RunConfigKey> {
  const info = TASK_INFO[config.task];
  const keys = new Set<RunConfigKey>([
    "task", "hidden_size", "dropout", "layernorm", "init", "optimizer", "learning_rate", "weight_decay", "lr_schedule", "warmup_steps",
    "grad_clip", "batch_size", "steps", "eval_every", "eval_batches", "log_every", "seed", "backend", ...info.reads,
  ]);
  if (info.model === "mlp") keys.add("activation");
  else for (const k of ["cell", "num_layers", "embedding_dim", "h0"] as const) keys.add(k);
  // the keys that apply under a choice (engine/config.ts APPLIES_WHEN), when that choice applies and is made
  for (const [key, when] of Object.entries(APPLIES_WHEN) as [RunConfigKey, NonNullable<(typeof APPLIES_WHEN)[RunConfigKey]>][])
    if (keys.has(when.key) && when.values.includes(String(config[when.key]))) keys.add(key);
  return keys;
}

/** The task of a config. corpusText: the contents of config.corpus when it is a file path. */
export function createTask(config: RunConfig, corpusText?: string): Task {
  switch (config.task) {
    case "charlm": return new CharLmTask(config, corpusText);
    case "repeated_ones": return new RepeatedOnesTask(config);
    case "delayed_recall": return new DelayedRecallTask(config);
    case "quadrant": return new QuadrantTask(config);
  }
}
