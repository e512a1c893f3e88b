import { RunConfig } from "./config";
import type { Model } from "./model";
import type { Optimizer } from "./optim";
import type { RngState } from "./rng";

// A checkpoint is one JSON document: the resolved config, the step, both RNG states, the
// flat weight vector, the optimizer state, the carried hidden states, the summary so far and
// (charlm) the vocabulary — everything needed to resume bit for bit or to inspect a model.
// Tensors are float32 little-endian, base64. Reading and writing files is files.ts's job.
//
// In memory a tensor is a Float32Array (a snapshot, or read from a file) or the base64 text
// (parsed from a string): no model-sized string is ever built, so that models of any size that
// fit in memory can be saved (V8 strings end at 2^29 characters: ~100M floats of base64).
// checkpointChunks writes the document piece by piece, each tensor's base64 in slices; very
// old checkpoints with tensors as JSON number arrays still load (decodeTensor).

export const CHECKPOINT_FORMAT = "sweeplab-checkpoint/1";

/** A tensor of a checkpoint: float32 values, their base64 (as in the file) or a JSON number array (old files). */
export type CheckpointTensor = Float32Array | string | number[];

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  config: RunConfig;
  step: number;
  rng: RngState;
  sampleRng: RngState;
  params: { names: string[]; shapes: number[][]; data: CheckpointTensor };
  optimizer: { kind: string; t: number; buffers: CheckpointTensor[] };
  states: Record<string, CheckpointTensor[]>;
  summary: Record<string, number>;
  trainWindow: { lossSum: number; steps: number };
  vocab: string[] | null;
  /** Seconds of training before this checkpoint (a resumed run's clock goes on from it; absent in old files). */
  elapsed?: number;
}

export function encodeTensor(x: Float32Array): string {
  const f32 = x instanceof Float32Array ? x : Float32Array.from(x);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64");
}

export function decodeTensor(s: CheckpointTensor): Float32Array {
  if (s instanceof Float32Array) return s;
  if (Array.isArray(s)) return Float32Array.from(s);
  const bytes = Buffer.from(s, "base64");
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Base64 slices of this many bytes (a multiple of 3: the slices concatenate to the base64 of the whole). */
export const BASE64_SLICE_BYTES = 3 << 20;

/** The base64 of a tensor in slices (a file writer writes them one after the other). */
export function* base64Slices(x: Float32Array): Generator<string> {
  const bytes = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  for (let at = 0; at < bytes.length; at += BASE64_SLICE_BYTES) yield bytes.subarray(at, at + BASE64_SLICE_BYTES).toString("base64");
}

/**
 * The JSON text of a checkpoint in pieces, tensors as base64 strings written slice by slice: the
 * same text JSON.stringify gives for base64 tensors, without ever holding it whole.
 */
export function* checkpointChunks(ck: Checkpoint): Generator<string> {
  const tensors: Float32Array[] = [];
  // tensors become numbered placeholders in the small rest of the document, then stream in its place
  const marker = (x: CheckpointTensor) => `\u0000f32:${tensors.push(decodeTensor(x)) - 1}\u0000`;
  const doc = JSON.stringify({
    ...ck,
    params: { ...ck.params, data: marker(ck.params.data) },
    optimizer: { ...ck.optimizer, buffers: ck.optimizer.buffers.map(marker) },
    states: Object.fromEntries(Object.entries(ck.states).map(([name, list]) => [name, list.map(marker)])),
  });
  const parts = doc.split(/"\\u0000f32:(\d+)\\u0000"/);
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      yield parts[i];
      continue;
    }
    yield '"';
    yield* base64Slices(tensors[Number(parts[i])]);
    yield '"';
  }
}

/** The whole JSON text (small checkpoints: tests, tools). */
export function serializeCheckpoint(ck: Checkpoint): string {
  return [...checkpointChunks(ck)].join("");
}

/** A parsed document (its config not yet validated) as a checkpoint. */
export function checkCheckpoint(ck: Checkpoint): Checkpoint {
  if (ck.format !== CHECKPOINT_FORMAT) throw new Error(`not a checkpoint (format ${JSON.stringify(ck.format)})`);
  ck.config = RunConfig.parse(ck.config);
  return ck;
}

export function parseCheckpoint(json: string): Checkpoint {
  return checkCheckpoint(JSON.parse(json) as Checkpoint);
}

export function paramsSnapshot(model: Model): Checkpoint["params"] {
  const list = model.params.list;
  return { names: list.map((p) => p.name), shapes: list.map((p) => [...p.shape]), data: model.params.w.slice() };
}

/** Load weights into a model of the same architecture (names and shapes must match). */
export function loadParams(model: Model, params: Checkpoint["params"]): void {
  const list = model.params.list;
  const mismatch = list.length !== params.names.length || list.some((p, i) => p.name !== params.names[i] || p.shape.join("x") !== params.shapes[i].join("x"));
  if (mismatch) throw new Error("checkpoint does not match the model (different architecture)");
  model.params.w.set(decodeTensor(params.data));
}

export function optimizerSnapshot(opt: Optimizer): Checkpoint["optimizer"] {
  return { kind: opt.kind, t: opt.t, buffers: opt.buffers.map((b) => b.slice()) };
}

export function loadOptimizer(opt: Optimizer, snap: Checkpoint["optimizer"]): void {
  if (snap.kind !== opt.kind) throw new Error(`checkpoint optimizer is ${snap.kind}, config says ${opt.kind}`);
  opt.t = snap.t;
  snap.buffers.forEach((b, i) => opt.buffers[i].set(decodeTensor(b)));
}

export function statesSnapshot(model: Model): Checkpoint["states"] {
  const out: Checkpoint["states"] = {};
  for (const [name, tensors] of Object.entries(model.exportStates())) out[name] = tensors.map((t) => t.slice());
  return out;
}

export function loadStates(model: Model, states: Checkpoint["states"]): void {
  const decoded: Record<string, Float32Array[]> = {};
  for (const [name, tensors] of Object.entries(states)) decoded[name] = tensors.map(decodeTensor);
  model.importStates(decoded);
}
