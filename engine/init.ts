import type { RunConfig } from "./config";
import type { ParamSet } from "./params";
import type { Rng } from "./rng";

// Weight initialisation, applied in parameter order from the one training RNG.
//   kaiming:    N(0, 2/fan_in)                (He et al. 2015, for ReLU)
//   xavier:     N(0, 2/(fan_in + fan_out))    (Glorot & Bengio 2010)
//   orthogonal: (semi-)orthogonal matrix from Gram-Schmidt on a Gaussian matrix, gain 1
//   normal:     N(0, init_std²)               (the lecture's "bad init" with a large std)
// Orthogonal init treats a tensor as the matrix [shape[0] × rest], as torch.nn.init.orthogonal_
// does: a token table (embedding, one-hot input weights) is [vocab × dim], whatever its fan-in.
// Biases are zero and layer-norm gains one. The LSTM's gate biases follow config.forget_bias:
//   chrono: b_f = ln u, u ~ U(1, T − 1), and b_i = −b_f, T the sequence length (Tallec & Ollivier
//           2018, "Can recurrent neural networks warp time?"): unit j starts with a forgetting
//           time 1/(1 − σ(b_f)) = 1 + u_j steps, spread over the whole horizon, and long-memory units
//           start with their input gates mostly shut, as Hochreiter & Schmidhuber's constant
//           error carousel: ‖∂L/∂c‖ survives `T` steps at init instead of σ(1)^T = 0.73^T;
//   one:    b_f = 1, b_i = 0 (Jozefowicz et al. 2015).

export type InitKind = RunConfig["init"];

export interface InitOptions {
  init: InitKind;
  init_std: number;
  forget_bias: RunConfig["forget_bias"];
  /** Timesteps a chunk spans (chrono's T). */
  horizon: number;
}

/**
 * `onProgress` is called between pieces of the work — each tensor, each orthogonalised vector —
 * so a caller can show it is alive: orthogonal init is O(k²·n) per matrix (an LSTM of hidden 1024 takes seconds).
 */
export function initParams(params: ParamSet, opts: InitOptions, rng: Rng, onProgress?: () => void): void {
  const { init } = opts;
  for (const p of params.list) {
    onProgress?.();
    const role = p.role;
    if (role.kind === "zeros") p.w.fill(0);
    else if (role.kind === "ones") p.w.fill(1);
    else if (role.kind === "lstm_bias") lstmGateBiases(p.w, role.hidden, opts, rng);
    else if (init === "orthogonal") orthogonal(p.w, p.shape[0], p.size / p.shape[0], rng, onProgress);
    else {
      const std =
        init === "kaiming" ? Math.sqrt(2 / role.fanIn)
        : init === "xavier" ? Math.sqrt(2 / (role.fanIn + role.fanOut))
        : opts.init_std;
      for (let i = 0; i < p.size; i++) p.w[i] = std * rng.normal();
    }
  }
}

/** b [4H] = [i|f|g|o] per opts.forget_bias; g and o start at zero. */
export function lstmGateBiases(b: Float32Array, H: number, opts: Pick<InitOptions, "forget_bias" | "horizon">, rng: Rng): void {
  b.fill(0);
  if (opts.forget_bias === "one") return void b.fill(1, H, 2 * H);
  const span = Math.max(0, opts.horizon - 2); // u ~ U(1, T − 1)
  for (let j = 0; j < H; j++) {
    const bf = Math.log(1 + span * rng.uniform());
    b[H + j] = bf;
    b[j] = -bf;
  }
}

/** Fill w [rows × cols] with orthonormal rows (rows ≤ cols) or orthonormal columns (rows > cols). */
export function orthogonal(w: Float32Array, rows: number, cols: number, rng: Rng, onProgress?: () => void): void {
  const n = Math.max(rows, cols), k = Math.min(rows, cols);
  // k Gaussian vectors of length n, orthonormalised (modified Gram-Schmidt, float64), four new
  // vectors at a time: each earlier u is read once for the four (four independent dot-product
  // chains instead of one latency-bound chain). Every vector sees exactly the operations, in the
  // same order, of one-at-a-time Gram-Schmidt, and the RNG is drawn in the same order.
  const q: Float64Array[] = [];
  for (let a0 = 0; a0 < k; a0 += 4) {
    const block: Float64Array[] = [];
    for (let a = a0; a < Math.min(a0 + 4, k); a++) {
      if (a > 0) onProgress?.();
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = rng.normal();
      block.push(v);
    }
    const full = block.length === 4;
    if (full) for (const u of q) subtractProjections4(u, block[0], block[1], block[2], block[3], n);
    for (const v of block) {
      for (let b = full ? a0 : 0; b < q.length; b++) subtractProjection(q[b], v, n);
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) v[i] /= norm;
      q.push(v);
    }
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) w[r * cols + c] = rows <= cols ? q[r][c] : q[c][r];
}

/** v -= (u·v) u */
function subtractProjection(u: Float64Array, v: Float64Array, n: number): void {
  let dot = 0;
  for (let i = 0; i < n; i++) dot += u[i] * v[i];
  for (let i = 0; i < n; i++) v[i] -= dot * u[i];
}

/** subtractProjection(u, ·) on four vectors at once. */
function subtractProjections4(u: Float64Array, v0: Float64Array, v1: Float64Array, v2: Float64Array, v3: Float64Array, n: number): void {
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  for (let i = 0; i < n; i++) {
    const x = u[i];
    d0 += x * v0[i];
    d1 += x * v1[i];
    d2 += x * v2[i];
    d3 += x * v3[i];
  }
  for (let i = 0; i < n; i++) {
    const x = u[i];
    v0[i] -= d0 * x;
    v1[i] -= d1 * x;
    v2[i] -= d2 * x;
    v3[i] -= d3 * x;
  }
}
