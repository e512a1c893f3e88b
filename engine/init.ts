import type { RunConfig } from "./config";
import type { ParamSet } from "./params";
import type { Rng } from "./rng";

// Weight initialisation, applied in parameter order from the one training RNG.
//   kaiming:    N(0, 2/fan_in)                (He et al. 2015, for ReLU)
//   xavier:     N(0, 2/(fan_in + fan_out))    (Glorot & Bengio 2010)
//   orthogonal: (semi-)orthogonal matrix from Gram-Schmidt on a Gaussian matrix, gain 1
//   normal:     N(0, init_std²)               (the lecture's "bad init" with a large std)
// Biases are zero, layer-norm gains one, the LSTM forget-gate bias one.

export type InitKind = RunConfig["init"];

/**
 * `onProgress` is called between pieces of the work — each tensor, each orthogonalised vector —
 * so a caller can show it is alive: a hidden size of 1024 takes ~10 s orthogonal (2048: ~100 s).
 */
export function initParams(params: ParamSet, init: InitKind, initStd: number, rng: Rng, onProgress?: () => void): void {
  for (const p of params.list) {
    onProgress?.();
    const role = p.role;
    if (role.kind === "zeros") p.w.fill(0);
    else if (role.kind === "ones") p.w.fill(1);
    else if (role.kind === "lstm_bias") {
      p.w.fill(0);
      p.w.fill(1, role.hidden, 2 * role.hidden);
    } else if (init === "orthogonal") orthogonal(p.w, role.fanIn, p.size / role.fanIn, rng, onProgress);
    else {
      const std =
        init === "kaiming" ? Math.sqrt(2 / role.fanIn)
        : init === "xavier" ? Math.sqrt(2 / (role.fanIn + role.fanOut))
        : initStd;
      for (let i = 0; i < p.size; i++) p.w[i] = std * rng.normal();
    }
  }
}

/** Fill w [rows × cols] with orthonormal rows (rows ≤ cols) or orthonormal columns (rows > cols). */
export function orthogonal(w: Float32Array, rows: number, cols: number, rng: Rng, onProgress?: () => void): void {
  const n = Math.max(rows, cols), k = Math.min(rows, cols);
  // k Gaussian vectors of length n, orthonormalised (modified Gram-Schmidt, float64)
  const q: Float64Array[] = [];
  for (let a = 0; a < k; a++) {
    if (a > 0) onProgress?.();
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (const u of q) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= dot * u[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
    q.push(v);
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) w[r * cols + c] = rows <= cols ? q[r][c] : q[c][r];
}
