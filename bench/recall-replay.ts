// Cross-check of the delayed-recall lesson against PyTorch in float64: train one run in the
// engine while recording its initial weights and every batch it draws, then replay the same run
// in float64 PyTorch (bench/baselines/recall_replay.py: the same weights and batches on
// torch.nn.LSTM / torch.nn.RNN, the same clipping, torch.optim.Adam) and print both side by side.
//   npx tsx bench/recall-replay.ts [--cell lstm|rnn] [--seed N] [--steps N]
// Needs /usr/bin/python3 (or $PYTHON) with torch; says so and stops when it is missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfigInput } from "../engine/config";
import type { Batch } from "../engine/model";
import { createJsBackend } from "../engine/kernels/js";
import { Trainer, type TrainOptions } from "../engine/train";
import { SOLVED } from "./lessons";
import { PYTHON, pythonHas, report } from "./util";

const SCRIPT = fileURLToPath(new URL("./baselines/recall_replay.py", import.meta.url));

export function torchAvailable(): boolean {
  return pythonHas("torch", "numpy");
}

export interface Trajectory {
  train_loss: number[];
  evals: { step: number; val_loss: number; val_acc: number }[];
}

const i32 = (batches: Batch[], key: "inputs" | "targets") => {
  const out = new Int32Array(batches.reduce((n, b) => n + b[key].length, 0));
  let o = 0;
  for (const b of batches) {
    out.set(b[key] as Int32Array, o);
    o += b[key].length;
  }
  return Buffer.from(out.buffer);
};

/** Train `config` in the engine (recording what the replay needs into dir): its trajectory. */
export function engineRun(config: RunConfigInput, dir: string, options: TrainOptions = {}): Trajectory {
  const trainer = new Trainer({ ...config, log_every: 1 }, options);
  const c = trainer.config;
  const params = trainer.model.params;
  writeFileSync(join(dir, "params.f64"), Buffer.from(Float64Array.from(params.w).buffer));
  const drawn: Batch[] = [];
  const task = trainer.task, draw = task.trainBatch.bind(task);
  task.trainBatch = (step, rng) => {
    const b = draw(step, rng);
    drawn.push({ ...b, inputs: b.inputs.slice(), targets: b.targets.slice() });
    return b;
  };
  const out: Trajectory = { train_loss: [], evals: [] };
  for (const ev of trainer.run()) {
    if (ev.type !== "metric") continue;
    if (ev.values.train_loss != null) out.train_loss.push(ev.values.train_loss);
    if (ev.values.val_acc != null) out.evals.push({ step: ev.step, val_loss: ev.values.val_loss!, val_acc: ev.values.val_acc });
  }
  const evalSet = task.evalBatches();
  if (drawn.some((b) => b.targets.length !== b.T * b.B)) throw new Error("replay expects a many-to-many head (targets per step)");
  writeFileSync(join(dir, "train_inputs.i32"), i32(drawn, "inputs"));
  writeFileSync(join(dir, "train_targets.i32"), i32(drawn, "targets"));
  writeFileSync(join(dir, "eval_inputs.i32"), i32(evalSet, "inputs"));
  writeFileSync(join(dir, "eval_targets.i32"), i32(evalSet, "targets"));
  const meta = {
    config: c,
    params: params.list.map((p) => ({ name: p.name, shape: p.shape })),
    T: drawn[0].T,
    B: drawn[0].B,
    steps: drawn.length,
    evalBatches: evalSet.length,
  };
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
  return out;
}

export function torchReplay(dir: string): Trajectory {
  const r = spawnSync(PYTHON, [SCRIPT, dir], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`recall_replay.py exited ${r.status}: ${r.stderr.slice(-1000)}`);
  return JSON.parse(r.stdout) as Trajectory;
}

/** Train `config` in the engine and replay it in torch (null: no torch here). */
export function replay(config: RunConfigInput, options: TrainOptions = {}): { engine: Trajectory; torch: Trajectory } | null {
  if (!torchAvailable()) return null;
  const dir = mkdtempSync(join(tmpdir(), "sweeplab-replay-"));
  try {
    const engine = engineRun(config, dir, options);
    return { engine, torch: torchReplay(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest relative difference of the per-step training loss over the first n steps. */
export function earlyLossError(a: Trajectory, b: Trajectory, n: number): number {
  let worst = 0;
  for (let i = 0; i < Math.min(n, a.train_loss.length, b.train_loss.length); i++)
    worst = Math.max(worst, Math.abs(a.train_loss[i] - b.train_loss[i]) / Math.abs(b.train_loss[i]));
  return worst;
}

/** Steps of the float64 check: the engine's float64 backend is the slow JS one. */
const F64_STEPS = 20;

/**
 * Print the comparison of one run (bench/lessons.ts --replay, or this script): first the engine
 * in float64 (its JS backend) against torch for F64_STEPS steps — the same arithmetic, so the
 * same numbers — then the run itself (float32, wasm) against torch over all its steps. A vanilla
 * RNN's trajectory is chaotic: float32 rounding (1e-7) grows to percents within ~50 steps, so
 * what the two runs share there is the outcome, not the curve.
 */
export async function replayReport(config: RunConfigInput): Promise<void> {
  const what = `${config.cell} seed ${config.seed}, delay ${config.delay}`;
  if (!torchAvailable()) {
    console.log(`\nfloat64 PyTorch replay of ${what}: skipped (${PYTHON} has no torch; set PYTHON)`);
    return;
  }
  const started = performance.now();
  const f64 = replay({ ...config, steps: F64_STEPS }, { backend: createJsBackend({ float64: true }) })!;
  const r = replay(config)!;
  console.log(`\nfloat64 PyTorch replay of ${what}, ${config.steps} steps (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const same = earlyLossError(f64.engine, f64.torch, F64_STEPS);
  report(`engine in float64 vs torch, train_loss of the first ${F64_STEPS} steps`, `${same.toExponential(1)} (largest relative difference)`, { ok: same < 1e-9, target: "< 1e-9" });
  console.log(`     the run in float32 vs torch: train_loss of the first 50 steps differs by up to ${earlyLossError(r.engine, r.torch, 50).toExponential(1)}; val_acc, engine / torch:`);
  const pairs = r.engine.evals.map((e, i) => `${e.step}: ${e.val_acc.toFixed(2)}/${r.torch.evals[i]?.val_acc.toFixed(2)}`);
  const every = Math.ceil(pairs.length / 16);
  const shown = pairs.filter((_, i) => i % every === every - 1 || i === pairs.length - 1);
  for (let i = 0; i < shown.length; i += 8) console.log(`       ${shown.slice(i, i + 8).join("  ")}`);
  const last = (t: Trajectory) => t.evals[t.evals.length - 1].val_acc;
  const agree = (last(r.engine) >= SOLVED) === (last(r.torch) >= SOLVED);
  report("final val_acc, engine / torch", `${last(r.engine).toFixed(3)} / ${last(r.torch).toFixed(3)}`, { ok: agree, target: "both solve or both fail" });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { LESSON } = await import("./lessons");
  await replayReport({ ...LESSON, cell: arg("cell", "lstm") as "lstm" | "rnn", seed: Number(arg("seed", "1")), steps: Number(arg("steps", String(LESSON.steps))) });
}
