import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Rng } from "../../rng";
import { Trainer } from "../../train";
import { createWasmBackend } from "./backend";

// The second thread (threads: 2) takes panels of the large products; every element of C is still
// computed by one thread in one order, so results must equal one thread's bit for bit.

const one = createWasmBackend({ memoryMiB: 128 });
const two = createWasmBackend({ memoryMiB: 128, threads: 2 });
const skip = one && two ? false : "WebAssembly SIMD is not available in this runtime";

/** The same random tensor in both backends. */
function pair(n: number, rng: Rng): [Float32Array, Float32Array] {
  const a = one!.alloc(n), b = two!.alloc(n);
  for (let i = 0; i < n; i++) a[i] = b[i] = rng.normal();
  return [a, b];
}

test("threads: 2 computes every product bit for bit as 1 thread does", { skip }, async () => {
  await new Promise((r) => setTimeout(r, 300)); // the worker starts; before that everything runs on one thread
  const rng = new Rng(5);
  for (const [M, N, K] of [[32, 512, 128], [64, 136, 300], [2048, 65, 128], [37, 250, 64]]) {
    const [A1, A2] = pair(M * K, rng), [B1, B2] = pair(K * N, rng), [bias1, bias2] = pair(N, rng);
    const [C1, C2] = pair(M * N, rng), [D1, D2] = pair(M * N, rng);
    one!.gemm(M, N, K, A1, B1, C1, true);
    two!.gemm(M, N, K, A2, B2, C2, true);
    assert.deepEqual(C2, C1, `gemm ${M}×${N}×${K}`);
    one!.gemmPacked(M, N, K, A1, one!.packB(K, N, B1, false), D1, false, bias1);
    two!.gemmPacked(M, N, K, A2, two!.packB(K, N, B2, false), D2, false, bias2);
    assert.deepEqual(D2, D1, `gemmPacked + bias ${M}×${N}×${K}`);
    const [T1, T2] = pair(K * N, rng);
    one!.gemmTN(K, N, M, A1, C1, T1, true);
    two!.gemmTN(K, N, M, A2, C2, T2, true);
    assert.deepEqual(T2, T1, `gemmTN ${K}×${N}×${M}`);
  }
  // On a loaded machine the second thread may not have been scheduled yet: keep comparing a
  // large product until it has taken part (it must within a few seconds)
  const [M, N, K] = [2048, 512, 128];
  const [A1, A2] = pair(M * K, rng), [B1, B2] = pair(K * N, rng), [C1, C2] = pair(M * N, rng);
  for (const start = Date.now(); two!.workerPanels() === 0 && Date.now() - start < 20_000; ) {
    one!.gemm(M, N, K, A1, B1, C1, false);
    two!.gemm(M, N, K, A2, B2, C2, false);
    assert.deepEqual(C2, C1, `gemm ${M}×${N}×${K}`);
  }
  assert.ok(two!.workerPanels() > 0, "the second thread computed some of the panels");
  assert.equal(one!.workerPanels(), 0);
});

test("threads: 2 trains a char-LSTM to the same losses and weights as 1 thread", { skip }, () => {
  const config = { task: "charlm", cell: "lstm", hidden_size: 64, num_layers: 2, embedding_dim: 16, seq_length: 32, batch_size: 16, steps: 6, log_every: 1, eval_every: 3, sample_every: 0, seed: 3 } as const;
  const run = (backend: NonNullable<typeof one>) => {
    const t = new Trainer(config, { backend });
    const losses: number[] = [];
    for (const ev of t.run())
      if (ev.type === "metric") for (const key of ["train_loss", "val_loss", "grad_norm"]) if (ev.values[key] != null) losses.push(ev.values[key]!);
    return { losses, weights: Array.from(t.model.params.w) };
  };
  const a = run(createWasmBackend({ memoryMiB: 128 })!);
  // (a loaded machine may not schedule the second thread during a short run: try again)
  let threaded = createWasmBackend({ memoryMiB: 128, threads: 2 })!, b = run(threaded);
  for (let attempt = 0; threaded.workerPanels() === 0 && attempt < 3; attempt++) {
    threaded.dispose();
    threaded = createWasmBackend({ memoryMiB: 128, threads: 2 })!;
    const start = Date.now();
    while (Date.now() - start < 500); // synchronous training never yields: let the worker start
    b = run(threaded);
  }
  assert.ok(threaded.workerPanels() > 0, "the second thread took part");
  assert.deepEqual(b.losses, a.losses);
  assert.deepEqual(b.weights, a.weights);
  assert.ok(a.losses.length >= 12);
  threaded.dispose();
});

test("threads: 2 never keeps the process alive, and dispose returns to one thread", { skip }, () => {
  const script = `
    const { createWasmBackend } = await import(${JSON.stringify(fileURLToPath(new URL("./backend.ts", import.meta.url)))});
    const be = createWasmBackend({ memoryMiB: 64, threads: 2 });
    const A = be.alloc(64 * 128), B = be.alloc(128 * 512), C = be.alloc(64 * 512);
    A.fill(1); B.fill(0.5);
    await new Promise((r) => setTimeout(r, 200));
    be.gemm(64, 512, 128, A, B, C, false);
    if (C[0] !== 64 || C[64 * 512 - 1] !== 64) throw new Error("wrong product " + C[0]);
    if (process.argv.includes("dispose")) { be.dispose(); be.gemm(64, 512, 128, A, B, C, false); }
    console.log("ok", C[100]);`;
  for (const mode of ["exit", "dispose"]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "--", mode], { encoding: "utf8", timeout: 20_000 });
    assert.equal(r.status, 0, `${mode}: ${r.stderr}`);
    assert.match(r.stdout, /ok 64/, mode);
  }
});
