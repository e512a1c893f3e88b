import type { RunConfig } from "./config";
import { BUILTIN_CORPUS } from "./corpus/builtin";
import { delayedRecallLength, delayedRecallShape } from "./tasks/delayed_recall";
import type { ModelShape } from "./tasks/task";

// How much memory a run needs, from its config alone (issue: configs that can never run).
// The terms follow the allocations of the layers (params.ts, optim.ts, seqmodel.ts Buffers,
// layers/recurrent.ts Workspace, mlp.ts Buffers) and of the wasm backend (packed operands and
// staging); the wasm backend's allocatedBytes() checks them (resources.test.ts). The schema
// (config.ts) rejects a config whose estimate exceeds MEMORY_LIMIT_BYTES, and train.ts sizes
// the wasm reservation from it (wasmMemoryMiB).

const F32 = 4;
const MiB = 1024 * 1024;
/** The wasm32 maximum: 65536 pages of 64 KiB. The limit for every backend, so that a config valid for js is valid for wasm. */
export const MEMORY_LIMIT_BYTES = 4096 * MiB;
/** Held-out batches (token ids and targets, plain JS memory) beyond this are refused too. */
export const EVAL_SET_LIMIT_BYTES = 1024 * MiB;
/** Reservation = estimate × margin + fixed room (staging, packing scratch, abandoned buffers). */
const WASM_MARGIN = 1.25, WASM_FIXED_BYTES = 16 * MiB;
/** The wasm backend's own scratch at creation (staging, packing blocks; wasm/backend.ts). */
const BACKEND_BASE_BYTES = 0.65 * MiB;

export interface MemoryEstimate {
  /** Parameters: weights, gradients, optimizer state. */
  paramBytes: number;
  /** Packed copies of weights (the backend's matrix-product operands) and backend scratch. */
  packedBytes: number;
  /** Activations and workspaces of the training, evaluation and sampling batches. */
  activationBytes: number;
  /** Everything above: what lives in the backend's memory. */
  totalBytes: number;
  /** Held-out batches (token ids and targets) kept in JS memory for the whole run. */
  evalSetBytes: number;
}

export interface EstimateShapes {
  model: ModelShape;
  /** Streams of the evaluation batches (charlm: as many as the held-out text allows, ≤ batch_size). */
  evalB: number;
  /** Count the evaluation workspaces apart even when evalB = batch_size (charlm before its text is known: an upper bound). */
  evalApart?: boolean;
}

let builtinVocab: number | null = null;

/** The shapes the task of `config` will have; charlm with a corpus file assumes a 256-symbol vocabulary. */
export function estimateShapes(config: RunConfig): EstimateShapes {
  switch (config.task) {
    case "charlm": {
      builtinVocab ??= new Set(Array.from(BUILTIN_CORPUS)).size;
      const vocab = config.corpus === "builtin" ? builtinVocab : 256;
      return { model: { kind: "seq", vocab, classes: vocab, head: "many_to_many" }, evalB: config.batch_size, evalApart: true };
    }
    case "repeated_ones": return { model: { kind: "seq", vocab: 2, classes: 2, head: "many_to_many" }, evalB: config.batch_size };
    case "delayed_recall": return { model: delayedRecallShape(config), evalB: config.batch_size };
    case "quadrant": return { model: { kind: "mlp", inputs: 2, classes: 4 }, evalB: config.batch_size };
  }
}

/** The sequence length the task uses (delayed_recall: delayedRecallLength; quadrant: 1). */
export function taskSeqLength(config: RunConfig): number {
  return config.task === "delayed_recall" ? delayedRecallLength(config.delay) : config.task === "quadrant" ? 1 : config.seq_length;
}

/** Floats of a packed operand K×N (8-column panels). */
const packed = (K: number, N: number) => K * Math.ceil(N / 8) * 8;

export function estimateMemory(config: RunConfig, shapes: EstimateShapes = estimateShapes(config)): MemoryEstimate {
  const c = config, H = c.hidden_size, shape = shapes.model;
  const optBuffers = c.optimizer === "adam" ? 2 : c.optimizer === "sgd" ? 0 : 1;
  const T = taskSeqLength(c);
  let params: number, packedFloats: number, activations: number;
  if (shape.kind === "mlp") {
    const ln = c.layernorm ? 2 * 2 * H : 0;
    params = shape.inputs * H + H + H * H + H + H * shape.classes + shape.classes + ln;
    packedFloats = 0;
    // mlp.ts Buffers per batch size: 7 [B × H] per hidden layer (+ LN cache), logits and ∂logits
    const perBatch = (B: number) => 2 * (7 * B * H + (c.layernorm ? B * H + B : 0)) + 2 * B * shape.classes;
    activations = perBatch(c.batch_size) + (shapes.evalB !== c.batch_size || shapes.evalApart ? perBatch(shapes.evalB) : 0);
  } else {
    const G = c.cell === "lstm" ? 4 : c.cell === "gru" ? 3 : 1, GH = G * H, L = c.num_layers, E = c.embedding_dim;
    const ln = c.layernorm, fused = c.cell === "lstm" && !ln;
    const input0 = E || shape.vocab;
    params = (E ? shape.vocab * E : 0) + (input0 + (L - 1) * H) * GH + L * (H * GH + GH) + (ln ? L * 4 * GH : 0)
      + (c.h0 === "learned" ? L * H : 0) + H * shape.classes + shape.classes;
    // W_h and W_hᵀ packed per layer; the fused LSTM also packs W_x and W_xᵀ of float inputs
    packedFloats = L * 2 * packed(H, GH) + (fused ? (L - 1) * 2 * packed(H, GH) + (E && E >= shape.vocab ? 2 * packed(E, GH) : 0) : 0);
    if (c.cell === "rnn") packedFloats += packed(H, H); // the backend's packed W_h for the RNN loops
    const workspace = (T: number, B: number) => {
      const rows = T * B;
      let n = rows * GH + (T + 1) * B * H + 3 * B * H; // gx, hs, dh, dhNext (+dc)
      if (c.cell === "gru") n += 3 * rows * GH; // gh, dGh, dRec
      if (c.cell === "lstm") n += (T + 1) * B * H + rows * H + B * H; // cs, tanhC, dc
      if (!fused) n += rows * GH; // dPre
      if (ln) n += 5 * rows * GH + 2 * rows + (c.cell === "gru" ? 0 : rows * GH); // gxRaw, recRaw, dGxRaw, LN caches, dRec
      const dX = (l: number) => (l === 0 ? (E ? rows * E : 0) : rows * H);
      const table = E && shape.vocab < rows ? shape.vocab * GH : 0;
      let sum = 0;
      for (let l = 0; l < L; l++) sum += n + dX(l) + (l === 0 ? table : 0);
      // seqmodel.ts Buffers: embedding output, dropout masks and outputs, logits, ∂logits, ∂top
      const headRows = shape.head === "many_to_many" ? rows : B;
      return sum + (E ? rows * E : 0) + (c.dropout > 0 ? 2 * L * rows * H : 0) + 2 * headRows * shape.classes + rows * H;
    };
    const streams = (B: number) => L * B * H * (c.cell === "lstm" ? 2 : 1);
    const evalB = shapes.evalB, B = c.batch_size;
    activations = workspace(T, B) + (evalB !== B || shapes.evalApart ? workspace(T, evalB) : 0) + workspace(1, 1) // training, evaluation, sampling
      + streams(B) + 2 * streams(evalB) + streams(1); // train, eval, diagnostics, sample
  }
  const paramBytes = params * (2 + optBuffers) * F32;
  const packedBytes = packedFloats * F32;
  const activationBytes = activations * F32;
  const rows = T * Math.max(c.batch_size, shapes.evalB);
  // staging of token ids and the softmax's statistics: replaced by larger ones, the old abandoned
  const stagingBytes = rows * 4 + 2 * rows * F32;
  const evalSetBytes = c.task === "quadrant" ? c.eval_batches * c.batch_size * 12 : c.eval_batches * T * shapes.evalB * 8;
  return { paramBytes, packedBytes, activationBytes, totalBytes: BACKEND_BASE_BYTES + paramBytes + packedBytes + activationBytes + stagingBytes, evalSetBytes };
}

/** The wasm reservation for a run: the estimate with a margin, at most the wasm32 maximum. */
export function wasmMemoryMiB(estimate: MemoryEstimate): number {
  return Math.min(MEMORY_LIMIT_BYTES / MiB, Math.ceil((estimate.totalBytes * WASM_MARGIN + WASM_FIXED_BYTES) / MiB));
}

export function formatBytes(bytes: number): string {
  const GiB = 1024 * MiB;
  return bytes >= GiB ? `${+(bytes / GiB).toFixed(bytes >= 10 * GiB ? 0 : 1)} GiB` : `${Math.max(1, Math.round(bytes / MiB))} MiB`;
}

export interface ResourceIssue {
  path: keyof RunConfig;
  message: string;
}

/**
 * What keeps `config` from running, as issues on the field a user would change: the parameters
 * (hidden_size), the activations (batch_size), the held-out set (eval_batches). Empty: it fits.
 */
export function resourceIssues(config: RunConfig): ResourceIssue[] {
  const est = estimateMemory(config);
  const issues: ResourceIssue[] = [];
  // the reservation (estimate with margin) has to fit the wasm32 maximum
  const needed = est.totalBytes * WASM_MARGIN + WASM_FIXED_BYTES;
  if (needed > MEMORY_LIMIT_BYTES) {
    const limit = `the limit is ${formatBytes(MEMORY_LIMIT_BYTES)}`;
    const seq = config.task === "quadrant" ? "" : config.task === "delayed_recall" ? ` × (delay + ${delayedRecallLength(0)})` : " × seq_length";
    const what = est.activationBytes >= est.paramBytes + est.packedBytes
      ? { path: "batch_size" as const, terms: `hidden_size × num_layers × batch_size${seq}` }
      : { path: "hidden_size" as const, terms: `hidden_size² × num_layers (parameters, gradients, optimizer state)` };
    if (config.task === "quadrant") what.terms = what.path === "batch_size" ? "hidden_size × batch_size" : "hidden_size² (parameters, gradients, optimizer state)";
    issues.push({ path: what.path, message: `${what.terms} needs ~${formatBytes(needed)} of memory; ${limit}` });
  }
  if (est.evalSetBytes > EVAL_SET_LIMIT_BYTES)
    issues.push({
      path: "eval_batches",
      message: `eval_batches × batch_size${config.task === "quadrant" ? "" : " × seq_length"} needs ~${formatBytes(est.evalSetBytes)} for the held-out set; the limit is ${formatBytes(EVAL_SET_LIMIT_BYTES)}`,
    });
  return issues;
}
