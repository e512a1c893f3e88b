import type { RunConfig } from "../config";
import { CharLmTask } from "./charlm";
import { DelayedRecallTask } from "./delayed_recall";
import { QuadrantTask } from "./quadrant";
import { RepeatedOnesTask } from "./repeated_ones";
import type { Task } from "./task";

export type { Task, ModelShape, GradFlowProbe } from "./task";

/** The task of a config. corpusText: the contents of config.corpus when it is a file path. */
export function createTask(config: RunConfig, corpusText?: string): Task {
  switch (config.task) {
    case "charlm": return new CharLmTask(config, corpusText);
    case "repeated_ones": return new RepeatedOnesTask(config);
    case "delayed_recall": return new DelayedRecallTask(config);
    case "quadrant": return new QuadrantTask(config);
  }
}
