import type { RunConfig } from "./config";
import type { Backend } from "./kernels/backend";
import type { ParamSet } from "./params";

// Optimizers update the whole flat parameter vector with one kernel call. Their state
// (moments, accumulators) is allocated through the backend and saved in checkpoints.

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;
export const ADAGRAD_EPS = 1e-8; // as in min-char-rnn

export class Optimizer {
  /** sgd: none; momentum: [v]; adagrad: [mem]; adam: [m, v]. */
  readonly buffers: Float32Array[];
  /** Updates taken (Adam's bias correction). */
  t = 0;

  constructor(private readonly be: Backend, readonly kind: RunConfig["optimizer"], private readonly params: ParamSet, private readonly momentum: number, private readonly weightDecay: number) {
    const n = params.size;
    const count = kind === "adam" ? 2 : kind === "sgd" ? 0 : 1;
    this.buffers = Array.from({ length: count }, () => be.alloc(n));
  }

  step(lr: number): void {
    const be = this.be, w = this.params.w, g = this.params.g, [a, b] = this.buffers;
    if (this.weightDecay > 0) be.axpy(g, this.weightDecay, w); // L2: g += λ·w
    this.t++;
    switch (this.kind) {
      case "sgd": return be.sgdStep(w, g, lr);
      case "momentum": return be.momentumStep(w, g, a, lr, this.momentum);
      case "adagrad": return be.adagradStep(w, g, a, lr, ADAGRAD_EPS);
      case "adam":
        return be.adamStep(w, g, a, b, lr, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, 1 - ADAM_BETA1 ** this.t, 1 - ADAM_BETA2 ** this.t);
    }
  }
}

/**
 * Global-norm clipping (Pascanu et al. 2013): returns ‖g‖ before clipping and scales g so
 * that ‖g‖ ≤ maxNorm (maxNorm 0 = no clipping). A non-finite norm is returned unchanged.
 */
export function clipGradNorm(be: Backend, g: Float32Array, maxNorm: number): number {
  const norm = Math.sqrt(be.sumSquares(g));
  if (maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm) be.scale(g, maxNorm / norm);
  return norm;
}
