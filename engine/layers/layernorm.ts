import type { Backend } from "../kernels/backend";
import type { Param, ParamSet } from "../params";

/** Saved for backward: the normalised input and 1/σ of each row. */
export interface LayerNormCache {
  xhat: Float32Array; // [rows × cols]
  rstd: Float32Array; // [rows]
}

// y = γ ⊙ (x - μ)/σ + β per row (Ba et al. 2016), μ and σ over the row's `cols` entries.
export class LayerNorm {
  readonly gamma: Param;
  readonly beta: Param;

  constructor(private readonly be: Backend, params: ParamSet, name: string, readonly cols: number) {
    this.gamma = params.add(`${name}.gamma`, [cols], { kind: "ones" });
    this.beta = params.add(`${name}.beta`, [cols], { kind: "zeros" });
  }

  cache(rows: number): LayerNormCache {
    return { xhat: this.be.alloc(rows * this.cols), rstd: this.be.alloc(rows) };
  }

  /** y = LN(x), or y += LN(x) when accumulate. */
  forward(rows: number, x: Float32Array, y: Float32Array, cache: LayerNormCache, accumulate = false): void {
    this.be.layerNormForward(rows, this.cols, y, cache.xhat, cache.rstd, x, this.gamma.w, this.beta.w, accumulate);
  }

  /** dx = ∂L/∂x; dγ, dβ accumulate. */
  backward(rows: number, dy: Float32Array, dx: Float32Array, cache: LayerNormCache): void {
    this.be.layerNormBackward(rows, this.cols, dx, this.gamma.g, this.beta.g, dy, cache.xhat, cache.rstd, this.gamma.w);
  }
}
