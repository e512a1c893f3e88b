// The kernel backend: every heavy loop of the engine (matrix products, fused cell
// non-linearities, layer norm, softmax cross-entropy, optimizer updates) goes through this one
// interface, so a faster backend (WebAssembly SIMD, issue 7) can replace the pure-JS one
// without touching the layers.
//
// Rules every backend and every caller follow:
// - All tensors are row-major Float32Array views handed out by `alloc` (weights, gradients,
//   optimizer state, activation caches). A wasm backend hands out views into its one
//   WebAssembly.Memory; callers never `new Float32Array` a tensor and may take `subarray`
//   views of allocated buffers (per-timestep slices), which stay inside that memory.
// - Whole-vector ops work on `x.length` elements; matrix ops take their shapes explicitly.
// - `accumulate` = add into the output instead of overwriting it.
// - Token ids are Int32Array (plain JS memory is fine; the wasm backend copies them in).

/** Element-wise non-linearity, as a small integer so a wasm backend can take it directly. */
export const Act = { tanh: 0, relu: 1 } as const;
export type Act = (typeof Act)[keyof typeof Act];

/** An operand packed by Backend.packB (opaque to callers apart from its shape). */
export interface PackedB {
  readonly K: number;
  readonly N: number;
  /** The matrix it was packed from, and whether that is op(B)'s transpose. */
  src: Float32Array;
  trans: boolean;
}

/**
 * Where an LSTM time loop takes the input term of each step from, computed into gates_t while
 * that block is hot in cache (instead of gx holding it on entry):
 * - ids: gates_t[b] = table[ids[t·B + b]] (+ bias): token input, an embedding folded into W_x;
 * - x: gates_t = x_t·W_x + bias with x [T·B × I] and Wx = packB(I, 4H, W_x, false).
 */
export type SequenceInput =
  | { readonly ids: Int32Array; readonly table: Float32Array; readonly bias: Float32Array | null }
  | { readonly x: Float32Array; readonly Wx: PackedB; readonly bias: Float32Array };

/**
 * What an LSTM backward time loop also produces while each step's ∂L/∂pre is hot: db += Σ_rows
 * ∂L/∂pre_t; with dX (WxT = packB(4H, I, W_x, true)) dX_t = ∂L/∂pre_t·W_xᵀ into dX [T·B × I];
 * with tokens, S[ids[t·B + b]] += ∂L/∂pre_t[b] (the per-token sums of a folded embedding).
 */
export interface SequenceInputGrad {
  readonly db: Float32Array;
  readonly dX: { readonly WxT: PackedB; readonly out: Float32Array } | null;
  readonly tokens?: { readonly ids: Int32Array; readonly S: Float32Array } | null;
}

export interface Backend {
  readonly name: string;
  /** A zero-filled tensor of n floats. */
  alloc(n: number): Float32Array;

  // ---- matrix products: C[M×N] (+)= op(A)[M×K] · op(B)[K×N]
  /** C = A·B with A [M×K], B [K×N]; with bias [N], that row is added to every row of the result. */
  gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean, bias?: Float32Array | null): void;
  /** C = A·Bᵀ with A [M×K], B [N×K]. */
  gemmNT(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void;
  /** C = Aᵀ·B with A [K×M], B [K×N]. */
  gemmTN(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void;
  /** gemmTN twice with the same B (C1 = A1ᵀ·B, C2 = A2ᵀ·B), B read once: a layer's dW_h and dW_x. */
  gemmTN2(M1: number, M2: number, N: number, K: number, A1: Float32Array, A2: Float32Array, B: Float32Array, C1: Float32Array, C2: Float32Array, accumulate: boolean): void;

  /**
   * op(B) [K×N] (B itself, or with trans the transpose of B [N×K]) in the layout gemmPacked
   * reads: pack a weight once per forward or backward pass and multiply by it every timestep.
   * B must not change between packB and the products that read the packed operand (a backend
   * may defer the packing to the first product that needs it, and batch-1 products may read B
   * itself); `into` (from an earlier packB of the same shape) is reused instead of allocating.
   */
  packB(K: number, N: number, B: Float32Array, trans: boolean, into?: PackedB | null): PackedB;
  /** C (+)= A·op(B) with A [M×K] and op(B) [K×N] packed by packB (+ bias [N] in every row, as gemm). */
  gemmPacked(M: number, N: number, K: number, A: Float32Array, Bp: PackedB, C: Float32Array, accumulate: boolean, bias?: Float32Array | null): void;

  // ---- rows and vectors
  /** out[r,:] (+)= table[ids[r],:] for r < ids.length (an embedding lookup = one-hot · table). */
  gatherRows(out: Float32Array, table: Float32Array, ids: Int32Array, cols: number, accumulate: boolean): void;
  /** table[ids[r],:] += src[r,:] (the embedding's backward). */
  scatterAddRows(table: Float32Array, src: Float32Array, ids: Int32Array, cols: number): void;
  /** C[r,:] += v for r < rows. */
  addRowVector(C: Float32Array, v: Float32Array, rows: number, cols: number): void;
  /** v += Σ_r C[r,:] (a bias gradient). */
  sumRows(v: Float32Array, C: Float32Array, rows: number, cols: number): void;
  copy(dst: Float32Array, src: Float32Array): void;
  fill(x: Float32Array, value: number): void;
  /** y += a·x */
  axpy(y: Float32Array, a: number, x: Float32Array): void;
  scale(x: Float32Array, s: number): void;
  /** Σ x² accumulated in float64. */
  sumSquares(x: Float32Array): number;
  /** y = x ⊙ m */
  mul(y: Float32Array, x: Float32Array, m: Float32Array): void;

  // ---- element-wise non-linearities (forward and backward side by side)
  /** y = act(x) (y may be x). */
  actForward(act: Act, y: Float32Array, x: Float32Array): void;
  /** dx (+)= dy ⊙ act'(x), written with the output y = act(x). */
  actBackward(act: Act, dx: Float32Array, dy: Float32Array, y: Float32Array, accumulate: boolean): void;

  // ---- whole time loops: one call per sequence instead of several per timestep (batch 1 is
  // ---- dominated by the cost of each call otherwise)
  /**
   * Vanilla RNN forward over T steps: for t < T, pre_t += h_t·W_h and h_{t+1} = act(pre_t).
   * pre [T·B × H] holds x·W_x + b on entry; hs [(T+1)·B × H] holds h_0 in its first block.
   */
  rnnForward(act: Act, T: number, B: number, H: number, pre: Float32Array, Wh: Float32Array, hs: Float32Array): void;
  /**
   * Its backward, t = T-1 … 0: dh = dOut_t + dhNext, norms[t] = ‖dh‖, dPre_t = dh ⊙ act'(h_{t+1}),
   * dhNext = dPre_t·W_hᵀ. dhNext is zeroed first and holds ∂L/∂h_0 on return; dh [B × H] is scratch.
   */
  rnnBackward(act: Act, T: number, B: number, H: number, dOut: Float32Array, hs: Float32Array, Wh: Float32Array, dPre: Float32Array, dh: Float32Array, dhNext: Float32Array, norms: Float64Array): void;

  /**
   * LSTM forward over T steps (no layer norm): for t < T, the input term of step t (from `input`,
   * or already in gx when input is null), gates_t += h_t·W_h with Wh from packB(H, 4H, W_h,
   * false), then lstmForward. gx [T·B × 4H] holds the activated gates on return; hs, cs
   * [(T+1)·B × H] hold h_0, c_0 in their first block; tanhC [T·B × H].
   */
  lstmSequenceForward(T: number, B: number, H: number, gx: Float32Array, Wh: PackedB, hs: Float32Array, cs: Float32Array, tanhC: Float32Array, input?: SequenceInput | null): void;
  /**
   * Its backward, t = T-1 … 0: dh = dOut_t + dhNext, norms[t] = ‖dh‖, lstmBackward into dPre_t
   * (dc carried), dhNext = dPre_t·W_hᵀ with WhT from packB(4H, H, W_h, true). dhNext and dc are
   * zeroed first; dhNext holds ∂L/∂h_0 on return; dh [B × H] is scratch. `grads`: the bias
   * gradient and ∂L/∂x, step by step (SequenceInputGrad).
   */
  lstmSequenceBackward(T: number, B: number, H: number, dOut: Float32Array, gx: Float32Array, cs: Float32Array, tanhC: Float32Array, WhT: PackedB, dPre: Float32Array, dh: Float32Array, dc: Float32Array, dhNext: Float32Array, norms: Float64Array, grads?: SequenceInputGrad | null): void;

  // ---- fused recurrent cells, B rows × H units; gate blocks laid out side by side per row
  /**
   * LSTM step. gates [B×4H] holds pre-activations [i|f|g|o] and is overwritten with
   * σ(i) σ(f) tanh(g) σ(o); c = f⊙cPrev + i⊙g; tanhC = tanh(c); h = o⊙tanhC.
   */
  lstmForward(B: number, H: number, gates: Float32Array, cPrev: Float32Array, c: Float32Array, tanhC: Float32Array, h: Float32Array): void;
  /**
   * LSTM step backward. dh: ∂L/∂h_t; dc: on entry ∂L/∂c_t from step t+1, on exit ∂L/∂c_{t-1}.
   * Writes dGates [B×4H] = ∂L/∂(pre-activations).
   */
  lstmBackward(B: number, H: number, dGates: Float32Array, dh: Float32Array, dc: Float32Array, gates: Float32Array, cPrev: Float32Array, tanhC: Float32Array): void;
  /**
   * GRU step (PyTorch form). gx [B×3H] = input pre-activations [r|z|n] (bias included),
   * overwritten with the activated r, z, n; gh [B×3H] = recurrent term W_h·h + b_h.
   * r = σ(gx_r+gh_r), z = σ(gx_z+gh_z), n = tanh(gx_n + r⊙gh_n), h = (1-z)⊙n + z⊙hPrev.
   */
  gruForward(B: number, H: number, gx: Float32Array, gh: Float32Array, hPrev: Float32Array, h: Float32Array): void;
  /** GRU step backward: writes dgx, dgh [B×3H]; dhPrev = ∂L/∂hPrev through the gates' direct path z⊙hPrev. */
  gruBackward(B: number, H: number, dgx: Float32Array, dgh: Float32Array, dhPrev: Float32Array, dh: Float32Array, rzn: Float32Array, gh: Float32Array, hPrev: Float32Array): void;

  // ---- layer norm over the last dimension (cols), per row
  /** y (+)= γ⊙x̂ + β with x̂ = (x-μ)/σ; stores x̂ [rows×cols] and 1/σ [rows]. */
  layerNormForward(rows: number, cols: number, y: Float32Array, xhat: Float32Array, rstd: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array, accumulate: boolean): void;
  /** dx = ∂L/∂x (overwritten); dγ += Σ dy⊙x̂, dβ += Σ dy. */
  layerNormBackward(rows: number, cols: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dy: Float32Array, xhat: Float32Array, rstd: Float32Array, gamma: Float32Array): void;

  // ---- loss
  /**
   * Softmax cross-entropy over rows of logits [rows×cols]. Rows whose target is < 0 are
   * ignored. Writes dlogits = scale·(softmax - onehot) (0 on ignored rows) and returns the
   * summed loss (float64).
   */
  softmaxCrossEntropy(rows: number, cols: number, logits: Float32Array, targets: Int32Array, dlogits: Float32Array, scale: number): number;
  /** Number of rows whose argmax equals the target (rows with target < 0 are skipped). */
  countCorrect(rows: number, cols: number, logits: Float32Array, targets: Int32Array): number;

  // ---- optimizer updates over whole (flat) parameter vectors
  sgdStep(w: Float32Array, g: Float32Array, lr: number): void;
  /** v = μ·v + g; w -= lr·v */
  momentumStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number): void;
  /** mem += g²; w -= lr·g/√(mem+eps) */
  adagradStep(w: Float32Array, g: Float32Array, mem: Float32Array, lr: number, eps: number): void;
  /** Adam with bias corrections bc1 = 1-β1ᵗ, bc2 = 1-β2ᵗ. */
  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void;
}

/** lstmSequenceForward as a loop over the per-step ops of `be` (the reference, and the fallback). */
export function lstmSequenceForwardSteps(be: Backend, T: number, B: number, H: number, gx: Float32Array, Wh: PackedB, hs: Float32Array, cs: Float32Array, tanhC: Float32Array, input?: SequenceInput | null): void {
  const n = B * H, g = 4 * n;
  for (let t = 0; t < T; t++) {
    const gates = gx.subarray(t * g, (t + 1) * g);
    if (input && "ids" in input) {
      be.gatherRows(gates, input.table, input.ids.subarray(t * B, (t + 1) * B), 4 * H, false);
      if (input.bias) be.addRowVector(gates, input.bias, B, 4 * H);
    } else if (input) {
      const I = input.Wx.K;
      be.gemmPacked(B, 4 * H, I, input.x.subarray(t * B * I, (t + 1) * B * I), input.Wx, gates, false, input.bias);
    }
    be.gemmPacked(B, 4 * H, H, hs.subarray(t * n, (t + 1) * n), Wh, gates, true);
    be.lstmForward(B, H, gates, cs.subarray(t * n, (t + 1) * n), cs.subarray((t + 1) * n, (t + 2) * n), tanhC.subarray(t * n, (t + 1) * n), hs.subarray((t + 1) * n, (t + 2) * n));
  }
}

/** lstmSequenceBackward as a loop over the per-step ops of `be`. */
export function lstmSequenceBackwardSteps(be: Backend, T: number, B: number, H: number, dOut: Float32Array, gx: Float32Array, cs: Float32Array, tanhC: Float32Array, WhT: PackedB, dPre: Float32Array, dh: Float32Array, dc: Float32Array, dhNext: Float32Array, norms: Float64Array, grads?: SequenceInputGrad | null): void {
  const n = B * H, g = 4 * n;
  be.fill(dhNext, 0);
  be.fill(dc, 0);
  for (let t = T - 1; t >= 0; t--) {
    be.copy(dh, dOut.subarray(t * n, (t + 1) * n));
    be.axpy(dh, 1, dhNext);
    norms[t] = Math.sqrt(be.sumSquares(dh));
    const dGates = dPre.subarray(t * g, (t + 1) * g);
    be.lstmBackward(B, H, dGates, dh, dc, gx.subarray(t * g, (t + 1) * g), cs.subarray(t * n, (t + 1) * n), tanhC.subarray(t * n, (t + 1) * n));
    if (grads) {
      be.sumRows(grads.db, dGates, B, 4 * H);
      if (grads.tokens) be.scatterAddRows(grads.tokens.S, dGates, grads.tokens.ids.subarray(t * B, (t + 1) * B), 4 * H);
      if (grads.dX) {
        const I = grads.dX.WxT.N;
        be.gemmPacked(B, I, 4 * H, dGates, grads.dX.WxT, grads.dX.out.subarray(t * B * I, (t + 1) * B * I), false);
      }
    }
    be.gemmPacked(B, H, 4 * H, dGates, WhT, dhNext, false);
  }
}
