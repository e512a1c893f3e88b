import type { Backend, PackedB, SequenceInput } from "../kernels/backend";
import type { Param, ParamSet } from "../params";
import { LayerNorm, type LayerNormCache } from "./layernorm";

// What every recurrent cell shares: the input projection (a matrix product, or a row lookup
// when the input is one-hot tokens), the recurrent product h_{t-1}·W_h, optional layer norm
// on both terms (Ba et al. 2016 normalise them separately), the time loop, and backprop
// through time. A cell (rnn.ts, lstm.ts, gru.ts) supplies only its step, forward and backward.
//
// Shapes: T timesteps × B streams, time-major, so a whole chunk is one [T·B × ·] matrix and
// the input product, dW_x, dW_h and dX are each ONE big gemm outside the time loop.
//   pre_t = LN_x(x_t·W_x) + b + LN_h(h_{t-1}·W_h)       (LN_· = identity without layernorm)
// Embedded token input (the first layer after an embedding E, see foldEmbedding): x_t = E[tok_t],
// so x_t·W_x = (E·W_x)[tok_t]. When the vocabulary is smaller than the T·B rows of a chunk the
// layer computes the table E·W_x once and gathers its rows, and backward sums ∂L/∂gx per token
// (S) and takes dW_x = Eᵀ·S, dE = S·W_xᵀ: three vocab-sized products instead of three T·B-sized
// ones (a third of the first layer's matrix work for the char-LSTM).
// GRU keeps the recurrent term apart (gh_t = LN_h(h_{t-1}·W_h) + b_h) because its reset gate
// multiplies part of it.

export interface RecurrentOptions {
  inputSize: number; // features per step, or the vocabulary size when tokenInput
  hidden: number;
  tokenInput: boolean; // input is token ids: x_t·W_x is a row lookup (one-hot input)
  layernorm: boolean;
}

/** Carried hidden state of one layer for B streams. c is the LSTM cell state. */
export interface LayerState {
  h: Float32Array;
  c: Float32Array | null;
}

export class Workspace {
  readonly gx: Float32Array; // [T·B × G·H] pre-activations; cells overwrite them with activated gates
  readonly gh: Float32Array | null; // GRU recurrent term
  readonly hs: Float32Array; // [(T+1)·B × H], hs[0] = incoming state
  readonly cs: Float32Array | null; // LSTM cell states, same layout
  readonly tanhC: Float32Array | null; // LSTM tanh(c_t)
  readonly dPre: Float32Array; // ∂L/∂pre (GRU: ∂L/∂gx); the fused LSTM writes it over gx
  readonly dRec: Float32Array; // ∂L/∂(h_{t-1}·W_h) (after LN_h backward)
  readonly dGh: Float32Array | null; // GRU ∂L/∂gh (before LN_h backward)
  readonly gxRaw: Float32Array | null; // x·W_x before LN_x
  readonly recRaw: Float32Array | null; // h·W_h before LN_h
  readonly lnX: LayerNormCache | null;
  readonly lnH: LayerNormCache | null;
  readonly dGxRaw: Float32Array | null;
  readonly dX: Float32Array | null;
  readonly dh: Float32Array; // [B × H] scratch
  readonly dhNext: Float32Array; // ∂L/∂h_{t-1} flowing back in time
  readonly dc: Float32Array | null; // ∂L/∂c flowing back in time
  /** ‖∂L/∂h_t‖ over the batch, for each t of the last backward (the grad_flow diagnostic). */
  readonly gradNorms: Float64Array;
  x: Float32Array | Int32Array | null = null;
  fromH0 = false;
  /** Embedded token input: E·W_x (forward), then the per-token sums S of ∂L/∂gx (backward). */
  table: Float32Array | null = null;
  /** The input term as the last forward's fused time loop took it (null: gx held it on entry). */
  input: SequenceInput | null = null;

  constructor(be: Backend, layer: RecurrentLayer, readonly T: number, readonly B: number) {
    const { G, H, inputSize, tokenInput } = layer;
    const rows = T * B, GH = G * H, cell = layer.cell;
    const ln = layer.lnX !== null;
    this.gx = be.alloc(rows * GH);
    this.gh = cell === "gru" ? be.alloc(rows * GH) : null;
    this.hs = be.alloc((T + 1) * B * H);
    this.cs = cell === "lstm" ? be.alloc((T + 1) * B * H) : null;
    this.tanhC = cell === "lstm" ? be.alloc(rows * H) : null;
    // The fused LSTM loop (no layer norm) writes each step's ∂L/∂pre over that step's gates,
    // which it has just read for the last time: the writes land on lines already in cache
    // instead of a cold 4·T·B·H buffer, and the workspace is that much smaller.
    this.dPre = cell === "lstm" && !ln ? this.gx : be.alloc(rows * GH);
    this.dGh = cell === "gru" ? be.alloc(rows * GH) : null;
    this.dRec = cell === "gru" || ln ? be.alloc(rows * GH) : this.dPre;
    this.gxRaw = ln ? be.alloc(rows * GH) : null;
    this.recRaw = ln ? be.alloc(rows * GH) : null;
    this.lnX = layer.lnX ? layer.lnX.cache(rows) : null;
    this.lnH = layer.lnH ? layer.lnH.cache(rows) : null;
    this.dGxRaw = ln ? be.alloc(rows * GH) : null;
    this.dX = tokenInput ? null : be.alloc(rows * inputSize);
    this.dh = be.alloc(B * H);
    this.dhNext = be.alloc(B * H);
    this.dc = cell === "lstm" ? be.alloc(B * H) : null;
    this.gradNorms = new Float64Array(T);
  }

  /** Row block t of a [T·B × cols] buffer (t may be T for hs/cs, which have T+1 blocks). */
  at(buf: Float32Array, t: number, cols: number): Float32Array {
    const n = this.B * cols;
    return buf.subarray(t * n, (t + 1) * n);
  }
}

export abstract class RecurrentLayer {
  abstract readonly cell: "rnn" | "lstm" | "gru";
  readonly Wx: Param; // [inputSize × G·H]
  readonly Wh: Param; // [H × G·H]
  readonly b: Param; // [G·H]
  readonly lnX: LayerNorm | null;
  readonly lnH: LayerNorm | null;
  readonly H: number;
  readonly inputSize: number;
  readonly tokenInput: boolean;
  private readonly workspaces = new Map<string, Workspace>();
  /** The embedding in front of this layer (foldEmbedding), or null. */
  private embed: { E: Param; vocab: number } | null = null;
  /** W_h and W_hᵀ packed for the per-step products (repacked at every pass: W_h changes). */
  protected packedWh: PackedB | null = null;
  protected packedWhT: PackedB | null = null;
  /** W_x and W_xᵀ packed for time loops that take the input term step by step (fusesInput). */
  protected packedWx: PackedB | null = null;
  protected packedWxT: PackedB | null = null;
  /** The workspace of the most recent forward (diagnostics read it). */
  last: Workspace | null = null;

  constructor(
    protected readonly be: Backend,
    params: ParamSet,
    readonly name: string,
    readonly G: number,
    opts: RecurrentOptions,
    biasRole: Param["role"] = { kind: "zeros" },
  ) {
    this.H = opts.hidden;
    this.inputSize = opts.inputSize;
    this.tokenInput = opts.tokenInput;
    const GH = G * opts.hidden;
    this.Wx = params.add(`${name}.Wx`, [opts.inputSize, GH], { kind: "weight", fanIn: opts.tokenInput ? 1 : opts.inputSize, fanOut: opts.hidden });
    this.Wh = params.add(`${name}.Wh`, [opts.hidden, GH], { kind: "weight", fanIn: opts.hidden, fanOut: opts.hidden });
    this.b = params.add(`${name}.b`, [GH], biasRole);
    this.lnX = opts.layernorm ? new LayerNorm(be, params, `${name}.ln_x`, GH) : null;
    this.lnH = opts.layernorm ? new LayerNorm(be, params, `${name}.ln_h`, GH) : null;
  }

  /**
   * Take token ids as input through the embedding E [vocab × inputSize] in front of this layer
   * (forward(…, tokens, …) when foldsEmbedding(rows)). Gradients then go to E directly and
   * backward returns null.
   */
  foldEmbedding(E: Param, vocab: number): void {
    this.embed = { E, vocab };
  }

  /** Whether a chunk of `rows` = T·B rows is cheaper through E·W_x than through E[tok]·W_x. */
  foldsEmbedding(rows: number): boolean {
    return this.embed !== null && this.embed.vocab < rows;
  }

  workspace(T: number, B: number): Workspace {
    const key = `${T}x${B}`;
    let ws = this.workspaces.get(key);
    if (!ws) this.workspaces.set(key, (ws = new Workspace(this.be, this, T, B)));
    return ws;
  }

  /**
   * Whether the time loop computes each step's input term itself (SequenceInput) while that
   * step's block is hot in cache, instead of one product over all T·B rows up front.
   */
  protected fusesInput(): boolean {
    return false;
  }

  // ---- the cell's own step
  protected abstract stepForward(ws: Workspace, t: number): void;
  /** From dh = ∂L/∂h_t write dPre_t (and GRU dGh_t, dhNext's direct part). */
  protected abstract stepBackward(ws: Workspace, t: number, dh: Float32Array): void;
  /** Share of tanh units of the last forward with |value| > 0.99, or null if the cell has none. */
  abstract saturation(): number | null;

  /**
   * Run T steps for B streams from `state` (updated to the final state). x is [T·B × inputSize]
   * or T·B token ids. Returns the outputs h_1..h_T as one [T·B × H] view.
   */
  forward(T: number, B: number, x: Float32Array | Int32Array, state: LayerState, fromH0: boolean): Float32Array {
    const be = this.be, H = this.H, GH = this.G * H, rows = T * B;
    const ws = this.workspace(T, B);
    this.last = ws;
    ws.x = x;
    ws.fromH0 = fromH0;
    ws.input = this.fusesInput() ? this.sequenceInput(ws, x) : null;
    if (!ws.input) this.inputTerm(ws, x);

    be.copy(ws.at(ws.hs, 0, H), state.h);
    if (ws.cs) be.copy(ws.at(ws.cs, 0, H), state.c!);
    this.timeLoopForward(ws);
    be.copy(state.h, ws.at(ws.hs, T, H));
    if (ws.cs) be.copy(state.c!, ws.at(ws.cs, T, H));
    return ws.hs.subarray(B * H, (T + 1) * B * H);
  }

  /** x_t·W_x + b for all T steps at once into ws.gx (through LN_x when there is layer norm). */
  private inputTerm(ws: Workspace, x: Float32Array | Int32Array): void {
    const be = this.be, GH = this.G * this.H, rows = ws.T * ws.B;
    const target = ws.gxRaw ?? ws.gx, bias = this.lnX ? null : this.b.w;
    if (this.tokenInput) {
      be.gatherRows(target, this.Wx.w, x as Int32Array, GH, false);
      if (bias) be.addRowVector(target, bias, rows, GH);
    } else if (x instanceof Int32Array) be.gatherRows(target, this.embeddedTable(ws), x, GH, false);
    else be.gemm(rows, GH, this.inputSize, x, this.Wx.w, target, false, bias);
    if (this.lnX) {
      this.lnX.forward(rows, target, ws.gx, ws.lnX!);
      be.addRowVector(ws.gx, this.b.w, rows, GH);
    }
  }

  /**
   * The embedded-token table E·W_x, with the bias in its vocab rows when there is no LN_x (it is
   * then added once per token instead of once per T·B row).
   */
  private embeddedTable(ws: Workspace): Float32Array {
    const { E, vocab } = this.embed!, GH = this.G * this.H;
    ws.table ??= this.be.alloc(vocab * GH);
    this.be.gemm(vocab, GH, this.inputSize, E.w, this.Wx.w, ws.table, false, this.lnX ? null : this.b.w);
    return ws.table;
  }

  /** The input term as a fused time loop takes it (fusesInput: no layer norm). */
  private sequenceInput(ws: Workspace, x: Float32Array | Int32Array): SequenceInput {
    if (this.tokenInput) return { ids: x as Int32Array, table: this.Wx.w, bias: this.b.w };
    if (x instanceof Int32Array) return { ids: x, table: this.embeddedTable(ws), bias: null };
    this.packedWx = this.be.packB(this.inputSize, this.G * this.H, this.Wx.w, false, this.packedWx);
    return { x, Wx: this.packedWx, bias: this.b.w };
  }

  /** The T steps of the last forward: pre-activations, then the cell, one step at a time. */
  protected timeLoopForward(ws: Workspace): void {
    const be = this.be, { T, B } = ws, H = this.H, GH = this.G * H;
    // W_h packed once for the T products h_{t-1}·W_h
    const Wh = (this.packedWh = be.packB(H, GH, this.Wh.w, false, this.packedWh));
    for (let t = 0; t < T; t++) {
      const hPrev = ws.at(ws.hs, t, H);
      const rec = ws.gh ? ws.at(ws.gh, t, GH) : ws.at(ws.gx, t, GH);
      if (this.lnH) {
        const raw = ws.at(ws.recRaw!, t, GH);
        be.gemmPacked(B, GH, H, hPrev, Wh, raw, false);
        this.lnH.forward(B, raw, rec, this.lnCacheAt(ws, t), ws.gh === null);
      } else {
        be.gemmPacked(B, GH, H, hPrev, Wh, rec, ws.gh === null);
      }
      this.recurrentBias(rec, B);
      this.stepForward(ws, t);
    }
  }

  /** GRU adds b_h to its separate recurrent term; the others have one bias. */
  protected recurrentBias(_rec: Float32Array, _B: number): void {}
  protected recurrentBiasBackward(_ws: Workspace): void {}

  private lnCacheAt(ws: Workspace, t: number): LayerNormCache {
    const c = ws.lnH!, n = this.G * this.H * ws.B;
    return { xhat: c.xhat.subarray(t * n, (t + 1) * n), rstd: c.rstd.subarray(t * ws.B, (t + 1) * ws.B) };
  }

  /**
   * Backprop through the last forward's T steps. dOut = ∂L/∂h_t for t = 1..T ([T·B × H]).
   * Gradients accumulate into the params. Returns ∂L/∂x (null for token input) and leaves
   * ∂L/∂h_0 in ws.dhNext (for a learned h0).
   */
  backward(dOut: Float32Array): Float32Array | null {
    const ws = this.last!, be = this.be, { T, B } = ws, H = this.H, GH = this.G * H, rows = T * B;
    this.timeLoopBackward(ws, dOut); // a fused input (ws.input) also gives db and dX here
    const fused = ws.input !== null;
    // dW_h = Σ_t h_{t-1}ᵀ·dRec_t (hs rows 0..T-1 are h_{t-1}); with a matrix input and no layer
    // norm dW_x = xᵀ·dPre has the same right operand, and both go through one product
    const sharesB = !this.tokenInput && !(ws.x instanceof Int32Array) && !this.lnX && ws.dRec === ws.dPre;
    if (sharesB) be.gemmTN2(H, this.inputSize, GH, rows, ws.hs, ws.x as Float32Array, ws.dPre, this.Wh.g, this.Wx.g, true);
    else be.gemmTN(H, GH, rows, ws.hs, ws.dRec, this.Wh.g, true);
    this.recurrentBiasBackward(ws);
    const tableBias = ws.x instanceof Int32Array && !this.tokenInput && !this.lnX;
    if (!tableBias && !fused) be.sumRows(this.b.g, ws.dPre, rows, GH);
    let dGx = ws.dPre;
    if (this.lnX) {
      this.lnX.backward(rows, ws.dPre, ws.dGxRaw!, ws.lnX!);
      dGx = ws.dGxRaw!;
    }
    if (this.tokenInput) {
      be.scatterAddRows(this.Wx.g, dGx, ws.x as Int32Array, GH);
      return null;
    }
    if (ws.x instanceof Int32Array) {
      const { E, vocab } = this.embed!, S = ws.table!;
      if (!fused) {
        // (a fused time loop summed them per token already: SequenceInputGrad.tokens)
        be.fill(S, 0);
        be.scatterAddRows(S, dGx, ws.x, GH);
      }
      if (tableBias && !fused) be.sumRows(this.b.g, S, vocab, GH); // Σ over rows of dPre = Σ of the per-token sums
      be.gemmTN(this.inputSize, GH, vocab, E.w, S, this.Wx.g, true);
      be.gemmNT(vocab, this.inputSize, GH, S, this.Wx.w, E.g, true);
      return null;
    }
    if (!sharesB) be.gemmTN(this.inputSize, GH, rows, ws.x as Float32Array, dGx, this.Wx.g, true);
    if (!fused) be.gemmNT(rows, this.inputSize, GH, dGx, this.Wx.w, ws.dX!, false);
    return ws.dX;
  }

  /**
   * Backprop through the T steps of the last forward: writes ws.dPre (and ws.dRec, ws.dGh) for
   * every step and leaves ∂L/∂h_0 in ws.dhNext.
   */
  protected timeLoopBackward(ws: Workspace, dOut: Float32Array): void {
    const be = this.be, { T, B } = ws, H = this.H, GH = this.G * H;
    be.fill(ws.dhNext, 0);
    if (ws.dc) be.fill(ws.dc, 0);
    // W_hᵀ packed once for the T products dRec_t·W_hᵀ
    const WhT = (this.packedWhT = be.packB(GH, H, this.Wh.w, true, this.packedWhT));
    for (let t = T - 1; t >= 0; t--) {
      const dh = ws.dh;
      be.copy(dh, ws.at(dOut, t, H));
      be.axpy(dh, 1, ws.dhNext);
      ws.gradNorms[t] = Math.sqrt(be.sumSquares(dh));
      this.stepBackward(ws, t, dh);
      const dRecIn = ws.dGh ? ws.at(ws.dGh, t, GH) : ws.at(ws.dPre, t, GH);
      const dRec = ws.at(ws.dRec, t, GH);
      if (this.lnH) this.lnH.backward(B, dRecIn, dRec, this.lnCacheAt(ws, t));
      else if (dRec !== dRecIn) be.copy(dRec, dRecIn);
      be.gemmPacked(B, H, GH, dRec, WhT, ws.dhNext, ws.dGh !== null);
    }
  }
}

/** Share of entries with |v| > 0.99. */
export function saturatedShare(...buffers: Float32Array[]): number {
  let n = 0, count = 0;
  for (const buf of buffers) {
    for (let i = 0; i < buf.length; i++) if (Math.abs(buf[i]) > 0.99) count++;
    n += buf.length;
  }
  return n === 0 ? 0 : count / n;
}
