import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRunConfig, TASKS } from "./config";
import { loggedMetrics } from "./metrics";
import { Trainer } from "./train";

test("loggedMetrics(task) is exactly what a run of that task logs", () => {
  for (const task of TASKS) {
    const trainer = new Trainer(resolveRunConfig({ task, steps: 2, log_every: 1, eval_every: 2, eval_batches: 1, sample_every: 0, hidden_size: 8 }));
    const logged = new Set<string>();
    for (const event of trainer.run()) if (event.type === "metric") for (const k of Object.keys(event.values)) logged.add(k);
    assert.deepEqual([...logged].sort(), [...loggedMetrics(task)].sort(), task);
  }
});
