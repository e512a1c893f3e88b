import type { Backend } from "../kernels/backend";
import type { Rng } from "../rng";

// Inverted dropout: p is the probability of DROPPING a unit; kept units are scaled by
// 1/(1-p) while training, so evaluation is the identity and needs no rescaling.
export class Dropout {
  constructor(private readonly be: Backend, readonly p: number) {}

  /** Draw a fresh mask (0 or 1/(1-p) per unit) from the training RNG. */
  sampleMask(mask: Float32Array, rng: Rng): void {
    const keep = 1 / (1 - this.p);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.uniform() < this.p ? 0 : keep;
  }

  forward(x: Float32Array, y: Float32Array, mask: Float32Array): void {
    this.be.mul(y, x, mask);
  }

  backward(dy: Float32Array, dx: Float32Array, mask: Float32Array): void {
    this.be.mul(dx, dy, mask);
  }
}
