import type { Worker } from "node:worker_threads";
import { lstmSequenceBackwardSteps, lstmSequenceForwardSteps, type Act, type Backend, type PackedB } from "../backend";
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
//
// With `threads: 2` the memory is a shared one (and the module the build that imports one), so
// that a worker thread (worker_threads) can instantiate the same module on it and take panels of
// the large matrix products (kernels.wat: run_shared, worker_loop). One thread, on a plain
// memory (faster for small calls), is the default; the CLI asks for two.

export interface WasmBackendOptions {
  /** Reserved memory in MiB (default 1024; at most 4096, the wasm32 maximum). train.ts sizes it to the model (resources.ts). */
  memoryMiB?: number;
  /** Use this build only (default: relaxed-SIMD if the runtime validates it, else SIMD). */
  variant?: KernelVariant;
  /**
   * 2: a second thread takes half the panels of every large enough matrix product (results are
   * bit for bit those of 1 thread). For a single run that has the machine (the CLI); the server
   * runs one run per core and keeps the default, 1.
   */
  threads?: 1 | 2;
}

/**
 * The second thread: the same compiled module on the same shared memory, its own edge tile,
 * looping in worker_loop (spinning between jobs, sleeping in memory.atomic.wait32 when idle).
 */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctl, edge } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
k.set_edge(edge);
k.worker_loop(ctl);
`;

/** Module scratch below this address (the 4×8 edge tile). */
const HEAP_BASE = 256;
/** Never handed out: kernels may read up to 28 bytes past a tensor's end. */
const GUARD_BYTES = 64;
/**
 * A·Bᵀ packs Bᵀ into panels and runs the packed kernel when A has at least this many rows; below
 * that the dot-product kernel (no packing) is used.
 */
const NT_PACK_MIN_ROWS = 8;
/** Blocking of the packed products (kernels.wat $gemm_block, $gemm_s). */
const PACK_MC = 32, PACK_KC = 256;

/**
 * The wasm layout of a packed operand: 8-column panels of K rows, zero past N. Packed on first
 * use by a product that reads panels (stale until then): batch 1 (sampling) multiplies one row
 * from src directly, and packing a large W_h at every one-character forward cost more than the
 * product itself.
 */
interface WasmPacked extends PackedB {
  readonly data: Float32Array;
  stale: boolean;
}

/** A WebAssembly backend, or null when this runtime has no SIMD128. */
export type WasmBackend = Backend & {
  readonly variant: KernelVariant;
  readonly threads: 1 | 2;
  /** Stop the second thread (if any); the backend then runs on one thread. */
  dispose(): void;
  /** How many 8-column panels of products the second thread has computed (0 with one thread). */
  workerPanels(): number;
  /** Bytes handed out so far (tensors, staging, scratch): what the reservation has to hold. */
  allocatedBytes(): number;
  /** The reserved memory in bytes. */
  readonly reservedBytes: number;
};

export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend | null {
  const shared = options.threads === 2;
  const loaded = loadKernelModule(options.variant, shared);
  if (!loaded) return null;
  const pages = Math.min(65536, Math.ceil(((options.memoryMiB ?? 1024) * 1024 * 1024) / 65536));
  // shared: a second thread works on the same tensors (the build that imports a shared memory)
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
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
  // Packing scratch of the matrix products: A in MC×KC blocks, B in KC-row blocks of 8-column panels.
  const scrA = reserve(PACK_MC * PACK_KC * 4);
  // (panels KC·32 + 64 bytes apart, so that they do not all map to the same cache sets)
  const panelBytes = PACK_KC * 32 + 64;
  let scrB = reserve(panelBytes * 64), scrBCols = 512;
  k.set_scratch(scrA, scrB);
  function packRoom(N: number): void {
    if (N <= scrBCols) return;
    scrBCols = Math.ceil(N / 8) * 8;
    scrB = reserve(panelBytes * (scrBCols / 8));
    k.set_scratch(scrA, scrB);
  }
  // W_h (H×H) or its transpose packed for the vanilla RNN's time loops (batches of 4 rows or more)
  let rnnPacked = new Float32Array(heap, reserve(128 * 128 * 4), 128 * 128);
  function packRecurrent(H: number, Wh: Float32Array, trans: boolean): number {
    const n = H * Math.ceil(H / 8) * 8;
    if (n > rnnPacked.length) rnnPacked = new Float32Array(heap, reserve(n * 4), n);
    k.pack_b(H, H, Wh.byteOffset, trans ? 4 : H * 4, trans ? H * 4 : 4, rnnPacked.byteOffset);
    return rnnPacked.byteOffset;
  }
  let norms = new Float64Array(heap, reserve(256 * 8), 256);
  let worker: Worker | null = null, ctlView: Int32Array | null = null;
  if (shared) {
    const ctl = Math.ceil(reserve(320 + 64) / 64) * 64; // the control block, on 64-byte lines
    const edge = reserve(128);
    // (loaded here, not imported: node:worker_threads costs a one-thread worker ~3 ms of start-up)
    const { Worker } = process.getBuiltinModule("node:worker_threads");
    worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { module: loaded.module, memory, ctl, edge } });
    worker.unref(); // never keeps the process alive
    // a worker that fails to start never sets its ready flag: products stay on this thread
    worker.on("error", (e) => process.stderr.write(`wasm backend: second thread failed (${e.message}); using one\n`));
    k.set_threads(ctl); // products are split once the worker says it is ready
    ctlView = new Int32Array(heap, ctl, 96);
  }
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

  /** The panels of a packed operand (packing them now if packB deferred it), as a byte address. */
  function panels(p: WasmPacked): number {
    if (p.stale && here(p.src) && p.K > 0 && p.N > 0)
      k.pack_b(p.K, p.N, p.src.byteOffset, p.trans ? 4 : p.N * 4, p.trans ? p.K * 4 : 4, p.data.byteOffset);
    p.stale = false;
    return p.data.byteOffset;
  }

  const backend: WasmBackend = {
    name: `wasm-${loaded.variant}${worker ? "×2" : ""}`,
    variant: loaded.variant,
    threads: worker ? 2 : 1,
    dispose() {
      if (!worker) return;
      k.stop_threads();
      worker = null;
    },
    workerPanels: () => (ctlView ? Atomics.load(ctlView, 50) : 0),
    allocatedBytes: () => top,
    reservedBytes: heap.byteLength,
    alloc(n) {
      return new Float32Array(heap, reserve(n * 4), n);
    },

    gemm(M, N, K, A, B, C, accumulate, bias) {
      if (!(here(A) && here(B) && here(C) && (!bias || here(bias)))) return js.gemm(M, N, K, A, B, C, accumulate, bias);
      checkGemm(M, N, K, A, B, C);
      packRoom(N);
      // the bias starts the accumulators of the packed kernel (mode 2); the one-row and K = 0
      // paths and accumulate add it afterwards
      const inKernel = bias && !accumulate && M > 1 && K > 0;
      if (inKernel) {
        if (bias.length < N) throw new Error(`gemm ${M}×${N}×${K}: bias too short (${bias.length})`);
        k.set_bias(bias.byteOffset);
      }
      k.gemm_nn(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, inKernel ? 2 : flag(accumulate));
      if (bias && !inKernel) k.add_row_vector(C.byteOffset, bias.byteOffset, M, N);
    },
    gemmNT(M, N, K, A, B, C, accumulate) {
      if (!(here(A) && here(B) && here(C))) return js.gemmNT(M, N, K, A, B, C, accumulate);
      checkGemm(M, N, K, A, B, C);
      if (M >= NT_PACK_MIN_ROWS) {
        packRoom(N);
        k.gemm_nt_packed(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
      } else k.gemm_nt(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
    },
    gemmTN(M, N, K, A, B, C, accumulate) {
      if (!(here(A) && here(B) && here(C))) return js.gemmTN(M, N, K, A, B, C, accumulate);
      checkGemm(M, N, K, A, B, C);
      packRoom(N);
      k.gemm_tn(M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, flag(accumulate));
    },
    gemmTN2(M1, M2, N, K, A1, A2, B, C1, C2, accumulate) {
      if (M1 === 1 || M2 === 1 || !(here(A1) && here(A2) && here(B) && here(C1) && here(C2))) {
        backend.gemmTN(M1, N, K, A1, B, C1, accumulate);
        return backend.gemmTN(M2, N, K, A2, B, C2, accumulate);
      }
      checkGemm(M1, N, K, A1, B, C1);
      checkGemm(M2, N, K, A2, B, C2);
      packRoom(N);
      k.gemm_tn2(M1, M2, N, K, A1.byteOffset, A2.byteOffset, B.byteOffset, C1.byteOffset, C2.byteOffset, flag(accumulate));
    },
    packB(K, N, B, trans, into) {
      const reuse = into && into.K === K && into.N === N && "data" in into ? (into as WasmPacked) : null;
      const data = reuse ? reuse.data : backend.alloc(K * Math.ceil(N / 8) * 8);
      const packed: WasmPacked = reuse ?? { K, N, src: B, trans, data, stale: true };
      packed.src = B;
      packed.trans = trans;
      packed.stale = true;
      if (B.length < K * N) throw new Error(`packB ${K}×${N}: operand too short (${B.length})`);
      return packed;
    },
    gemmPacked(M, N, K, A, Bp, C, accumulate, bias) {
      const p = Bp as WasmPacked, B = p.src;
      if (p.K !== K || p.N !== N) throw new Error(`gemmPacked ${M}×${N}×${K}: packed operand is ${p.K}×${p.N}`);
      if (M < 4 || !(here(A) && here(C) && here(B) && (!bias || here(bias)))) {
        if (p.trans) backend.gemmNT(M, N, K, A, B, C, accumulate);
        else backend.gemm(M, N, K, A, B, C, accumulate);
        if (bias) backend.addRowVector(C, bias, M, N);
        return;
      }
      if (A.length < M * K || C.length < M * N || (bias && bias.length < N)) throw new Error(`gemmPacked ${M}×${N}×${K}: operand too short`);
      const inKernel = bias && !accumulate && K > 0;
      if (inKernel) k.set_bias(bias.byteOffset);
      k.gemm_packed(M, N, K, A.byteOffset, panels(p), C.byteOffset, inKernel ? 2 : flag(accumulate));
      if (bias && !inKernel) k.add_row_vector(C.byteOffset, bias.byteOffset, M, N);
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
      packRoom(H); // batches of 2-3 rows go through gemm_nn, which packs into the scratch
      k.rnn_forward(act, T, B, H, pre.byteOffset, Wh.byteOffset, hs.byteOffset, B >= 4 ? packRecurrent(H, Wh, false) : 0);
    },
    rnnBackward(act, T, B, H, dOut, hs, Wh, dPre, dh, dhNext, gradNorms) {
      if (!(here(dOut) && here(hs) && here(Wh) && here(dPre) && here(dh) && here(dhNext)))
        return js.rnnBackward(act, T, B, H, dOut, hs, Wh, dPre, dh, dhNext, gradNorms);
      if (dOut.length < T * B * H || dPre.length < T * B * H || hs.length < (T + 1) * B * H || dh.length < B * H || dhNext.length < B * H)
        throw new Error("rnnBackward: operand too short");
      const sq = scratchNorms(T);
      dhNext.fill(0);
      k.rnn_backward(act, T, B, H, dOut.byteOffset, hs.byteOffset, Wh.byteOffset, dPre.byteOffset, dh.byteOffset, dhNext.byteOffset, sq.byteOffset, B >= 4 ? packRecurrent(H, Wh, true) : 0);
      for (let t = 0; t < T; t++) gradNorms[t] = Math.sqrt(sq[t]);
    },
    lstmSequenceForward(T, B, H, gx, Wh, hs, cs, tanhC, input) {
      const p = Wh as WasmPacked, G = 4 * H;
      // the input term's operands, as kernel arguments (0 = none)
      let ids = 0, table = 0, x = 0, Wxp = 0, I = 0, bias = 0, inputHere = true;
      if (input && "ids" in input) {
        inputHere = here(input.table) && (!input.bias || here(input.bias));
        if (input.table.length < G || input.ids.length < T * B || (input.bias && input.bias.length < G)) throw new Error("lstmSequenceForward: input operand too short");
        if (inputHere) (ids = stageIds(input.ids.subarray(0, T * B))), (table = input.table.byteOffset), (bias = input.bias ? input.bias.byteOffset : 0);
      } else if (input) {
        const q = input.Wx as WasmPacked;
        I = q.K;
        inputHere = "data" in q && here(input.x) && here(q.src) && here(input.bias);
        if (q.N !== G || input.x.length < T * B * I || input.bias.length < G) throw new Error("lstmSequenceForward: input operand too short or of the wrong shape");
        if (inputHere) (x = input.x.byteOffset), (Wxp = B >= 4 ? panels(q) : 0), (bias = input.bias.byteOffset);
      }
      if (B < 4 || !("data" in p) || !inputHere || !(here(gx) && here(hs) && here(cs) && here(tanhC) && here(p.src)))
        return lstmSequenceForwardSteps(backend, T, B, H, gx, Wh, hs, cs, tanhC, input);
      if (p.K !== H || p.N !== G || gx.length < T * B * G || hs.length < (T + 1) * B * H || cs.length < (T + 1) * B * H || tanhC.length < T * B * H)
        throw new Error("lstmSequenceForward: operand too short or packed operand of the wrong shape");
      k.lstm_seq_forward(T, B, H, gx.byteOffset, panels(p), hs.byteOffset, cs.byteOffset, tanhC.byteOffset, ids, table, x, Wxp, I, bias);
    },
    lstmSequenceBackward(T, B, H, dOut, gx, cs, tanhC, WhT, dPre, dh, dc, dhNext, gradNorms, grads) {
      const p = WhT as WasmPacked, n = B * H;
      let db = 0, WxTp = 0, I = 0, dX = 0, ids = 0, S = 0, gradsHere = true;
      if (grads) {
        gradsHere = here(grads.db);
        if (grads.db.length < 4 * H) throw new Error("lstmSequenceBackward: db too short");
        db = grads.db.byteOffset;
        if (grads.dX) {
          const q = grads.dX.WxT as WasmPacked;
          I = q.N;
          gradsHere &&= "data" in q && here(q.src) && here(grads.dX.out);
          if (q.K !== 4 * H || grads.dX.out.length < T * B * I) throw new Error("lstmSequenceBackward: dX operand too short or of the wrong shape");
          if (gradsHere) (WxTp = B >= 4 ? panels(q) : 0), (dX = grads.dX.out.byteOffset);
        }
        if (grads.tokens) {
          gradsHere &&= here(grads.tokens.S);
          if (grads.tokens.ids.length < T * B) throw new Error("lstmSequenceBackward: token ids too short");
          if (gradsHere) (ids = stageIds(grads.tokens.ids.subarray(0, T * B))), (S = grads.tokens.S.byteOffset);
        }
      }
      if (B < 4 || !("data" in p) || !gradsHere || !(here(dOut) && here(gx) && here(cs) && here(tanhC) && here(p.src) && here(dPre) && here(dh) && here(dc) && here(dhNext)))
        return lstmSequenceBackwardSteps(backend, T, B, H, dOut, gx, cs, tanhC, WhT, dPre, dh, dc, dhNext, gradNorms, grads);
      if (p.K !== 4 * H || p.N !== H || dOut.length < T * n || gx.length < 4 * T * n || dPre.length < 4 * T * n || cs.length < (T + 1) * n || tanhC.length < T * n || dh.length < n || dc.length < n || dhNext.length < n)
        throw new Error("lstmSequenceBackward: operand too short or packed operand of the wrong shape");
      const sq = scratchNorms(T);
      dhNext.fill(0);
      dc.fill(0);
      k.lstm_seq_backward(T, B, H, dOut.byteOffset, gx.byteOffset, cs.byteOffset, tanhC.byteOffset, panels(p), dPre.byteOffset, dh.byteOffset, dc.byteOffset, dhNext.byteOffset, sq.byteOffset, db, WxTp, I, dX, ids, S);
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
      k.adam_step(w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, w.length, lr / bc1, beta1, beta2, eps, Math.sqrt(bc2), 1 - beta1, 1 - beta2);
    },
  };
  return backend;
}
