import type { Backend } from "../kernels/backend";
import type { Param, ParamSet } from "../params";

// X[r,:] = E[token_r,:] — the same as one-hot(token)·E without the multiply.
export class Embedding {
  readonly E: Param; // [vocab × dim]

  constructor(private readonly be: Backend, params: ParamSet, name: string, readonly vocab: number, readonly dim: number) {
    this.E = params.add(`${name}.E`, [vocab, dim], { kind: "weight", fanIn: 1, fanOut: dim });
  }

  forward(tokens: Int32Array, X: Float32Array): void {
    this.be.gatherRows(X, this.E.w, tokens, this.dim, false);
  }

  backward(tokens: Int32Array, dX: Float32Array): void {
    this.be.scatterAddRows(this.E.g, dX, tokens, this.dim);
  }
}
