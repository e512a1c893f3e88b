import v8 from "node:v8";
import { KERNELS_RELAXED_BASE64, KERNELS_RELAXED_SHARED_BASE64, KERNELS_SIMD_BASE64, KERNELS_SIMD_SHARED_BASE64 } from "./kernels.generated";

// Compiles the kernels once per process, with no file access and no dependency at run time:
// the bytes are base64 inside kernels.generated.ts (built from kernels.wat by
// scripts/build-wasm.mjs). Two builds: "relaxed" uses f32x4.relaxed_madd (FMA, +15% on the
// matrix products), which Node 20 hides behind a V8 flag; "simd" is plain SIMD128. Whichever
// WebAssembly.validate accepts first is used; neither (no SIMD) → null, and the caller falls
// back to the JS backend.

export type KernelVariant = "relaxed" | "simd";

/** The exports of kernels.wat. Pointers are byte addresses in the backend's memory. */
export interface Kernels {
  gemm_nn(M: number, N: number, K: number, pA: number, pB: number, pC: number, acc: number): void;
  gemm_tn(M: number, N: number, K: number, pA: number, pB: number, pC: number, acc: number): void;
  gemm_nt(M: number, N: number, K: number, pA: number, pB: number, pC: number, acc: number): void;
  gemm_tn2(M1: number, M2: number, N: number, K: number, pA1: number, pA2: number, pB: number, pC1: number, pC2: number, acc: number): void;
  gemm_nt_packed(M: number, N: number, K: number, pA: number, pB: number, pC: number, acc: number): void;
  gemm_packed(M: number, N: number, K: number, pA: number, pBp: number, pC: number, acc: number): void;
  pack_b(K: number, N: number, pB: number, sk: number, sj: number, dst: number): void;
  set_scratch(a: number, b: number): void;
  set_bias(p: number): void;
  set_threads(ctl: number): void;
  set_edge(p: number): void;
  worker_loop(ctl: number): void;
  stop_threads(): void;
  transpose(R: number, C: number, src: number, dst: number): void;
  gather_rows(out: number, table: number, ids: number, rows: number, cols: number, acc: number): void;
  scatter_add_rows(table: number, src: number, ids: number, rows: number, cols: number): void;
  add_row_vector(C: number, v: number, rows: number, cols: number): void;
  sum_rows(v: number, C: number, rows: number, cols: number): void;
  axpy(y: number, a: number, x: number, n: number): void;
  scale(x: number, s: number, n: number): void;
  sum_squares(x: number, n: number): number;
  mul(y: number, x: number, m: number, n: number): void;
  act_forward(act: number, y: number, x: number, n: number): void;
  act_backward(act: number, dx: number, dy: number, y: number, n: number, acc: number): void;
  lstm_seq_forward(T: number, B: number, H: number, gx: number, Wp: number, hs: number, cs: number, tc: number, ids: number, table: number, x: number, Wxp: number, I: number, bias: number): void;
  lstm_seq_backward(T: number, B: number, H: number, dOut: number, gx: number, cs: number, tc: number, WTp: number, dPre: number, dh: number, dc: number, dhNext: number, norms: number, db: number, WxTp: number, I: number, dX: number, ids: number, S: number): void;
  rnn_forward(act: number, T: number, B: number, H: number, pre: number, Wh: number, hs: number, Wp: number): void;
  rnn_backward(act: number, T: number, B: number, H: number, dOut: number, hs: number, Wh: number, dPre: number, dh: number, dhNext: number, norms: number, WTp: number): void;
  lstm_forward(B: number, H: number, gates: number, cPrev: number, c: number, tanhC: number, h: number): void;
  lstm_backward(B: number, H: number, dGates: number, dh: number, dc: number, gates: number, cPrev: number, tanhC: number): void;
  gru_forward(B: number, H: number, gx: number, gh: number, hPrev: number, h: number): void;
  gru_backward(B: number, H: number, dgx: number, dgh: number, dhPrev: number, dh: number, rzn: number, gh: number, hPrev: number): void;
  layernorm_forward(rows: number, cols: number, y: number, xhat: number, rstd: number, x: number, gamma: number, beta: number, acc: number): void;
  layernorm_backward(rows: number, cols: number, dx: number, dgamma: number, dbeta: number, dy: number, xhat: number, rstd: number, gamma: number): void;
  softmax_xent(rows: number, cols: number, logits: number, targets: number, dlogits: number, scale: number, stats: number): void;
  count_correct(rows: number, cols: number, logits: number, targets: number): number;
  sgd_step(w: number, g: number, lr: number, n: number): void;
  momentum_step(w: number, g: number, v: number, lr: number, mu: number, n: number): void;
  adagrad_step(w: number, g: number, mem: number, lr: number, eps: number, n: number): void;
  adam_step(w: number, g: number, m: number, v: number, n: number, stepSize: number, beta1: number, beta2: number, eps: number, rootBc2: number, oneMinusBeta1: number, oneMinusBeta2: number): void;
}

const compiled = new Map<string, WebAssembly.Module | null>();
const SOURCES = {
  relaxed: [KERNELS_RELAXED_BASE64, KERNELS_RELAXED_SHARED_BASE64],
  simd: [KERNELS_SIMD_BASE64, KERNELS_SIMD_SHARED_BASE64],
} as const;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64), bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function compile(variant: KernelVariant, shared: boolean): WebAssembly.Module | null {
  const key = `${variant}${shared ? "-shared" : ""}`;
  if (compiled.has(key)) return compiled.get(key)!;
  const bytes = decode(SOURCES[variant][shared ? 1 : 0]);
  let ok = WebAssembly.validate(bytes);
  if (!ok && variant === "relaxed") {
    // Node 20 (V8 11.3) ships relaxed SIMD behind this flag; it must be set before compiling.
    v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
    ok = WebAssembly.validate(bytes);
  }
  const module = ok ? new WebAssembly.Module(bytes) : null;
  compiled.set(key, module);
  return module;
}

/**
 * The best build this runtime validates (or `prefer` only, when given), or null without SIMD.
 * shared: the build that imports a shared memory (a second thread works on it).
 */
export function loadKernelModule(prefer?: KernelVariant, shared = false): { module: WebAssembly.Module; variant: KernelVariant } | null {
  for (const variant of prefer ? [prefer] : (["relaxed", "simd"] as const)) {
    const module = compile(variant, shared);
    if (module) return { module, variant };
  }
  return null;
}

export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernels {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
}
