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
  /**
   * One batch through the model (a training step, an evaluation batch), beyond its products and
   * calls: drawing the batch, the loss, the optimizer's update, the step's report (ms). What a
   * long run of a small model spends most of its time on. (Absent in constants recorded before it: 0.)
   */
  msPerBatch?: number;
  /**
   * A run whose worker process is started for it, beyond startupMs: spawning Node, compiling the
   * wasm, code not yet warm (ms). The executor keeps a finished run's worker for the next run
   * (sweeps/launcher.ts reuse), so a sweep pays it once per worker slot. (Absent in constants
   * recorded before it: 0, its share then in startupMs.)
   */
  spawnMs?: number;
  /**
   * One value through an elementwise step, forward or backward: a gate's nonlinearity, a
   * softmax's exponential, a layer norm's (ms). Small and large models alike spend it per token;
   * a model of small matrices and a large vocabulary mostly on it. (Absent in constants recorded
   * before it: 0, its share then in the other terms.)
   */
  msPerElement?: number;
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
 * idle machine.) On 2026-12-05 a slower machine fitted { 150 to 200, 3.95e7 to 4.42e7, ≤ 8e-4 } in
 * four runs — and the bench's first long runs of small models (quadrant h16 × 10,000 steps) took
 * five times their estimate: a batch costs ~35 µs beyond its products (drawing it, the loss, the
 * optimizer's update, the step's report), which the 200-step configs could not show. With that
 * term, six runs there fitted { 115 to 184, 4.06e7 to 4.49e7, 0 to 1.7e-3, 0.026 to 0.051 }:
 * the middles are taken, start-up kept at 125 for the faster machine. On 2026-12-05 a faster
 * machine still fitted start-up 52 ms (worker start-up 37 ms there, against 102 on the slow one):
 * 125 put its smallest run at ×2.27. Start-up is now the middle in ratio of 52 to 188, 100, which
 * keeps that run within ×1.9 there and ×0.57 on the slowest. Until then start-up was a
 * sweep's average: its first run starts the worker process (and compiles the wasm, with cold
 * code: 150 to 290 ms more on 2026-12-05), the next two took the waiting worker. Now the spawn
 * is a term of its own, recorded per run by the executor (summary system/spawn_ms), and the
 * bench fits both on the stored runs: { 44, spawn 191 } and { 37, spawn 168 } on 2026-12-05
 * (the other constants as before: 4.46e7 and 4.48e7, 5.4e-4 and 8.2e-4, 0.026 and 0.021),
 * so start-up is 40 and a spawn 180. Layer norm was not priced at all (no products of its own):
 * an LSTM with it took 1.5 to 1.75 times the steps of one without, measured step by step on
 * 2026-12-05 over rnn/gru/lstm/lstm+ln × hidden 16/64/160 × batch 4/32 × sequence 8/32, nor the
 * softmax, which a small model over a large vocabulary spends most of a step on. A term per
 * value through an elementwise step took the worst of those 48 from ×0.51 to ×0.64 and the
 * spread from 0.19 to 0.13 (root mean square of the relative error). Three runs of the bench
 * with it fitted { 36, 170, 4.77e7, 4.9e-4, 0.019, 8.9e-7 }, { 34, 186, 4.49e7, 1.1e-3, 0.025,
 * 1.2e-6 } and { 31, 209, 4.56e7, 6.9e-4, 0.040, 1.0e-6 } (the machine's speed moved by up to
 * 30% between them): the middles are taken. A server prices the form's estimate at these constants
 * only until it has finished a few runs of its own; then at the speed they show
 * (sweeps/estimate.ts calibrateSpeed).
 */
export const MEASURED_SPEED: Speed = { startupMs: 34, spawnMs: 186, flopsPerMs: 4.56e7, msPerCall: 0.0007, msPerBatch: 0.025, msPerElement: 1e-6 };

export interface RunWork {
  /** Floating-point operations of the matrix products. */
  flops: number;
  /** Sequential kernel calls (timesteps × layers, per pass). */
  calls: number;
  /** Batches through the model: training steps, evaluation batches, gradient-flow passes. */
  batches: number;
  /** Values through elementwise steps (gates, softmax, layer norm), per pass as the flops count them. */
  elements: number;
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

/**
 * Values through elementwise steps per token of one forward pass: the softmax over the classes
 * (once per sequence for a many-to-one head), and each layer's activations (a recurrent layer's G
 * gates of H units; the MLP's two hidden layers). Layer norm passes each of its inputs through
 * twice more (the mean and variance, then the normalised value): measured on 2026-12-05, an LSTM
 * with layer norm took 1.5 to 1.75 times the steps of one without, at the same products.
 */
function forwardElementsPerToken(c: RunConfig): number {
  const shapes = estimateShapes(c);
  const norm = c.layernorm ? 3 : 1;
  if (shapes.model.kind === "mlp") return 2 * c.hidden_size * norm + shapes.model.classes;
  const G = c.cell === "lstm" ? 4 : c.cell === "gru" ? 3 : 1;
  const head = shapes.model.head === "many_to_many" ? shapes.model.classes : shapes.model.classes / taskSeqLength(c);
  return c.num_layers * G * c.hidden_size * norm + head;
}

/** Sequential calls of one forward pass over a batch. */
function forwardCalls(c: RunConfig): number {
  return estimateShapes(c).model.kind === "mlp" ? 3 : taskSeqLength(c) * c.num_layers;
}

export function runWork(c: RunConfig): RunWork {
  const macs = forwardMacsPerToken(c);
  const elems = forwardElementsPerToken(c);
  const calls = forwardCalls(c);
  const seq = estimateShapes(c).model.kind === "seq";
  const T = taskSeqLength(c);
  const tokens = c.batch_size * T;
  const evals = Math.ceil(c.steps / c.eval_every);
  const samples = c.task === "charlm" && c.sample_every > 0 ? Math.floor(c.steps / c.sample_every) : 0;
  // forward = 2 flops per multiply-add; training and the diagnostics pass = forward + backward ≈ 3 forwards
  // elements as the flops: a training pass ≈ 3 forward passes
  const trainPass = { flops: 6 * macs * tokens, calls: 3 * calls, elements: 3 * elems * tokens };
  const evalPass = { flops: 2 * macs * tokens, calls, elements: elems * tokens };
  const perEval = {
    flops: c.eval_batches * evalPass.flops + (seq ? trainPass.flops : 0),
    calls: c.eval_batches * evalPass.calls + (seq ? trainPass.calls : 0),
    elements: c.eval_batches * evalPass.elements + (seq ? trainPass.elements : 0),
  };
  const perSample = { flops: c.sample_length * 2 * macs, calls: c.sample_length * c.num_layers, elements: c.sample_length * elems };
  return {
    flops: c.steps * trainPass.flops + evals * perEval.flops + samples * perSample.flops,
    calls: c.steps * trainPass.calls + evals * perEval.calls + samples * perSample.calls,
    elements: c.steps * trainPass.elements + evals * perEval.elements + samples * perSample.elements,
    batches: c.steps + evals * (c.eval_batches + (seq ? 1 : 0)),
  };
}

/** Work run in a worker started for it (`spawned`), or in a waiting one. */
export type PlacedWork = RunWork & { spawned?: boolean };

/** Wall time of this much work at this speed (ms). */
export function workMs(w: PlacedWork, speed: Speed): number {
  return speed.startupMs + (w.spawned ? (speed.spawnMs ?? 0) : 0) + w.flops / speed.flopsPerMs + w.calls * speed.msPerCall + w.batches * (speed.msPerBatch ?? 0) + w.elements * (speed.msPerElement ?? 0);
}

/** Estimated wall time of one run on its own core (ms), in a waiting worker unless `spawned`. */
export function estimateRunMs(c: RunConfig, speed: Speed = MEASURED_SPEED, spawned = false): number {
  return workMs({ ...runWork(c), spawned }, speed);
}

/** A run's work, whether its worker was started for it, and the wall time it took (ms). */
export interface TimedWork extends PlacedWork {
  ms: number;
}

export type SpeedTerm = "startup" | "spawn" | "flops" | "calls" | "batches" | "elements";

const TERM_FEATURE: Record<SpeedTerm, (w: PlacedWork) => number> = {
  startup: () => 1,
  spawn: (w) => (w.spawned ? 1 : 0),
  flops: (w) => w.flops,
  calls: (w) => w.calls,
  batches: (w) => w.batches,
  elements: (w) => w.elements,
};

export const SPEED_TERMS: readonly SpeedTerm[] = ["startup", "spawn", "flops", "calls", "batches", "elements"];

/** Each constant's coefficient in the model (ms per unit of its term). */
export function coefficient(speed: Speed, t: SpeedTerm): number {
  switch (t) {
    case "startup": return speed.startupMs;
    case "spawn": return speed.spawnMs ?? 0;
    case "flops": return 1 / speed.flopsPerMs;
    case "calls": return speed.msPerCall;
    case "batches": return speed.msPerBatch ?? 0;
    case "elements": return speed.msPerElement ?? 0;
  }
}

/**
 * A prior for fitSpeed: constants known from elsewhere, and how far (relative, as one standard
 * deviation measured in units of a run's relative error) each may move before it costs as much
 * as a run the fit misses by that error.
 */
export interface SpeedPrior {
  speed: Speed;
  spread: Partial<Record<SpeedTerm, number>>;
}

/**
 * The constants of `terms` (the others 0) by least squares on relative error: minimise
 * Σ ((startup + spawned·spawnMs + flops/flopsPerMs + calls·msPerCall + batches·msPerBatch + elements·msPerElement) / ms − 1)², plus with a prior
 * Σ ((coefficient / prior's − 1) / spread)² for each term it gives a spread. A negative
 * start-up, spawn, cost per call, per batch or per element comes out as 0, a negative cost per flop as flopsPerMs Infinity.
 * A term no run shows (none spawned its worker) and no prior holds comes out as 0.
 * Null when the runs cannot tell the terms apart (fewer runs than terms, or runs whose work is
 * all alike) and no prior does.
 */
export function fitSpeed(rows: readonly TimedWork[], allTerms: readonly SpeedTerm[] = SPEED_TERMS, prior?: SpeedPrior): Speed | null {
  const held = (t: SpeedTerm) => (prior?.spread[t] ?? 0) > 0 && coefficient(prior!.speed, t) > 0 && Number.isFinite(coefficient(prior!.speed, t));
  // a term no run shows (no worker started for any of them) and no prior holds: 0
  const terms = allTerms.filter((t) => held(t) || rows.some((r) => TERM_FEATURE[t](r) !== 0));
  // rows of the least-squares problem x·θ ≈ target: one per run, one per term with a prior
  const X = rows.map((r) => terms.map((t) => TERM_FEATURE[t](r) / r.ms));
  const target = rows.map(() => 1);
  for (const [j, t] of terms.entries()) {
    if (!held(t)) continue;
    const spread = prior!.spread[t]!;
    const c = coefficient(prior!.speed, t);
    X.push(terms.map((_, k) => (k === j ? 1 / (c * spread) : 0)));
    target.push(1 / spread);
  }
  const n = terms.length;
  if (X.length < n) return null;
  // each term's column scaled to unit length, so that start-up (~1) and flops (~1e8) are solved alike
  const norm = terms.map((_, j) => Math.hypot(...X.map((x) => x[j])) || 1);
  const A = terms.map((_, i) => terms.map((_, j) => X.reduce((s, x) => s + (x[i] / norm[i]) * (x[j] / norm[j]), 0)));
  const y = terms.map((_, i) => X.reduce((s, x, row) => s + (x[i] / norm[i]) * target[row], 0));
  const solved = solveLinear(A, y);
  if (!solved) return null;
  const coef = Object.fromEntries(terms.map((t, j) => [t, solved[j] / norm[j]])) as Partial<Record<SpeedTerm, number>>;
  return {
    startupMs: Math.max(coef.startup ?? 0, 0),
    spawnMs: Math.max(coef.spawn ?? 0, 0),
    flopsPerMs: (coef.flops ?? 0) > 0 ? 1 / coef.flops! : Infinity,
    msPerCall: Math.max(coef.calls ?? 0, 0),
    msPerBatch: Math.max(coef.batches ?? 0, 0),
    msPerElement: Math.max(coef.elements ?? 0, 0),
  };
}

/** A·x = y by Gaussian elimination with partial pivoting; null when A is (nearly) singular. */
function solveLinear(A: number[][], y: number[]): number[] | null {
  const n = y.length;
  const m = A.map((row, i) => [...row, y[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    // the columns have unit length, so the pivots measure how independent they are
    if (Math.abs(m[p][k]) < 1e-9) return null;
    [m[k], m[p]] = [m[p], m[k]];
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k] / m[k][k];
      for (let j = k; j <= n; j++) m[i][j] -= f * m[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * x[j];
    x[i] = s / m[i][i];
  }
  return x;
}
