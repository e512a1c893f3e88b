// Engine benchmarks: `npx tsx bench/engine.ts` (part of `npm run bench`). Prints the engine's
// figures beside stored baselines and the ratio to each. Runs in about a minute.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { RunConfigInput } from "../engine/config";
import { createJsBackend } from "../engine/kernels/js";
import { Trainer } from "../engine/train";
import { interleaved, numpyRerun, speedBaselines, torchSpeed } from "./util";

// Baselines, measured 2026 on a 2-core machine like this one (AMD EPYC, KVM, 2 vCPUs):
//   numpy min-char-rnn (Karpathy's script: hidden 100, seq 25, batch 1, Adagrad), whole
//     process incl. its sampling every 100 steps ........................... 30,700 chars/s
//   PyTorch 1.13 CPU, torch.set_num_threads(1), char-LSTM 2×128, embedding 64,
//     batch 32, seq 64, Adam .................................................. 42,000 chars/s
//   PyTorch 1.13, same, vanilla RNN 1×128 ...................................... 290,000 chars/s
//   TensorFlow.js 4 pure-JS CPU backend, the same char-LSTM ..................... 450 chars/s
// (recorded 2026-11-25.) Where /usr/bin/python3 (or $PYTHON) has numpy and torch, the numpy and
// PyTorch baselines also run here, interleaved with ours (bench/baselines/min_char_rnn.py,
// bench/baselines/torch_speed.py), and the ratio to each is printed beside the recorded one.
const RECORDED_ON = "2026-11-25";
const BASELINE = { numpyMinChar: 30_700, torchLstm: 42_000, torchRnn: 290_000, tfjsLstm: 450 };
const TARGET = { minCharVsNumpy: 1.5, lstmVsTfjs: 5 };
/** Forward + backward FLOPs per character of the char-LSTM configuration (≈ 3 × forward). */
const LSTM_FLOP_PER_CHAR = 1.43e6;

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;

function gemmGflops(M: number, N: number, K: number, variant: "gemm" | "gemmNT" | "gemmTN"): number {
  const be = createJsBackend();
  const A = be.alloc(M * K).map(() => Math.random() - 0.5), B = be.alloc(K * N).map(() => Math.random() - 0.5), C = be.alloc(M * N);
  const flop = 2 * M * N * K, reps = Math.max(3, Math.round(3e8 / flop));
  be[variant](M, N, K, A, B, C, false);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) be[variant](M, N, K, A, B, C, false);
  return (flop * reps) / ((performance.now() - t0) / 1000) / 1e9;
}

/** Steady-state training chars/s in this process: `steps` timed steps after `warmup` (no evaluation). */
function trainSpeed(config: RunConfigInput, warmup: number, steps: number): number {
  const t = new Trainer({ ...config, steps: 1e7, eval_every: 1e7, log_every: 1e7, sample_every: 0 });
  let t0 = 0, t1 = 0;
  for (const ev of t.run()) {
    if (ev.type !== "heartbeat") continue;
    if (ev.step === warmup) t0 = performance.now();
    if (ev.step === warmup + steps) {
      t1 = performance.now();
      t.requestStop();
    }
  }
  return (t.task.tokensPerStep * steps) / ((t1 - t0) / 1000);
}

const minChar: RunConfigInput = {
  task: "charlm", cell: "rnn", activation: "tanh", hidden_size: 100, num_layers: 1, embedding_dim: 0,
  seq_length: 25, batch_size: 1, optimizer: "adagrad", learning_rate: 0.1, init: "normal", init_std: 0.01,
};
const charLstm: RunConfigInput = {
  task: "charlm", cell: "lstm", hidden_size: 128, num_layers: 2, embedding_dim: 64, seq_length: 64, batch_size: 32, optimizer: "adam", learning_rate: 0.002,
};
const charRnn: RunConfigInput = { ...charLstm, cell: "rnn", num_layers: 1 };

/** min-char-rnn as a whole process: bundled worker, same steps, sampling 200 chars every 100 steps; a function that runs it once (chars/s). */
async function minCharProcess(steps: number): Promise<() => number> {
  const dir = mkdtempSync(join(tmpdir(), "sweeplab-bench-"));
  const worker = join(dir, "worker.mjs");
  await build({ entryPoints: [fileURLToPath(new URL("../engine/worker.ts", import.meta.url))], bundle: true, platform: "node", format: "esm", outfile: worker, logLevel: "silent" });
  const input = join(dir, "input.json");
  writeFileSync(input, JSON.stringify({ config: { ...minChar, steps, log_every: 100, eval_every: steps, sample_every: 100, sample_length: 200 } }));
  return () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [worker], { input: readFileSync(input), maxBuffer: 1 << 28 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`worker exited ${r.status}: ${r.stdout.toString().slice(-500)}`);
    return (steps * 25) / seconds;
  };
}

/** The engine suite (bench/index.ts awaits it; run directly with `npx tsx bench/engine.ts`). */
export async function run(): Promise<void> {
  console.log("engine benchmarks (gemm: the pure-JS backend; models: the default backend, wasm; 1 thread)\n");
  console.log("gemm GFLOP/s (32×128 · 128×512 is one LSTM step of the char-LSTM):");
  for (const [M, N, K] of [[32, 512, 128], [2048, 512, 128], [1, 100, 100]] as const)
    console.log(`  ${M}×${K}·${K}×${N}  A·B ${gemmGflops(M, N, K, "gemm").toFixed(2)}  A·Bᵀ ${gemmGflops(M, N, K, "gemmNT").toFixed(2)}  Aᵀ·B ${gemmGflops(M, N, K, "gemmTN").toFixed(2)}`);

  const steps = 2000;
  const live = speedBaselines();
  console.log(`\nbaselines run here: ${live.numpy ? "numpy" : "no numpy"}, ${live.torch ? "PyTorch" : "no PyTorch"} (${live.note}); recorded ones are from ${RECORDED_ON}, another day`);
  const recorded = (x: number, base: number) => `recorded ${RECORDED_ON}: ${fmt(base)}, ratio ${ratio(x, base)}`;
  let numpyLine = "";
  const minCharOnce = await minCharProcess(steps);
  const mc = interleaved(live.numpy ? 2 : 1, minCharOnce, () => {
    const r = live.numpy ? numpyRerun(steps) : null;
    if (r) numpyLine = r.line;
    return r?.charsPerSec ?? null;
  });
  const proc = mc.ours;
  const inproc = trainSpeed(minChar, 50, 1000);
  console.log(`\nmin-char-rnn (rnn 100, seq 25, batch 1, adagrad):`);
  console.log(`  whole process, ${steps} steps: ${fmt(proc)} chars/s   ${mc.theirs !== null ? `numpy here ${fmt(mc.theirs)}: ratio ${ratio(proc, mc.theirs)} (target ≥ ${TARGET.minCharVsNumpy}×)   ` : ""}numpy ${recorded(proc, BASELINE.numpyMinChar)}${mc.theirs === null ? ` (target ≥ ${TARGET.minCharVsNumpy}×)` : ""}`);
  console.log(`  steady state in-process:     ${fmt(inproc)} chars/s   ratio ${mc.theirs !== null ? `${ratio(inproc, mc.theirs)} numpy here, ` : ""}${ratio(inproc, BASELINE.numpyMinChar)} recorded`);
  if (numpyLine) console.log(`  numpy here: ${numpyLine}`);

  const lstmPair = interleaved(2, () => trainSpeed(charLstm, 1, 4), () => (live.torch ? torchSpeed(charLstm, 2, 10) : null));
  const lstm = lstmPair.ours;
  console.log(`\nchar-LSTM (2×128, embedding 64, batch 32, seq 64, adam):`);
  console.log(`  ${fmt(lstm)} chars/s = ${((lstm * LSTM_FLOP_PER_CHAR) / 1e9).toFixed(2)} GFLOP/s`);
  if (lstmPair.theirs !== null) console.log(`  PyTorch 1-thread here ${fmt(lstmPair.theirs)}: ratio ${ratio(lstm, lstmPair.theirs)} (best of 2 each, interleaved)`);
  console.log(`  TF.js ${recorded(lstm, BASELINE.tfjsLstm)} (target ≥ ${TARGET.lstmVsTfjs}×)   PyTorch 1-thread ${recorded(lstm, BASELINE.torchLstm)}`);

  const rnnPair = interleaved(2, () => trainSpeed(charRnn, 1, 6), () => (live.torch ? torchSpeed(charRnn, 3, 20) : null));
  const rnn = rnnPair.ours;
  console.log(`\nvanilla RNN 1×128 (same batch): ${fmt(rnn)} chars/s   ${rnnPair.theirs !== null ? `PyTorch here ${fmt(rnnPair.theirs)}: ratio ${ratio(rnn, rnnPair.theirs)}   ` : ""}PyTorch ${recorded(rnn, BASELINE.torchRnn)}`);
}

if (import.meta.url === `file://${process.argv[1]}`)
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
