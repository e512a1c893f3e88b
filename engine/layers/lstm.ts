import type { Backend } from "../kernels/backend";
import type { ParamSet } from "../params";
import { RecurrentLayer, saturatedShare, type RecurrentOptions, type Workspace } from "./recurrent";

// LSTM (Hochreiter & Schmidhuber 1997, with forget gate), gates [i|f|g|o]:
//   i, f, o = σ(·), g = tanh(·), c_t = f⊙c_{t-1} + i⊙g, h_t = o⊙tanh(c_t).
// The forget-gate bias starts at 1 so the cell remembers by default (Jozefowicz et al. 2015).
export class LstmLayer extends RecurrentLayer {
  readonly cell = "lstm" as const;

  constructor(be: Backend, params: ParamSet, name: string, opts: RecurrentOptions) {
    super(be, params, name, 4, opts, { kind: "lstm_bias", hidden: opts.hidden });
  }

  /**
   * Without layer norm the whole time loop is one backend call each way, and it takes each
   * step's input term (and gives back the bias gradient and ∂L/∂x) step by step.
   */
  protected fusesInput(): boolean {
    return !this.lnX && !this.lnH;
  }

  protected timeLoopForward(ws: Workspace): void {
    if (this.lnH) return super.timeLoopForward(ws);
    const H = this.H;
    this.packedWh = this.be.packB(H, 4 * H, this.Wh.w, false, this.packedWh);
    this.be.lstmSequenceForward(ws.T, ws.B, H, ws.gx, this.packedWh, ws.hs, ws.cs!, ws.tanhC!, ws.input);
  }

  protected timeLoopBackward(ws: Workspace, dOut: Float32Array): void {
    if (this.lnH) return super.timeLoopBackward(ws, dOut);
    const H = this.H;
    this.packedWhT = this.be.packB(4 * H, H, this.Wh.w, true, this.packedWhT);
    let dX = null;
    if (ws.input && "x" in ws.input) {
      this.packedWxT = this.be.packB(4 * H, this.inputSize, this.Wx.w, true, this.packedWxT);
      dX = { WxT: this.packedWxT, out: ws.dX! };
    }
    // a folded embedding's per-token sums S (backward reads them after the loop)
    const tokens = ws.input && !this.tokenInput && ws.x instanceof Int32Array ? { ids: ws.x, S: ws.table! } : null;
    if (tokens) this.be.fill(tokens.S, 0);
    const grads = ws.input ? { db: this.b.g, dX, tokens } : null;
    this.be.lstmSequenceBackward(ws.T, ws.B, H, dOut, ws.gx, ws.cs!, ws.tanhC!, this.packedWhT, ws.dPre, ws.dh, ws.dc!, ws.dhNext, ws.gradNorms, grads);
  }

  protected stepForward(ws: Workspace, t: number): void {
    const H = this.H;
    this.be.lstmForward(ws.B, H, ws.at(ws.gx, t, 4 * H), ws.at(ws.cs!, t, H), ws.at(ws.cs!, t + 1, H), ws.at(ws.tanhC!, t, H), ws.at(ws.hs, t + 1, H));
  }

  protected stepBackward(ws: Workspace, t: number, dh: Float32Array): void {
    const H = this.H;
    this.be.lstmBackward(ws.B, H, ws.at(ws.dPre, t, 4 * H), dh, ws.dc!, ws.at(ws.gx, t, 4 * H), ws.at(ws.cs!, t, H), ws.at(ws.tanhC!, t, H));
  }

  /** Share of saturated tanh units: the candidate g and tanh(c). */
  saturation(): number | null {
    if (!this.last) return null;
    const ws = this.last, H = this.H, rows = ws.T * ws.B;
    let count = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * 4 * H + 2 * H;
      for (let j = 0; j < H; j++) if (Math.abs(ws.gx[o + j]) > 0.99) count++;
    }
    const shareG = count / (rows * H);
    return (shareG + saturatedShare(ws.tanhC!)) / 2;
  }
}
