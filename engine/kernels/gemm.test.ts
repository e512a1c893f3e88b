import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../rng";
import { gemmNN, gemmNT, gemmTN } from "./gemm";

// Every variant and tail (rows, k and columns not multiples of the tile) against a plain triple loop.
test("gemm variants match the naive product on awkward shapes", () => {
  const rng = new Rng(1);
  for (const [M, N, K] of [[1, 1, 1], [1, 9, 13], [3, 5, 7], [4, 8, 4], [5, 17, 9], [9, 3, 11], [2, 100, 100]]) {
    const A = Float32Array.from({ length: M * K }, () => rng.normal());
    const B = Float32Array.from({ length: K * N }, () => rng.normal());
    const at = (i: number, k: number) => A[i * K + k];
    const AT = Float32Array.from({ length: K * M }, (_, idx) => at(idx % M, Math.floor(idx / M))); // [K×M]
    const BT = Float32Array.from({ length: N * K }, (_, idx) => B[(idx % K) * N + Math.floor(idx / K)]); // [N×K]
    const ref = new Float64Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) ref[i * N + j] += at(i, k) * B[k * N + j];
    for (const [name, run] of [
      ["A·B", (C: Float32Array, acc: boolean) => gemmNN(M, N, K, A, B, C, acc)],
      ["Aᵀ·B", (C: Float32Array, acc: boolean) => gemmTN(M, N, K, AT, B, C, acc)],
      ["A·Bᵀ", (C: Float32Array, acc: boolean) => gemmNT(M, N, K, A, BT, C, acc)],
    ] as const) {
      const C = new Float32Array(M * N).fill(7);
      run(C, false);
      C.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-4 * (1 + Math.abs(ref[i])), `${name} ${M}×${N}×${K}`));
      run(C, true); // accumulate: now 2·ref
      C.forEach((v, i) => assert.ok(Math.abs(v - 2 * ref[i]) < 2e-4 * (1 + Math.abs(ref[i])), `${name} accumulate ${M}×${N}×${K}`));
    }
  }
});

// The float64 backend (gradient checks) hands Float64Arrays to the same kernels: every variant
// must keep float64, against the naive product in float64 (B·Bᵀ's transpose scratch was float32).
test("gemm variants keep float64 operands in float64 (4+ rows: the transposed scratch)", () => {
  const rng = new Rng(2);
  for (const [M, N, K] of [[4, 8, 4], [9, 13, 11], [16, 5, 33]]) {
    // values that float32 cannot hold: 1 + tiny parts
    const A = Float64Array.from({ length: M * K }, () => 1 + rng.normal() * 1e-9);
    const B = Float64Array.from({ length: K * N }, () => 1 + rng.normal() * 1e-9);
    const BT = Float64Array.from({ length: N * K }, (_, idx) => B[(idx % K) * N + Math.floor(idx / K)]);
    const AT = Float64Array.from({ length: K * M }, (_, idx) => A[(idx % M) * K + Math.floor(idx / M)]);
    const ref = new Float64Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) ref[i * N + j] += A[i * K + k] * B[k * N + j];
    const f64 = (x: Float64Array) => x as unknown as Float32Array;
    for (const [name, run] of [
      ["A·B", (C: Float64Array) => gemmNN(M, N, K, f64(A), f64(B), f64(C), false)],
      ["Aᵀ·B", (C: Float64Array) => gemmTN(M, N, K, f64(AT), f64(B), f64(C), false)],
      ["A·Bᵀ", (C: Float64Array) => gemmNT(M, N, K, f64(A), f64(BT), f64(C), false)],
    ] as const) {
      const C = new Float64Array(M * N);
      run(C);
      C.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= 1e-14 * Math.abs(ref[i]), `${name} ${M}×${N}×${K} [${i}]: ${v} vs ${ref[i]} (relative ${(Math.abs(v - ref[i]) / ref[i]).toExponential(1)})`));
    }
  }
});
