import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRunConfig, RunConfig, type RunConfigInput } from "./config";
import { createWasmBackend, type WasmBackend } from "./kernels/wasm/backend";
import { estimateMemory, MEMORY_LIMIT_BYTES } from "./resources";
import { Trainer } from "./train";

// The estimate against what the wasm backend really hands out (its allocation pointer), after a
// run that trains, evaluates, runs the diagnostics and samples: within 10% (measured: −1.5%…+4%).
const SMALL: RunConfigInput[] = [
  {},
  { cell: "rnn", hidden_size: 128, batch_size: 32, seq_length: 64 },
  { cell: "gru", hidden_size: 96, num_layers: 2, batch_size: 16, seq_length: 32, layernorm: true },
  { cell: "lstm", hidden_size: 96, num_layers: 2, batch_size: 16, seq_length: 32, dropout: 0.2, embedding_dim: 0 },
  { task: "delayed_recall", cell: "lstm", hidden_size: 64, batch_size: 32, delay: 10, layernorm: true },
  { task: "repeated_ones", cell: "rnn", hidden_size: 128, batch_size: 32, seq_length: 32, h0: "learned" },
  { task: "quadrant", hidden_size: 256, batch_size: 128 },
];

test("the memory estimate is within 10% of the wasm backend's allocation", () => {
  for (const input of SMALL) {
    const c = resolveRunConfig({ ...input, steps: 2, eval_every: 2, log_every: 1, sample_every: 2, sample_length: 3 });
    const be = createWasmBackend({ memoryMiB: 256 });
    if (!be) return; // no SIMD here
    const t = new Trainer(c, { backend: be });
    for (const _ of t.run());
    const est = estimateMemory(c, { model: t.task.model, evalB: t.task.evalBatches()[0].B }).totalBytes;
    const real = be.allocatedBytes();
    assert.ok(Math.abs(est / real - 1) < 0.1, `${JSON.stringify(input)}: estimate ${est}, allocated ${real}`);
    // the schema's estimate (before the corpus is read) is an upper bound
    assert.ok(estimateMemory(c).totalBytes >= est, JSON.stringify(input));
  }
});

test("a config too big for memory is rejected on the field to change", () => {
  const acts = RunConfig.safeParse({ hidden_size: 1024, batch_size: 256, seq_length: 256 });
  assert.equal(acts.success, false);
  const issue = acts.error!.issues.find((i) => i.path[0] === "batch_size");
  assert.match(issue!.message, /hidden_size × num_layers × batch_size × seq_length needs ~\d+(\.\d)? GiB of memory; the limit is 4 GiB/);

  const params = RunConfig.safeParse({ hidden_size: 2048, num_layers: 8, batch_size: 1, seq_length: 1 });
  assert.equal(params.success, false);
  assert.deepEqual(params.error!.issues.map((i) => i.path), [["hidden_size"]]);
  assert.match(params.error!.issues[0].message, /hidden_size² × num_layers .* needs ~\d+(\.\d)? GiB/);

  const evalSet = RunConfig.safeParse({ task: "repeated_ones", hidden_size: 8, batch_size: 4096, seq_length: 4096, eval_batches: 1000 });
  assert.ok(evalSet.error!.issues.some((i) => i.path[0] === "eval_batches" && /held-out set/.test(i.message)));
});

test("a mid-size config is accepted and its wasm backend reserves enough memory", () => {
  const c = RunConfig.parse({ cell: "lstm", hidden_size: 512, num_layers: 2, batch_size: 64, seq_length: 128, steps: 1 });
  const t = new Trainer(c);
  const be = t.backend as WasmBackend;
  if (!("reservedBytes" in be)) return; // js fallback (no SIMD)
  const est = estimateMemory(c, { model: t.task.model, evalB: t.task.evalBatches()[0].B }).totalBytes;
  assert.ok(est > 256 * 2 ** 20 && be.reservedBytes > 1.2 * est, `reserved ${be.reservedBytes}, estimate ${est}`);
  // one training forward allocates the training workspaces for real
  t.model.forward(t.task.trainBatch(0, t.rng), "train", true, t.rng);
  assert.ok(be.allocatedBytes() < be.reservedBytes);
  be.dispose();
  // past the old fixed 1 GiB: the reservation grows with the model (up to the wasm32 maximum)
  const big = new Trainer({ cell: "lstm", hidden_size: 1024, num_layers: 2, batch_size: 128, seq_length: 128 });
  const bigBe = big.backend as WasmBackend;
  assert.ok(bigBe.reservedBytes > 1024 * 2 ** 20 && bigBe.reservedBytes <= MEMORY_LIMIT_BYTES, `reserved ${bigBe.reservedBytes}`);
  bigBe.dispose();
});
