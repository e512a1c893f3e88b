import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRunConfig } from "../config.ts";
import { appliedConfigKeys, createTask, TASK_INFO } from "./index.ts";

test("each task's info agrees with the task it builds: model kind and throughput unit", () => {
  for (const task of Object.keys(TASK_INFO) as (keyof typeof TASK_INFO)[]) {
    const built = createTask(resolveRunConfig({ task }));
    assert.equal(TASK_INFO[task].model, built.model.kind, task);
    // an MLP step consumes examples (one per batch row), a sequence model tokens (rows × time)
    assert.equal(TASK_INFO[task].unit, built.model.kind === "mlp" ? "examples" : "tokens", task);
  }
});

test("an MLP run has no cell, layers, embedding or sequence; a recurrent one has them", () => {
  const mlp = appliedConfigKeys(resolveRunConfig({ task: "quadrant" }));
  for (const k of ["cell", "num_layers", "embedding_dim", "h0", "seq_length", "corpus", "sample_every", "delay"]) assert.ok(!mlp.has(k as never), k);
  for (const k of ["hidden_size", "activation", "layernorm", "dropout", "learning_rate", "batch_size"]) assert.ok(mlp.has(k as never), k);
  const lstm = appliedConfigKeys(resolveRunConfig({ task: "charlm", cell: "lstm" }));
  for (const k of ["cell", "num_layers", "embedding_dim", "seq_length", "corpus", "sample_every"]) assert.ok(lstm.has(k as never), k);
  assert.ok(!lstm.has("activation"), "an LSTM's nonlinearities are fixed");
  assert.ok(appliedConfigKeys(resolveRunConfig({ task: "charlm", cell: "rnn" })).has("activation"));
  const recall = appliedConfigKeys(resolveRunConfig({ task: "delayed_recall" }));
  assert.ok(recall.has("delay") && recall.has("vocab_size") && !recall.has("seq_length"), "delayed recall's sequence is delay + 1");
});

test("choice-dependent keys apply only with their choice", () => {
  const base = appliedConfigKeys(resolveRunConfig({}));
  for (const k of ["momentum", "init_std", "lr_step_every", "lr_gamma"]) assert.ok(!base.has(k as never), k);
  assert.ok(appliedConfigKeys(resolveRunConfig({ optimizer: "momentum" })).has("momentum"));
  assert.ok(appliedConfigKeys(resolveRunConfig({ init: "normal" })).has("init_std"));
  assert.ok(appliedConfigKeys(resolveRunConfig({ lr_schedule: "step" })).has("lr_gamma"));
});
