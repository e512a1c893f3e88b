import type { RunConfig } from "./config";
import { estimateShapes, taskSeqLength } from "./resources";

// How long a run takes, from its config alone: the work it does (matrix flops, and the
// sequential steps through time whose cost does not shrink with the matrices) priced at a
// speed measured on a real machine. An estimate for planning ("this grid takes ~3 h"), not a
// promise: the machine, its load and the sweep's early stopping all move it.
//
// The work follows train.ts: every step a forward and backward pass (≈ 3× a forward's flops);
// every eval_every steps (and at the end) eval_batches forward passes, plus for recurrent
// models one forward + backward for the gradient-flow diagnostics; for charlm a sample of
// sample_length characters every sample_every steps.

export interface Speed {
  /** Spawn the worker, build the task and model, first step (ms). */
  startupMs: number;
  /** Matrix work: flops per millisecond. */
  flopsPerMs: number;
  /** One sequential kernel call (a timestep of a layer, forward or backward): ms. */
  msPerCall: number;
}

/**
 * Measured by `npm run bench -- speed` (bench/speed.ts: each config as a real sweep, one run at a
 * time, the constants fitted by least squares on relative error) on the project's 2-core
 * machine, Node 20, wasm backend, one thread per run, nothing else running: three runs on
 * 2026-12-04 fitted { 164, 4.54e7, 0 }, { 167, 4.62e7, 0 } and { 97, 4.24e7, 3.3e-4 }; another
 * machine { 188, 4.22e7, 0 }, and a faster one on 2026-12-05 { 79, 4.44e7, 5.6e-4 }
 * (with a warm executor, as a server's is). The work rate is steady; start-up is not, so it is
 * taken from the middle (in ratio) of 79 to 188: 125, which keeps the smallest runs' estimates
 * within ×1.7 on either machine (165 was ×2.2 on the fast one). Start-up
 * is what a run costs beyond its work: its worker (a waiting one, or ~40 ms to spawn), the task
 * and model, the executor's own work. At one run per core each run takes ~12% longer (bench
 * sweeps: 8 runs two at a time take 0.56 of the time one at a time), which the "about" of the
 * form's estimate allows. (Until then the figures were fitted under a load average of 8-9 and
 * with a worker that took ~1 s to start: { 1130, 1.55e7, 0 }, three to ten times the runs of an
 * idle machine.) Rerun the bench on other hardware and replace the numbers.
 */
export const MEASURED_SPEED: Speed = { startupMs: 125, flopsPerMs: 4.5e7, msPerCall: 0 };

export interface RunWork {
  /** Floating-point operations of the matrix products. */
  flops: number;
  /** Sequential kernel calls (timesteps × layers, per pass). */
  calls: number;
}

/** Multiply-adds per token of one forward pass (embedding lookups and one-hot inputs cost none). */
function forwardMacsPerToken(c: RunConfig): number {
  const shapes = estimateShapes(c);
  const H = c.hidden_size;
  if (shapes.model.kind === "mlp") return shapes.model.inputs * H + H * H + H * shapes.model.classes;
  const G = c.cell === "lstm" ? 4 : c.cell === "gru" ? 3 : 1;
  const input = (c.embedding_dim ? c.embedding_dim * G * H : 0) + (c.num_layers - 1) * H * G * H;
  const recurrent = c.num_layers * H * G * H;
  const T = taskSeqLength(c);
  const head = shapes.model.head === "many_to_many" ? H * shapes.model.classes : (H * shapes.model.classes) / T;
  return input + recurrent + head;
}

/** Sequential calls of one forward pass over a batch. */
function forwardCalls(c: RunConfig): number {
  return estimateShapes(c).model.kind === "mlp" ? 3 : taskSeqLength(c) * c.num_layers;
}

export function runWork(c: RunConfig): RunWork {
  const macs = forwardMacsPerToken(c);
  const calls = forwardCalls(c);
  const seq = estimateShapes(c).model.kind === "seq";
  const T = taskSeqLength(c);
  const tokens = c.batch_size * T;
  const evals = Math.ceil(c.steps / c.eval_every);
  const samples = c.task === "charlm" && c.sample_every > 0 ? Math.floor(c.steps / c.sample_every) : 0;
  // forward = 2 flops per multiply-add; training and the diagnostics pass = forward + backward ≈ 3 forwards
  const trainPass = { flops: 6 * macs * tokens, calls: 3 * calls };
  const evalPass = { flops: 2 * macs * tokens, calls };
  const perEval = { flops: c.eval_batches * evalPass.flops + (seq ? trainPass.flops : 0), calls: c.eval_batches * evalPass.calls + (seq ? trainPass.calls : 0) };
  const perSample = { flops: c.sample_length * 2 * macs, calls: c.sample_length * c.num_layers };
  return {
    flops: c.steps * trainPass.flops + evals * perEval.flops + samples * perSample.flops,
    calls: c.steps * trainPass.calls + evals * perEval.calls + samples * perSample.calls,
  };
}

/** Estimated wall time of one run on its own core (ms). */
export function estimateRunMs(c: RunConfig, speed: Speed = MEASURED_SPEED): number {
  const w = runWork(c);
  return speed.startupMs + w.flops / speed.flopsPerMs + w.calls * speed.msPerCall;
}
