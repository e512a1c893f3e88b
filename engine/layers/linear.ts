import type { Backend } from "../kernels/backend";
import type { Param, ParamSet } from "../params";

// Y = X·W + b over `rows` rows. The caller owns the buffers (X is needed again in backward).
export class Linear {
  readonly W: Param; // [inputs × outputs]
  readonly b: Param; // [outputs]

  constructor(private readonly be: Backend, params: ParamSet, name: string, readonly inputs: number, readonly outputs: number) {
    this.W = params.add(`${name}.W`, [inputs, outputs], { kind: "weight", fanIn: inputs, fanOut: outputs });
    this.b = params.add(`${name}.b`, [outputs], { kind: "zeros" });
  }

  forward(rows: number, X: Float32Array, Y: Float32Array): void {
    this.be.gemm(rows, this.outputs, this.inputs, X, this.W.w, Y, false, this.b.w);
  }

  /** dW += Xᵀ·dY, db += Σ dY, dX = dY·Wᵀ (skipped when dX is null). */
  backward(rows: number, X: Float32Array, dY: Float32Array, dX: Float32Array | null): void {
    this.be.gemmTN(this.inputs, this.outputs, rows, X, dY, this.W.g, true);
    this.be.sumRows(this.b.g, dY, rows, this.outputs);
    if (dX) this.be.gemmNT(rows, this.inputs, this.outputs, dY, this.W.w, dX, false);
  }
}
