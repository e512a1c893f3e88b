import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRunConfig } from "./config.ts";
import { estimateRunMs, fitSpeed, MEASURED_SPEED, runWork, type Speed } from "./speed.ts";

// The run-time model's arithmetic. How well it predicts real runs is measured by
// `npm run bench -- speed` (timings never belong in a unit test).

const work = (input: Parameters<typeof resolveRunConfig>[0]) => runWork(resolveRunConfig(input));

test("work grows with steps, and an evaluation or a sample adds its own passes", () => {
  const base = { task: "charlm", steps: 100, eval_every: 100, sample_every: 0 } as const;
  const a = work(base), b = work({ ...base, steps: 200 });
  assert.ok(Math.abs(b.flops / a.flops - 2) < 1e-9);
  assert.ok(Math.abs(b.calls / a.calls - 2) < 1e-9);
  assert.ok(work({ ...base, eval_every: 10 }).flops > a.flops, "ten evaluations cost more than one");
  assert.ok(work({ ...base, sample_every: 50 }).calls > a.calls, "charlm samples are sequential work");
  assert.equal(work({ task: "quadrant", steps: 100, eval_every: 100, sample_every: 50 }).calls, work({ task: "quadrant", steps: 100, eval_every: 100, sample_every: 0 }).calls, "only charlm samples");
});

test("flops follow the cell's gates and the hidden size squared; calls follow time and depth", () => {
  const rnn = work({ task: "repeated_ones", cell: "rnn", hidden_size: 256, embedding_dim: 0 });
  const lstm = work({ task: "repeated_ones", cell: "lstm", hidden_size: 256, embedding_dim: 0 });
  const gru = work({ task: "repeated_ones", cell: "gru", hidden_size: 256, embedding_dim: 0 });
  // the recurrent product dominates (the 2-class head is small): 4 and 3 gates
  assert.ok(Math.abs(lstm.flops / rnn.flops - 4) < 0.05);
  assert.ok(Math.abs(gru.flops / rnn.flops - 3) < 0.05);
  const big = work({ task: "repeated_ones", cell: "rnn", hidden_size: 512, embedding_dim: 0 });
  assert.ok(Math.abs(big.flops / rnn.flops - 4) < 0.05);
  assert.equal(big.calls, rnn.calls, "the same steps through time");
  assert.ok(Math.abs(work({ task: "repeated_ones", num_layers: 2 }).calls / work({ task: "repeated_ones" }).calls - 2) < 1e-9);
  assert.ok(Math.abs(work({ task: "repeated_ones", seq_length: 64 }).calls / work({ task: "repeated_ones", seq_length: 32 }).calls - 2) < 0.05);
});

test("a run's estimate is start-up plus its work at the measured speed", () => {
  const c = resolveRunConfig({ task: "quadrant", steps: 200 });
  const w = runWork(c);
  assert.equal(estimateRunMs(c), MEASURED_SPEED.startupMs + w.flops / MEASURED_SPEED.flopsPerMs + w.calls * MEASURED_SPEED.msPerCall + w.batches * MEASURED_SPEED.msPerBatch! + w.elements * MEASURED_SPEED.msPerElement!);
  assert.equal(estimateRunMs(c, { startupMs: 100, flopsPerMs: Infinity, msPerCall: 0 }), 100, "constants recorded without a cost per batch");
  // a batch per training step, and per evaluation its batches (a recurrent model: and its gradient-flow pass)
  assert.equal(w.batches, 200 + Math.ceil(200 / c.eval_every) * c.eval_batches);
  const seq = resolveRunConfig({ task: "charlm", steps: 100, eval_every: 50 });
  assert.equal(runWork(seq).batches, 100 + 2 * (seq.eval_batches + 1));
});

test("fitSpeed recovers the constants that timed the runs, and says when the runs cannot tell them apart", () => {
  const truth = { startupMs: 180, flopsPerMs: 3e7, msPerCall: 4e-4, msPerBatch: 0.03, msPerElement: 1e-6 };
  const inputs = [
    { task: "charlm", cell: "lstm", layernorm: true, hidden_size: 64, batch_size: 32, steps: 100 },
    { task: "quadrant", hidden_size: 64, steps: 200 },
    { task: "quadrant", hidden_size: 512, batch_size: 128, steps: 200 },
    { task: "charlm", hidden_size: 32, seq_length: 64, batch_size: 8, steps: 200 },
    { task: "charlm", hidden_size: 256, steps: 100 },
    { task: "repeated_ones", cell: "rnn", hidden_size: 16, seq_length: 128, steps: 500 },
    { task: "quadrant", hidden_size: 16, steps: 10000, eval_every: 1000 },
  ] as const;
  const rows = inputs.map((i) => ({ ...work(i), ms: estimateRunMs(resolveRunConfig(i), truth) }));
  const all = fitSpeed(rows)!;
  assert.ok(Math.abs(all.startupMs / truth.startupMs - 1) < 1e-6 && Math.abs(all.flopsPerMs / truth.flopsPerMs - 1) < 1e-6 && Math.abs(all.msPerCall / truth.msPerCall - 1) < 1e-6 && Math.abs(all.msPerBatch! / truth.msPerBatch - 1) < 1e-6 && Math.abs(all.msPerElement! / truth.msPerElement - 1) < 1e-6, JSON.stringify(all));
  // without the calls and batches terms, start-up and work rate take up what those cost: close, not exact
  const two = fitSpeed(rows, ["startup", "flops"])!;
  assert.equal(two.msPerCall, 0);
  assert.ok(two.startupMs > 0 && Number.isFinite(two.flopsPerMs));
  // the same run five times: start-up and work rate are one unknown
  assert.equal(fitSpeed(Array.from({ length: 5 }, () => rows[4]), ["startup", "flops"]), null);
  // ... unless a prior holds what the runs leave open: then those runs are met
  const held = fitSpeed(Array.from({ length: 5 }, () => rows[4]), ["startup", "flops"], { speed: MEASURED_SPEED, spread: { startup: 20, flops: 5 } })!;
  assert.ok(Math.abs(estimateRunMs(resolveRunConfig(inputs[4]), held) / rows[4].ms - 1) < 0.01, JSON.stringify(held));
  assert.equal(fitSpeed(rows.slice(0, 4)), null, "five constants need five runs");
  // no run started its worker: no spawn to fit, and none priced
  assert.equal(all.spawnMs, 0);
});

test("layer norm and the softmax are elementwise work: priced per value, beside the products", () => {
  const base = { task: "charlm", cell: "lstm", hidden_size: 64, seq_length: 32, batch_size: 16, steps: 200, eval_every: 50, sample_every: 0 } as const;
  const plain = work(base), normed = work({ ...base, layernorm: true });
  // the same products (layer norm's are elementwise), each gate's value normalised: three passes of it
  assert.equal(normed.flops, plain.flops);
  assert.equal(normed.calls, plain.calls);
  // per training step (the runs differ only in steps; one evaluation each): each token's values
  // through the gates (4 × 64) and through the softmax over the corpus's characters, three passes
  const perToken = (extra: object) => (work({ ...base, ...extra, steps: 200, eval_every: 1000 }).elements - work({ ...base, ...extra, steps: 100, eval_every: 1000 }).elements) / (100 * 3 * 16 * 32);
  const classes = perToken({}) - 4 * 64;
  assert.ok(classes > 30 && classes < 100, `the softmax over the builtin corpus's characters: ${classes}`);
  assert.equal(perToken({ layernorm: true }) - perToken({}), 2 * 4 * 64, "layer norm: twice more per gate value");
  assert.equal(perToken({ corpus: "my-uploaded-text" }) - perToken({}), 256 - classes, "an uploaded corpus: a softmax over 256 bytes");
  // measured on 2026-12-05: 1.5 to 1.75 times the time per step; the estimate without an element
  // term was the same for both
  const ratio = estimateRunMs(resolveRunConfig({ ...base, layernorm: true })) / estimateRunMs(resolveRunConfig(base));
  assert.ok(ratio > 1.3 && ratio < 2, `layer norm's estimate / without: ${ratio}`);
  // constants recorded before the element term price none
  assert.equal(estimateRunMs(resolveRunConfig(base), { ...MEASURED_SPEED, msPerElement: undefined }), estimateRunMs(resolveRunConfig(base), { ...MEASURED_SPEED, msPerElement: 0 }));
});

test("a run whose worker was started for it costs the spawn on top, and fitSpeed tells it from start-up", () => {
  const truth = { startupMs: 30, spawnMs: 200, flopsPerMs: 3e7, msPerCall: 4e-4, msPerBatch: 0.03 };
  const c = resolveRunConfig({ task: "quadrant", hidden_size: 64, steps: 200 });
  assert.equal(estimateRunMs(c, truth, true) - estimateRunMs(c, truth), 200);
  assert.equal(estimateRunMs(c, { ...truth, spawnMs: undefined }, true), estimateRunMs(c, truth), "constants recorded before the spawn term");
  // sweeps of three runs of a config each: the first starts its worker, the next two reuse it
  const inputs = [
    { task: "quadrant", hidden_size: 64, steps: 200 },
    { task: "quadrant", hidden_size: 512, batch_size: 128, steps: 200 },
    { task: "charlm", hidden_size: 32, seq_length: 64, batch_size: 8, steps: 200 },
    { task: "charlm", hidden_size: 256, steps: 100 },
    { task: "quadrant", hidden_size: 16, steps: 10000, eval_every: 1000 },
  ] as const;
  const rows = inputs.flatMap((i) => [true, false, false].map((spawned) => ({ ...work(i), spawned, ms: estimateRunMs(resolveRunConfig(i), truth, spawned) })));
  const fit = fitSpeed(rows)!;
  for (const k of ["startupMs", "spawnMs", "flopsPerMs", "msPerCall", "msPerBatch"] as const) assert.ok(Math.abs(fit[k]! / truth[k] - 1) < 1e-6, `${k}: ${JSON.stringify(fit)}`);
  // the same runs not told apart: the fit prices the warm runs, and a small config's sweep (one
  // cold run, two warm) comes out far too short
  const blind = fitSpeed(rows.map((r) => ({ ...r, spawned: false })))!;
  assert.equal(blind.spawnMs, 0);
  const sweepMs = (speed: Speed) => [true, false, false].reduce((sum, spawned) => sum + estimateRunMs(c, speed, spawned), 0);
  assert.ok(sweepMs(blind) / sweepMs(truth) < 0.7, JSON.stringify(blind));
});
