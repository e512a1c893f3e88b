import type { Backend } from "../kernels/backend";
import type { Param, ParamSet } from "../params";
import { RecurrentLayer, type RecurrentOptions, type Workspace } from "./recurrent";

// GRU (Cho et al. 2014, PyTorch's form), gates [r|z|n]:
//   r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r⊙gh_n), h_t = (1-z)⊙n + z⊙h_{t-1}
// with gx = x·W_x + b and gh = h_{t-1}·W_h + b_h kept apart (r multiplies gh_n).
export class GruLayer extends RecurrentLayer {
  readonly cell = "gru" as const;
  readonly bh: Param;

  constructor(be: Backend, params: ParamSet, name: string, opts: RecurrentOptions) {
    super(be, params, name, 3, opts);
    this.bh = params.add(`${name}.bh`, [3 * opts.hidden], { kind: "zeros" });
  }

  protected recurrentBias(rec: Float32Array, B: number): void {
    this.be.addRowVector(rec, this.bh.w, B, 3 * this.H);
  }

  protected recurrentBiasBackward(ws: Workspace): void {
    this.be.sumRows(this.bh.g, ws.dGh!, ws.T * ws.B, 3 * this.H);
  }

  protected stepForward(ws: Workspace, t: number): void {
    const H = this.H;
    this.be.gruForward(ws.B, H, ws.at(ws.gx, t, 3 * H), ws.at(ws.gh!, t, 3 * H), ws.at(ws.hs, t, H), ws.at(ws.hs, t + 1, H));
  }

  protected stepBackward(ws: Workspace, t: number, dh: Float32Array): void {
    const H = this.H;
    this.be.gruBackward(ws.B, H, ws.at(ws.dPre, t, 3 * H), ws.at(ws.dGh!, t, 3 * H), ws.dhNext, dh, ws.at(ws.gx, t, 3 * H), ws.at(ws.gh!, t, 3 * H), ws.at(ws.hs, t, H));
  }

  /** Share of saturated candidate units n. */
  saturation(): number | null {
    if (!this.last) return null;
    const ws = this.last, H = this.H, rows = ws.T * ws.B;
    let count = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * 3 * H + 2 * H;
      for (let j = 0; j < H; j++) if (Math.abs(ws.gx[o + j]) > 0.99) count++;
    }
    return count / (rows * H);
  }
}
