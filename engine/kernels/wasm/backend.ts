import type { Act, Backend } from "../backend";
import { createJsBackend } from "../js";
import { instantiateKernels, loadKernelModule, type KernelVariant, type Kernels } from "./load";

// The WebAssembly SIMD backend (issue 7): the same interface as js.ts, the loops in
// kernels.wat.
//
// Memory rule: one WebAssembly.Memory per backend, reserved at its full size when the backend
// is created and NEVER grown. Growing a memory detaches every Float32Array on it, and the
// layers keep views (weights, workspaces, per-timestep subarrays) for as long as they live —
// and allocate lazily (a new T×B workspace at the first eval or sampling batch) — so a grow
// would silently invalidate tensors in use. The reservation is virtual: pages cost RAM only
// once written, so the default 1 GiB is cheap; `alloc` past it throws, saying so.
//
// Tensors handed out by `alloc` (and subarrays of them) live in that memory and go to the
// kernels as byte addresses with no copying. An argument that lives elsewhere (a plain
// Float32Array built by a task, a Float64Array) is handled by the JS reference backend for
// that call, so every caller stays correct. Token ids and targets (Int32Array in JS memory)
// are copied into a staging area first.

export interface WasmBackendOptions {
  /** Reserved memory in MiB (default 1024). */
  memoryMiB?: number;
  /** Use this build only (default: relaxed-SIMD if the runtime validates it, else SIMD). */
  variant?: KernelVariant;
}

/** Module scratch below this address (the 4×8 edge tile). */
const HEAP_BASE = 256;
/** Never handed out: kernels may read up to 28 bytes past a tensor's end. */
const GUARD_BYTES = 64;
/**
 * A·Bᵀ transposes B once and runs the A·B kernel when A has at least this many rows, or at
 * least NT_TRANSPOSE_SHORT_ROWS when K ≤ NT_SHORT_K: the dot-product kernel pays a horizontal
 * sum per output, which short dot products (the min-char head's dX, K = vocab) do not amortise.
 */
const NT_TRANSPOSE_MIN_ROWS = 64, NT_TRANSPOSE_SHORT_ROWS = 8, NT_SHORT_K = 128;

/** A WebAssembly backend, or null when this runtime has no SIMD128. */
export function createWasmBackend(options: WasmBackendOptions = {}): (Backend & { readonly variant: KernelVariant }) | null {
  const loaded = loadKernelModule(options.variant);
  if (!loaded) return null;
  const pages = Math.ceil(((options.memoryMiB ?? 1024) * 1024 * 1024) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const k: Kernels = instantiateKernels(loaded.module, memory);
  const heap = memory.buffer;
  const limit = heap.byteLength - GUARD_BYTES;
  const js = createJsBackend();
  let top = HEAP_BASE;

  function reserve(bytes: number): number {
    const at = top, end = at + Math.ceil(bytes / 16) * 16;
    if (end > limit)
      throw new Error(`wasm backend: out of its reserved ${options.memoryMiB ?? 1024} MiB (asked for ${bytes} more bytes); use backend "js" or a larger memoryMiB`);
    top = end;
    return at;
  }

  // Staging areas, replaced by a larger one when too small (the old one is simply abandoned).
  let ids = new Int32Array(heap, reserve(4096 * 4), 4096);
  let floats = new Float32Array(heap, reserve(4096 * 4), 4096);
  function stageIds(src: Int32Array): number {
    if (src.length > ids.length) ids = new Int32Array(heap, reserve(src.length * 4), src.length);
    ids.set(src);
    return ids.byteOffset;
  }
  let norms = new Float64Array(heap, reserve(256 * 8), 256);
  function scratchNorms(n: number): Float64Array {
    if (n > norms.length) norms = new Float64Array(heap, reserve(n * 8), n);
    return norms;
  }
  function scratchFloats(n: number): Float32Array {
    if (n > floats.length) floats = new Float32Array(heap, reserve(n * 4), n);
    return floats;
  }

  const here = (x: ArrayBufferView) => x.buffer === heap;
  const flag = (b: boolean) => (b ? 1 : 0);
  function checkGemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array): void {
    if (A.length < M * K || B.length < K * N || C.length < M * N)
      throw new Error(`gemm ${M}×${N}×${K}: operand too short (A ${A.length}, B ${B.length}, C ${C.length})`);
  }

  return {
    name: `wasm-${loaded.variant}`,
    variant: loaded.variant,
    alloc(n) {
      return new Float32Array(heap, reserve(n * 4), n);
    },

    gemm(M, N, K, A, B, C, accumulate) {
      if (!(here(A) && here(B) && here(C))) return js.gemm(M, N, K, A, B, C, accumulate);
      checkGemm(M, N, K, A, B, C);
      k.gemm_nn(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
    },
    gemmNT(M, N, K, A, B, C, accumulate) {
      if (!(here(A) && here(B) && here(C))) return js.gemmNT(M, N, K, A, B, C, accumulate);
      checkGemm(M, N, K, A, B, C);
      if (M >= NT_TRANSPOSE_MIN_ROWS || (M >= NT_TRANSPOSE_SHORT_ROWS && K <= NT_SHORT_K)) {
        const Bt = scratchFloats(N * K);
        k.transpose(N, K, B.byteOffset, Bt.byteOffset);
        k.gemm_nn(M, N, K, A.byteOffset, Bt.byteOffset, C.byteOffset, flag(accumulate));
      } else k.gemm_nt(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
    },
    gemmTN(M, N, K, A, B, C, accumulate) {
      if (!(here(A) && here(B) && here(C))) return js.gemmTN(M, N, K, A, B, C, accumulate);
      checkGemm(M, N, K, A, B, C);
      k.gemm_tn(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
    },

    gatherRows(out, table, tokens, cols, accumulate) {
      if (!(here(out) && here(table))) return js.gatherRows(out, table, tokens, cols, accumulate);
      k.gather_rows(out.byteOffset, table.byteOffset, stageIds(tokens), tokens.length, cols, flag(accumulate));
    },
    scatterAddRows(table, src, tokens, cols) {
      if (!(here(table) && here(src))) return js.scatterAddRows(table, src, tokens, cols);
      k.scatter_add_rows(table.byteOffset, src.byteOffset, stageIds(tokens), tokens.length, cols);
    },
    addRowVector(C, v, rows, cols) {
      if (!(here(C) && here(v))) return js.addRowVector(C, v, rows, cols);
      k.add_row_vector(C.byteOffset, v.byteOffset, rows, cols);
    },
    sumRows(v, C, rows, cols) {
      if (!(here(C) && here(v))) return js.sumRows(v, C, rows, cols);
      k.sum_rows(v.byteOffset, C.byteOffset, rows, cols);
    },
    copy: (dst, src) => dst.set(src),
    fill: (x, value) => x.fill(value),
    axpy(y, a, x) {
      if (!(here(y) && here(x))) return js.axpy(y, a, x);
      k.axpy(y.byteOffset, a, x.byteOffset, y.length);
    },
    scale(x, s) {
      if (!here(x)) return js.scale(x, s);
      k.scale(x.byteOffset, s, x.length);
    },
    sumSquares(x) {
      if (!here(x)) return js.sumSquares(x);
      return k.sum_squares(x.byteOffset, x.length);
    },
    mul(y, x, m) {
      if (!(here(y) && here(x) && here(m))) return js.mul(y, x, m);
      k.mul(y.byteOffset, x.byteOffset, m.byteOffset, y.length);
    },

    actForward(act: Act, y, x) {
      if (!(here(y) && here(x))) return js.actForward(act, y, x);
      k.act_forward(act, y.byteOffset, x.byteOffset, y.length);
    },
    actBackward(act: Act, dx, dy, y, accumulate) {
      if (!(here(dx) && here(dy) && here(y))) return js.actBackward(act, dx, dy, y, accumulate);
      k.act_backward(act, dx.byteOffset, dy.byteOffset, y.byteOffset, dx.length, flag(accumulate));
    },

    rnnForward(act, T, B, H, pre, Wh, hs) {
      if (!(here(pre) && here(Wh) && here(hs))) return js.rnnForward(act, T, B, H, pre, Wh, hs);
      if (pre.length < T * B * H || hs.length < (T + 1) * B * H || Wh.length < H * H) throw new Error("rnnForward: operand too short");
      k.rnn_forward(act, T, B, H, pre.byteOffset, Wh.byteOffset, hs.byteOffset);
    },
    rnnBackward(act, T, B, H, dOut, hs, Wh, dPre, dh, dhNext, gradNorms) {
      if (!(here(dOut) && here(hs) && here(Wh) && here(dPre) && here(dh) && here(dhNext)))
        return js.rnnBackward(act, T, B, H, dOut, hs, Wh, dPre, dh, dhNext, gradNorms);
      if (dOut.length < T * B * H || dPre.length < T * B * H || hs.length < (T + 1) * B * H || dh.length < B * H || dhNext.length < B * H)
        throw new Error("rnnBackward: operand too short");
      const sq = scratchNorms(T);
      dhNext.fill(0);
      k.rnn_backward(act, T, B, H, dOut.byteOffset, hs.byteOffset, Wh.byteOffset, dPre.byteOffset, dh.byteOffset, dhNext.byteOffset, sq.byteOffset);
      for (let t = 0; t < T; t++) gradNorms[t] = Math.sqrt(sq[t]);
    },
    lstmForward(B, H, gates, cPrev, c, tanhC, h) {
      if (!(here(gates) && here(cPrev) && here(c) && here(tanhC) && here(h))) return js.lstmForward(B, H, gates, cPrev, c, tanhC, h);
      k.lstm_forward(B, H, gates.byteOffset, cPrev.byteOffset, c.byteOffset, tanhC.byteOffset, h.byteOffset);
    },
    lstmBackward(B, H, dGates, dh, dc, gates, cPrev, tanhC) {
      if (!(here(dGates) && here(dh) && here(dc) && here(gates) && here(cPrev) && here(tanhC)))
        return js.lstmBackward(B, H, dGates, dh, dc, gates, cPrev, tanhC);
      k.lstm_backward(B, H, dGates.byteOffset, dh.byteOffset, dc.byteOffset, gates.byteOffset, cPrev.byteOffset, tanhC.byteOffset);
    },
    gruForward(B, H, gx, gh, hPrev, h) {
      if (!(here(gx) && here(gh) && here(hPrev) && here(h))) return js.gruForward(B, H, gx, gh, hPrev, h);
      k.gru_forward(B, H, gx.byteOffset, gh.byteOffset, hPrev.byteOffset, h.byteOffset);
    },
    gruBackward(B, H, dgx, dgh, dhPrev, dh, rzn, gh, hPrev) {
      if (!(here(dgx) && here(dgh) && here(dhPrev) && here(dh) && here(rzn) && here(gh) && here(hPrev)))
        return js.gruBackward(B, H, dgx, dgh, dhPrev, dh, rzn, gh, hPrev);
      k.gru_backward(B, H, dgx.byteOffset, dgh.byteOffset, dhPrev.byteOffset, dh.byteOffset, rzn.byteOffset, gh.byteOffset, hPrev.byteOffset);
    },

    layerNormForward(rows, cols, y, xhat, rstd, x, gamma, beta, accumulate) {
      if (!(here(y) && here(xhat) && here(rstd) && here(x) && here(gamma) && here(beta)))
        return js.layerNormForward(rows, cols, y, xhat, rstd, x, gamma, beta, accumulate);
      k.layernorm_forward(rows, cols, y.byteOffset, xhat.byteOffset, rstd.byteOffset, x.byteOffset, gamma.byteOffset, beta.byteOffset, flag(accumulate));
    },
    layerNormBackward(rows, cols, dx, dgamma, dbeta, dy, xhat, rstd, gamma) {
      if (!(here(dx) && here(dgamma) && here(dbeta) && here(dy) && here(xhat) && here(rstd) && here(gamma)))
        return js.layerNormBackward(rows, cols, dx, dgamma, dbeta, dy, xhat, rstd, gamma);
      k.layernorm_backward(rows, cols, dx.byteOffset, dgamma.byteOffset, dbeta.byteOffset, dy.byteOffset, xhat.byteOffset, rstd.byteOffset, gamma.byteOffset);
    },

    softmaxCrossEntropy(rows, cols, logits, targets, dlogits, scale) {
      if (!(here(logits) && here(dlogits))) return js.softmaxCrossEntropy(rows, cols, logits, targets, dlogits, scale);
      const stats = scratchFloats(2 * rows);
      k.softmax_xent(rows, cols, logits.byteOffset, stageIds(targets.subarray(0, rows)), dlogits.byteOffset, scale, stats.byteOffset);
      // the logarithms, one per row, in float64 (wasm has no log instruction)
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const target = targets[r];
        if (target >= 0) loss += Math.log(stats[2 * r + 1]) + stats[2 * r] - logits[r * cols + target];
      }
      return loss;
    },
    countCorrect(rows, cols, logits, targets) {
      if (!here(logits)) return js.countCorrect(rows, cols, logits, targets);
      return k.count_correct(rows, cols, logits.byteOffset, stageIds(targets.subarray(0, rows)));
    },

    sgdStep(w, g, lr) {
      if (!(here(w) && here(g))) return js.sgdStep(w, g, lr);
      k.sgd_step(w.byteOffset, g.byteOffset, lr, w.length);
    },
    momentumStep(w, g, v, lr, mu) {
      if (!(here(w) && here(g) && here(v))) return js.momentumStep(w, g, v, lr, mu);
      k.momentum_step(w.byteOffset, g.byteOffset, v.byteOffset, lr, mu, w.length);
    },
    adagradStep(w, g, mem, lr, eps) {
      if (!(here(w) && here(g) && here(mem))) return js.adagradStep(w, g, mem, lr, eps);
      k.adagrad_step(w.byteOffset, g.byteOffset, mem.byteOffset, lr, eps, w.length);
    },
    adamStep(w, g, m, v, lr, beta1, beta2, eps, bc1, bc2) {
      if (!(here(w) && here(g) && here(m) && here(v))) return js.adamStep(w, g, m, v, lr, beta1, beta2, eps, bc1, bc2);
      k.adam_step(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, w.length, lr / bc1, beta1, beta2, eps, Math.sqrt(bc2));
    },
  };
}
