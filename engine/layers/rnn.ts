import { Act, type Backend } from "../kernels/backend";
import type { ParamSet } from "../params";
import { RecurrentLayer, saturatedShare, type RecurrentOptions, type Workspace } from "./recurrent";

// Vanilla RNN (Elman): h_t = act(x_t·W_x + h_{t-1}·W_h + b), act = tanh or relu.
export class RnnLayer extends RecurrentLayer {
  readonly cell = "rnn" as const;
  readonly act: Act;

  constructor(be: Backend, params: ParamSet, name: string, opts: RecurrentOptions & { activation: "tanh" | "relu" }) {
    super(be, params, name, 1, opts);
    this.act = opts.activation === "relu" ? Act.relu : Act.tanh;
  }

  // Without layer norm the whole time loop is one backend call each way (batch 1 is otherwise
  // dominated by the cost of the calls); with it, the shared step-by-step loop.
  protected timeLoopForward(ws: Workspace): void {
    if (this.lnH) return super.timeLoopForward(ws);
    this.be.rnnForward(this.act, ws.T, ws.B, this.H, ws.gx, this.Wh.w, ws.hs);
  }

  protected timeLoopBackward(ws: Workspace, dOut: Float32Array): void {
    if (this.lnH) return super.timeLoopBackward(ws, dOut);
    this.be.rnnBackward(this.act, ws.T, ws.B, this.H, dOut, ws.hs, this.Wh.w, ws.dPre, ws.dh, ws.dhNext, ws.gradNorms);
  }

  protected stepForward(ws: Workspace, t: number): void {
    this.be.actForward(this.act, ws.at(ws.hs, t + 1, this.H), ws.at(ws.gx, t, this.H));
  }

  protected stepBackward(ws: Workspace, t: number, dh: Float32Array): void {
    // act' from the output: tanh' = 1 - h², relu' = [h > 0]
    this.be.actBackward(this.act, ws.at(ws.dPre, t, this.H), dh, ws.at(ws.hs, t + 1, this.H), false);
  }

  saturation(): number | null {
    if (this.act !== Act.tanh || !this.last) return null;
    const ws = this.last;
    return saturatedShare(ws.hs.subarray(ws.B * this.H));
  }
}
