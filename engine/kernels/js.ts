import { Act, lstmSequenceBackwardSteps, lstmSequenceForwardSteps, type Backend } from "./backend";
import { gemmNN, gemmNT, gemmTN } from "./gemm";

// The pure-JS backend. Loops are flat and allocation-free; arithmetic happens in float64
// registers and is rounded once on store. `float64: true` hands out Float64Arrays (typed as
// Float32Array) so the same layers run in double precision: the gradient checks use it.

export function createJsBackend(options: { float64?: boolean } = {}): Backend {
  const float64 = options.float64 ?? false;
  const be: Backend = {
    name: float64 ? "js-float64" : "js",
    alloc: (n) => (float64 ? (new Float64Array(n) as unknown as Float32Array) : new Float32Array(n)),
    gemm: (M, N, K, A, B, C, accumulate, bias) => {
      gemmNN(M, N, K, A, B, C, accumulate);
      if (bias) addRowVector(C, bias, M, N);
    },
    gemmNT,
    gemmTN,
    gemmTN2: (M1, M2, N, K, A1, A2, B, C1, C2, accumulate) => {
      gemmTN(M1, N, K, A1, B, C1, accumulate);
      gemmTN(M2, N, K, A2, B, C2, accumulate);
    },
    packB: (K, N, B, trans, into) => {
      if (into && into.K === K && into.N === N) {
        into.src = B;
        into.trans = trans;
        return into;
      }
      return { K, N, src: B, trans };
    },
    gemmPacked: (M, N, K, A, Bp, C, accumulate, bias) => {
      (Bp.trans ? gemmNT : gemmNN)(M, N, K, A, Bp.src, C, accumulate);
      if (bias) addRowVector(C, bias, M, N);
    },
    lstmSequenceForward: (...args) => lstmSequenceForwardSteps(be, ...args),
    lstmSequenceBackward: (...args) => lstmSequenceBackwardSteps(be, ...args),
    gatherRows,
    scatterAddRows,
    addRowVector,
    sumRows,
    copy: (dst, src) => dst.set(src),
    fill: (x, value) => x.fill(value),
    axpy,
    scale,
    sumSquares,
    mul,
    actForward,
    actBackward,
    rnnForward,
    rnnBackward,
    lstmForward,
    lstmBackward,
    gruForward,
    gruBackward,
    layerNormForward,
    layerNormBackward,
    softmaxCrossEntropy,
    countCorrect,
    sgdStep,
    momentumStep,
    adagradStep,
    adamStep,
  };
  return be;
}

function gatherRows(out: Float32Array, table: Float32Array, ids: Int32Array, cols: number, accumulate: boolean): void {
  for (let r = 0; r < ids.length; r++) {
    const o = r * cols, t = ids[r] * cols;
    if (accumulate) for (let j = 0; j < cols; j++) out[o + j] += table[t + j];
    else for (let j = 0; j < cols; j++) out[o + j] = table[t + j];
  }
}

function scatterAddRows(table: Float32Array, src: Float32Array, ids: Int32Array, cols: number): void {
  for (let r = 0; r < ids.length; r++) {
    const s = r * cols, t = ids[r] * cols;
    for (let j = 0; j < cols; j++) table[t + j] += src[s + j];
  }
}

function addRowVector(C: Float32Array, v: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) C[o + j] += v[j];
  }
}

function sumRows(v: Float32Array, C: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) v[j] += C[o + j];
  }
}

function axpy(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

function scale(x: Float32Array, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= s;
}

function sumSquares(x: Float32Array): number {
  let s0 = 0, s1 = 0, i = 0;
  for (; i + 1 < x.length; i += 2) {
    s0 += x[i] * x[i];
    s1 += x[i + 1] * x[i + 1];
  }
  if (i < x.length) s0 += x[i] * x[i];
  return s0 + s1;
}

function mul(y: Float32Array, x: Float32Array, m: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = x[i] * m[i];
}

function actForward(act: Act, y: Float32Array, x: Float32Array): void {
  if (act === Act.tanh) for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]);
  else for (let i = 0; i < y.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

function actBackward(act: Act, dx: Float32Array, dy: Float32Array, y: Float32Array, accumulate: boolean): void {
  const keep = accumulate ? 1 : 0;
  if (act === Act.tanh) for (let i = 0; i < dx.length; i++) dx[i] = keep * dx[i] + dy[i] * (1 - y[i] * y[i]);
  else for (let i = 0; i < dx.length; i++) dx[i] = keep * dx[i] + (y[i] > 0 ? dy[i] : 0);
}

function rnnForward(act: Act, T: number, B: number, H: number, pre: Float32Array, Wh: Float32Array, hs: Float32Array): void {
  const n = B * H;
  for (let t = 0; t < T; t++) {
    const p = pre.subarray(t * n, (t + 1) * n);
    gemmNN(B, H, H, hs.subarray(t * n, (t + 1) * n), Wh, p, true);
    actForward(act, hs.subarray((t + 1) * n, (t + 2) * n), p);
  }
}

function rnnBackward(act: Act, T: number, B: number, H: number, dOut: Float32Array, hs: Float32Array, Wh: Float32Array, dPre: Float32Array, dh: Float32Array, dhNext: Float32Array, norms: Float64Array): void {
  const n = B * H;
  dhNext.fill(0);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < n; i++) dh[i] = dOut[t * n + i] + dhNext[i];
    norms[t] = Math.sqrt(sumSquares(dh.subarray(0, n)));
    const dp = dPre.subarray(t * n, (t + 1) * n);
    actBackward(act, dp, dh.subarray(0, n), hs.subarray((t + 1) * n, (t + 2) * n), false);
    gemmNT(B, H, H, dp, Wh, dhNext, false);
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function lstmForward(B: number, H: number, gates: Float32Array, cPrev: Float32Array, c: Float32Array, tanhC: Float32Array, h: Float32Array): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H, s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[g0 + j]);
      const f = sigmoid(gates[g0 + H + j]);
      const g = Math.tanh(gates[g0 + 2 * H + j]);
      const o = sigmoid(gates[g0 + 3 * H + j]);
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      const ct = f * cPrev[s0 + j] + i * g;
      c[s0 + j] = ct;
      const tc = Math.tanh(c[s0 + j]); // of the stored (rounded) c, as the backward sees it
      tanhC[s0 + j] = tc;
      h[s0 + j] = o * tanhC[s0 + j];
    }
  }
}

function lstmBackward(B: number, H: number, dGates: Float32Array, dh: Float32Array, dc: Float32Array, gates: Float32Array, cPrev: Float32Array, tanhC: Float32Array): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H, s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[g0 + j], f = gates[g0 + H + j], g = gates[g0 + 2 * H + j], o = gates[g0 + 3 * H + j];
      const tc = tanhC[s0 + j], dhj = dh[s0 + j];
      const dct = dc[s0 + j] + dhj * o * (1 - tc * tc);
      dGates[g0 + j] = dct * g * i * (1 - i);
      dGates[g0 + H + j] = dct * cPrev[s0 + j] * f * (1 - f);
      dGates[g0 + 2 * H + j] = dct * i * (1 - g * g);
      dGates[g0 + 3 * H + j] = dhj * tc * o * (1 - o);
      dc[s0 + j] = dct * f;
    }
  }
}

function gruForward(B: number, H: number, gx: Float32Array, gh: Float32Array, hPrev: Float32Array, h: Float32Array): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H, s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[g0 + j] + gh[g0 + j]);
      const z = sigmoid(gx[g0 + H + j] + gh[g0 + H + j]);
      gx[g0 + j] = r;
      gx[g0 + H + j] = z;
      const n = Math.tanh(gx[g0 + 2 * H + j] + gx[g0 + j] * gh[g0 + 2 * H + j]);
      gx[g0 + 2 * H + j] = n;
      h[s0 + j] = (1 - gx[g0 + H + j]) * gx[g0 + 2 * H + j] + gx[g0 + H + j] * hPrev[s0 + j];
    }
  }
}

function gruBackward(B: number, H: number, dgx: Float32Array, dgh: Float32Array, dhPrev: Float32Array, dh: Float32Array, rzn: Float32Array, gh: Float32Array, hPrev: Float32Array): void {
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H, s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = rzn[g0 + j], z = rzn[g0 + H + j], n = rzn[g0 + 2 * H + j], dhj = dh[s0 + j];
      const dnPre = dhj * (1 - z) * (1 - n * n);
      const dzPre = dhj * (hPrev[s0 + j] - n) * z * (1 - z);
      const drPre = dnPre * gh[g0 + 2 * H + j] * r * (1 - r);
      dgx[g0 + j] = drPre;
      dgx[g0 + H + j] = dzPre;
      dgx[g0 + 2 * H + j] = dnPre;
      dgh[g0 + j] = drPre;
      dgh[g0 + H + j] = dzPre;
      dgh[g0 + 2 * H + j] = dnPre * r;
      dhPrev[s0 + j] = dhj * z;
    }
  }
}

const LN_EPS = 1e-5;

function layerNormForward(rows: number, cols: number, y: Float32Array, xhat: Float32Array, rstd: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array, accumulate: boolean): void {
  const keep = accumulate ? 1 : 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mean = 0;
    for (let j = 0; j < cols; j++) mean += x[o + j];
    mean /= cols;
    let variance = 0;
    for (let j = 0; j < cols; j++) variance += (x[o + j] - mean) * (x[o + j] - mean);
    variance /= cols;
    const s = 1 / Math.sqrt(variance + LN_EPS);
    rstd[r] = s;
    for (let j = 0; j < cols; j++) {
      xhat[o + j] = (x[o + j] - mean) * s;
      y[o + j] = keep * y[o + j] + gamma[j] * xhat[o + j] + beta[j];
    }
  }
}

function layerNormBackward(rows: number, cols: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dy: Float32Array, xhat: Float32Array, rstd: Float32Array, gamma: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    // dx = (1/σ)·(dx̂ - mean(dx̂) - x̂·mean(dx̂⊙x̂)) with dx̂ = γ⊙dy
    let meanD = 0, meanDX = 0;
    for (let j = 0; j < cols; j++) {
      const d = gamma[j] * dy[o + j];
      meanD += d;
      meanDX += d * xhat[o + j];
      dgamma[j] += dy[o + j] * xhat[o + j];
      dbeta[j] += dy[o + j];
    }
    meanD /= cols;
    meanDX /= cols;
    const s = rstd[r];
    for (let j = 0; j < cols; j++) dx[o + j] = s * (gamma[j] * dy[o + j] - meanD - xhat[o + j] * meanDX);
  }
}

function softmaxCrossEntropy(rows: number, cols: number, logits: Float32Array, targets: Int32Array, dlogits: Float32Array, scale: number): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols, target = targets[r];
    if (target < 0) {
      dlogits.fill(0, o, o + cols);
      continue;
    }
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(logits[o + j] - max);
    const logSum = Math.log(sum) + max;
    loss += logSum - logits[o + target];
    for (let j = 0; j < cols; j++) dlogits[o + j] = scale * Math.exp(logits[o + j] - logSum);
    dlogits[o + target] -= scale;
  }
  return loss;
}

function countCorrect(rows: number, cols: number, logits: Float32Array, targets: Int32Array): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] < 0) continue;
    const o = r * cols;
    let best = 0;
    for (let j = 1; j < cols; j++) if (logits[o + j] > logits[o + best]) best = j;
    if (best === targets[r]) correct++;
  }
  return correct;
}

function sgdStep(w: Float32Array, g: Float32Array, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

function momentumStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number): void {
  for (let i = 0; i < w.length; i++) {
    v[i] = mu * v[i] + g[i];
    w[i] -= lr * v[i];
  }
}

function adagradStep(w: Float32Array, g: Float32Array, mem: Float32Array, lr: number, eps: number): void {
  for (let i = 0; i < w.length; i++) {
    mem[i] += g[i] * g[i];
    w[i] -= (lr * g[i]) / Math.sqrt(mem[i] + eps);
  }
}

function adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void {
  const stepSize = lr / bc1, rootBc2 = Math.sqrt(bc2);
  for (let i = 0; i < w.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
    w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / rootBc2 + eps);
  }
}
