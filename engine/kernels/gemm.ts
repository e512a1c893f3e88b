// Pure-JS matrix multiply, row-major Float32Array. Three variants cover every product the
// layers need (forward X·W, backward dY·Wᵀ and Xᵀ·dY). V8 does not vectorise, so speed comes
// from register tiling: four rows of C × four k at a time (A·B, Aᵀ·B: the inner loop streams
// a row of B and four rows of C), two rows × four columns of dot products (A·Bᵀ). No allocation.

/** C[M×N] (+)= A[M×K] · B[K×N]. */
export function gemmNN(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void {
  rowTiled(M, N, K, A, K, 1, B, C, accumulate);
}

/** C[M×N] (+)= A[K×M]ᵀ · B[K×N]. */
export function gemmTN(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void {
  rowTiled(M, N, K, A, 1, M, B, C, accumulate);
}

// C[i,j] += Σ_k A(i,k)·B[k,j] where A(i,k) = A[i*si + k*sk]. Blocks of 4 rows × 4 k keep 16
// values of A in registers while one row of B streams past; leftover rows go 8 k at a time.
function rowTiled(
  M: number, N: number, K: number,
  A: Float32Array, si: number, sk: number,
  B: Float32Array, C: Float32Array, accumulate: boolean,
): void {
  if (!accumulate) C.fill(0, 0, M * N);
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const c0 = i * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    const p0 = i * si, p1 = p0 + si, p2 = p1 + si, p3 = p2 + si;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const q0 = k * sk, q1 = q0 + sk, q2 = q1 + sk, q3 = q2 + sk;
      const a0 = A[p0 + q0], a1 = A[p0 + q1], a2 = A[p0 + q2], a3 = A[p0 + q3];
      const e0 = A[p1 + q0], e1 = A[p1 + q1], e2 = A[p1 + q2], e3 = A[p1 + q3];
      const f0 = A[p2 + q0], f1 = A[p2 + q1], f2 = A[p2 + q2], f3 = A[p2 + q3];
      const g0 = A[p3 + q0], g1 = A[p3 + q1], g2 = A[p3 + q2], g3 = A[p3 + q3];
      const b0 = k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
      for (let j = 0; j < N; j++) {
        const x0 = B[b0 + j], x1 = B[b1 + j], x2 = B[b2 + j], x3 = B[b3 + j];
        C[c0 + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        C[c1 + j] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
        C[c2 + j] += f0 * x0 + f1 * x1 + f2 * x2 + f3 * x3;
        C[c3 + j] += g0 * x0 + g1 * x1 + g2 * x2 + g3 * x3;
      }
    }
    for (; k < K; k++) {
      const q = k * sk, a = A[p0 + q], e = A[p1 + q], f = A[p2 + q], g = A[p3 + q], b0 = k * N;
      for (let j = 0; j < N; j++) {
        const x = B[b0 + j];
        C[c0 + j] += a * x;
        C[c1 + j] += e * x;
        C[c2 + j] += f * x;
        C[c3 + j] += g * x;
      }
    }
  }
  for (; i < M; i++) {
    const c0 = i * N, p0 = i * si;
    let k = 0;
    for (; k + 7 < K; k += 8) {
      const a0 = A[p0 + k * sk], a1 = A[p0 + (k + 1) * sk], a2 = A[p0 + (k + 2) * sk], a3 = A[p0 + (k + 3) * sk];
      const a4 = A[p0 + (k + 4) * sk], a5 = A[p0 + (k + 5) * sk], a6 = A[p0 + (k + 6) * sk], a7 = A[p0 + (k + 7) * sk];
      const b0 = k * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N, b4 = b3 + N, b5 = b4 + N, b6 = b5 + N, b7 = b6 + N;
      for (let j = 0; j < N; j++)
        C[c0 + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j] + a4 * B[b4 + j] + a5 * B[b5 + j] + a6 * B[b6 + j] + a7 * B[b7 + j];
    }
    for (; k < K; k++) {
      const a = A[p0 + k * sk], b0 = k * N;
      for (let j = 0; j < N; j++) C[c0 + j] += a * B[b0 + j];
    }
  }
}

let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/**
 * C[M×N] (+)= A[M×K] · B[N×K]ᵀ. With 4 or more rows, B is transposed once into scratch
 * (N·K copies against M·N·K multiply-adds) and the faster row-tiled kernel runs; fewer rows
 * (batch-1 recurrences) use dot-product tiles. The scratch has B's element type: the float64
 * backend's B must not be rounded to float32 on the way.
 */
export function gemmNT(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void {
  if (M < 4) return gemmNTDots(M, N, K, A, B, C, accumulate);
  let BT: Float32Array; // [K×N]
  if ((B as unknown) instanceof Float64Array) {
    if (scratch64.length < N * K) scratch64 = new Float64Array(N * K);
    BT = scratch64 as unknown as Float32Array;
  } else {
    if (scratch32.length < N * K) scratch32 = new Float32Array(N * K);
    BT = scratch32;
  }
  for (let j = 0; j < N; j++) {
    const b = j * K;
    for (let k = 0; k < K; k++) BT[k * N + j] = B[b + k];
  }
  rowTiled(M, N, K, A, K, 1, BT, C, accumulate);
}

/** A·Bᵀ as dot products of rows of A with rows of B: 2 rows × 4 columns per tile. */
function gemmNTDots(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean): void {
  if (!accumulate) C.fill(0, 0, M * N);
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a = i * K, e = a + K, c0 = i * N, c1 = c0 + N;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a + k], y = A[e + k];
        const w0 = B[b0 + k], w1 = B[b1 + k], w2 = B[b2 + k], w3 = B[b3 + k];
        s0 += x * w0; s1 += x * w1; s2 += x * w2; s3 += x * w3;
        t0 += y * w0; t1 += y * w1; t2 += y * w2; t3 += y * w3;
      }
      C[c0 + j] += s0; C[c0 + j + 1] += s1;
      C[c0 + j + 2] += s2; C[c0 + j + 3] += s3;
      C[c1 + j] += t0; C[c1 + j + 1] += t1;
      C[c1 + j + 2] += t2; C[c1 + j + 3] += t3;
    }
    for (; j < N; j++) {
      const b0 = j * K;
      let s = 0, t = 0;
      for (let k = 0; k < K; k++) {
        s += A[a + k] * B[b0 + k];
        t += A[e + k] * B[b0 + k];
      }
      C[c0 + j] += s;
      C[c1 + j] += t;
    }
  }
  if (i < M) {
    const a = i * K, c0 = i * N;
    let j = 0;
    for (; j + 7 < N; j += 8) {
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K, b4 = b3 + K, b5 = b4 + K, b6 = b5 + K, b7 = b6 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a + k];
        s0 += x * B[b0 + k]; s1 += x * B[b1 + k]; s2 += x * B[b2 + k]; s3 += x * B[b3 + k];
        s4 += x * B[b4 + k]; s5 += x * B[b5 + k]; s6 += x * B[b6 + k]; s7 += x * B[b7 + k];
      }
      C[c0 + j] += s0; C[c0 + j + 1] += s1; C[c0 + j + 2] += s2; C[c0 + j + 3] += s3;
      C[c0 + j + 4] += s4; C[c0 + j + 5] += s5; C[c0 + j + 6] += s6; C[c0 + j + 7] += s7;
    }
    for (; j < N; j++) {
      const b0 = j * K;
      let s0 = 0;
      for (let k = 0; k < K; k++) s0 += A[a + k] * B[b0 + k];
      C[c0 + j] += s0;
    }
  }
}
