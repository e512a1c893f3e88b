import type { Backend } from "./kernels/backend";
import type { ParamSet } from "./params";
import type { Rng } from "./rng";

// What the training loop needs from a model. Two kinds implement it: SeqModel (seqmodel.ts,
// the recurrent stack) and Mlp (mlp.ts, the quadrant classifier).

/**
 * One batch. Sequences are time-major: inputs[t·B + b] is stream b's token at step t.
 * Targets are [T·B] for a many-to-many head, [B] for many-to-one and the MLP; a target < 0
 * carries no loss. Features (the MLP) are [B × features].
 */
export interface Batch {
  T: number;
  B: number;
  inputs: Int32Array | Float32Array;
  targets: Int32Array;
  /** Start every stream from h0; otherwise carry the hidden state of the previous chunk (TBPTT). */
  reset: boolean;
}

export interface ForwardResult {
  /** Summed cross-entropy (nats) over `count` predictions. */
  lossSum: number;
  count: number;
  correct: number;
}

export interface Model {
  readonly params: ParamSet;
  readonly backend: Backend;
  /**
   * Forward one batch on the named stream of carried state ("train", "eval", ...). With
   * `training`, dropout is active (masks drawn from rng) and backward() may follow.
   */
  forward(batch: Batch, stream: string, training: boolean, rng: Rng | null): ForwardResult;
  /** Accumulate ∂(mean loss)/∂θ of the last forward into params.g. */
  backward(): void;
  /** Carried hidden states, for checkpoints: stream name → one Float32Array per state tensor. */
  exportStates(): Record<string, Float32Array[]>;
  importStates(states: Record<string, Float32Array[]>): void;
}

export function countTargets(targets: Int32Array): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) n++;
  return n;
}
