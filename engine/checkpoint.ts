import { RunConfig } from "./config";
import type { Model } from "./model";
import type { Optimizer } from "./optim";
import type { RngState } from "./rng";

// A checkpoint is one JSON document: the resolved config, the step, both RNG states, the
// flat weight vector, the optimizer state, the carried hidden states, the summary so far and
// (charlm) the vocabulary — everything needed to resume bit for bit or to inspect a model.
// Tensors are float32 little-endian, base64. Reading and writing files is files.ts's job.

export const CHECKPOINT_FORMAT = "sweeplab-checkpoint/1";

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  config: RunConfig;
  step: number;
  rng: RngState;
  sampleRng: RngState;
  params: { names: string[]; shapes: number[][]; data: string };
  optimizer: { kind: string; t: number; buffers: string[] };
  states: Record<string, string[]>;
  summary: Record<string, number>;
  trainWindow: { lossSum: number; steps: number };
  vocab: string[] | null;
}

export function encodeTensor(x: Float32Array): string {
  const f32 = x instanceof Float32Array ? x : Float32Array.from(x);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64");
}

export function decodeTensor(s: string): Float32Array {
  const bytes = Buffer.from(s, "base64");
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function parseCheckpoint(json: string): Checkpoint {
  const ck = JSON.parse(json) as Checkpoint;
  if (ck.format !== CHECKPOINT_FORMAT) throw new Error(`not a checkpoint (format ${JSON.stringify(ck.format)})`);
  ck.config = RunConfig.parse(ck.config);
  return ck;
}

export function paramsSnapshot(model: Model): Checkpoint["params"] {
  const list = model.params.list;
  return { names: list.map((p) => p.name), shapes: list.map((p) => [...p.shape]), data: encodeTensor(model.params.w) };
}

/** Load weights into a model of the same architecture (names and shapes must match). */
export function loadParams(model: Model, params: Checkpoint["params"]): void {
  const list = model.params.list;
  const mismatch = list.length !== params.names.length || list.some((p, i) => p.name !== params.names[i] || p.shape.join("x") !== params.shapes[i].join("x"));
  if (mismatch) throw new Error("checkpoint does not match the model (different architecture)");
  model.params.w.set(decodeTensor(params.data));
}

export function optimizerSnapshot(opt: Optimizer): Checkpoint["optimizer"] {
  return { kind: opt.kind, t: opt.t, buffers: opt.buffers.map(encodeTensor) };
}

export function loadOptimizer(opt: Optimizer, snap: Checkpoint["optimizer"]): void {
  if (snap.kind !== opt.kind) throw new Error(`checkpoint optimizer is ${snap.kind}, config says ${opt.kind}`);
  opt.t = snap.t;
  snap.buffers.forEach((b, i) => opt.buffers[i].set(decodeTensor(b)));
}

export function statesSnapshot(model: Model): Checkpoint["states"] {
  const out: Checkpoint["states"] = {};
  for (const [name, tensors] of Object.entries(model.exportStates())) out[name] = tensors.map(encodeTensor);
  return out;
}

export function loadStates(model: Model, states: Checkpoint["states"]): void {
  const decoded: Record<string, Float32Array[]> = {};
  for (const [name, tensors] of Object.entries(states)) decoded[name] = tensors.map(decodeTensor);
  model.importStates(decoded);
}
