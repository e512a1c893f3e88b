import type { SeqModel } from "./seqmodel";
import type { Vocab } from "./tasks/charlm";
import type { GradFlowProbe } from "./tasks/task";

// What the dashboard shows besides the curves. All read a model; none changes its weights.

export interface GradFlow {
  /** ‖∂L_T/∂h_t‖ of the top layer for t = 1..T, L_T = the loss of the last step only. */
  norms: number[];
  /** The same for every layer, bottom first. */
  layers: number[][];
  /** Timesteps worth naming (the task's probe), e.g. where the symbol to remember is read. */
  marks: GradFlowProbe["marks"];
}

/**
 * How the gradient of the last step's loss vanishes or explodes back through time: one
 * forward + backward of `batch` from h0 with only the last step's loss, on a scratch stream.
 * Parameter gradients are zeroed afterwards.
 */
export function gradFlow(model: SeqModel, { batch, marks }: GradFlowProbe): GradFlow {
  const targets = new Int32Array(batch.targets.length).fill(-1);
  if (model.spec.head === "many_to_one") targets.set(batch.targets);
  else targets.set(batch.targets.subarray((batch.T - 1) * batch.B), (batch.T - 1) * batch.B);
  model.forward({ ...batch, targets, reset: true }, "diagnostics", false, null);
  model.backward();
  model.backend.fill(model.params.g, 0);
  const layers = model.layers.map((l) => Array.from(l.last!.gradNorms));
  return { norms: layers[layers.length - 1], layers, marks };
}

export interface Saturation {
  /** Mean share of saturated tanh units (|tanh| > 0.99) over the layers that have them. */
  share: number | null;
  layers: (number | null)[];
}

/**
 * Saturation of the most recent forward: call after an evaluation, before any backward (a fused
 * LSTM layer's backward writes ∂L/∂pre over its activated gates).
 */
export function saturation(model: SeqModel): Saturation {
  const layers = model.layers.map((l) => l.saturation());
  const known = layers.filter((x): x is number => x !== null);
  return { share: known.length ? known.reduce((a, b) => a + b, 0) / known.length : null, layers };
}

export interface Activations {
  chars: string[];
  /** hidden[t][j] = h_t[j] of the layer after reading chars[t]. */
  hidden: number[][];
  /** LSTM only: tanh(c_t), the "cell" view of Karpathy's quote detector. */
  cell: number[][] | null;
}

/** Hidden-unit activations of `layer` (0 = bottom) over `text`, from h0. */
export function hiddenActivations(model: SeqModel, vocab: Vocab, text: string, layer: number): Activations {
  if (layer < 0 || layer >= model.layers.length) throw new Error(`layer ${layer} out of range 0..${model.layers.length - 1}`);
  const inputs = vocab.encode(text), T = inputs.length, H = model.spec.hidden;
  if (T === 0) return { chars: [], hidden: [], cell: null };
  model.forward({ T, B: 1, inputs, targets: new Int32Array(T).fill(-1), reset: true }, "activations", false, null);
  const ws = model.layers[layer].last!;
  const rows = (buf: Float32Array, offset: number) =>
    Array.from({ length: T }, (_, t) => Array.from(buf.subarray((t + offset) * H, (t + offset + 1) * H)));
  return { chars: Array.from(text), hidden: rows(ws.hs, 1), cell: ws.tanhC ? rows(ws.tanhC, 0) : null };
}
