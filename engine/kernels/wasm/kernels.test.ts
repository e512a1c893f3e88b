import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Act, lstmSequenceBackwardSteps, lstmSequenceForwardSteps, type Backend } from "../backend";
import { createJsBackend } from "../js";
import { Rng } from "../../rng";
import { createWasmBackend } from "./backend";
import type { KernelVariant } from "./load";

// Every wasm kernel against the JS reference backend (which computes in float64 and rounds
// once), on awkward shapes: sizes that are not multiples of 4 or 8, K = 1, accumulate on
// and off, and subarray views at odd float offsets (unaligned for SIMD).

const js = createJsBackend();

function close(name: string, got: Float32Array, want: ArrayLike<number>, rtol: number, atol: number): void {
  assert.equal(got.length, want.length, `${name}: length`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w)))
      assert.fail(`${name}: [${i}] = ${g}, reference ${w} (|diff| ${Math.abs(g - w)})`);
  }
}

for (const variant of ["relaxed", "simd"] as KernelVariant[]) {
  const be = createWasmBackend({ variant, memoryMiB: 64 });
  if (!be) {
    test(`wasm ${variant}: not supported here`, { skip: true }, () => {});
    continue;
  }
  const rng = new Rng(variant === "relaxed" ? 17 : 18);
  let offset = 0;
  /** A wasm tensor at an odd offset inside a larger allocation, and a JS copy of it. */
  const pair = (n: number, std = 1, positive = false): [Float32Array, Float32Array] => {
    const off = (offset = (offset + 1) % 4);
    const w = be.alloc(n + off + 3).subarray(off, off + n);
    for (let i = 0; i < n; i++) w[i] = positive ? Math.abs(std * rng.normal()) + 0.01 : std * rng.normal();
    return [w, Float32Array.from(w)];
  };

  test(`wasm ${variant}: gemm A·B, A·Bᵀ, Aᵀ·B on awkward shapes, accumulate on and off`, () => {
    const shapes = [[1, 1, 1], [3, 5, 1], [5, 7, 3], [4, 8, 16], [13, 17, 19], [1, 100, 100], [2, 9, 4], [32, 64, 24], [65, 33, 70], [70, 12, 5], [9, 8, 0], [1, 37, 5], [1, 70, 129], [1, 3, 6], [1, 5, 0], [36, 20, 300], [10, 9, 257], [6, 600, 10]];
    for (const [M, N, K] of shapes)
      for (const variantName of ["gemm", "gemmNT", "gemmTN"] as const)
        for (const accumulate of [false, true]) {
          const [A, Aj] = pair(M * K), [B, Bj] = pair(K * N), [C, Cj] = pair(M * N);
          be[variantName](M, N, K, A, B, C, accumulate);
          js[variantName](M, N, K, Aj, Bj, Cj, accumulate);
          // error bound ∝ K·eps·Σ|a||b|: the same product on absolute values
          const bound = new Float32Array(M * N);
          js[variantName](M, N, K, Aj.map(Math.abs), Bj.map(Math.abs), bound, false);
          for (let i = 0; i < M * N; i++) {
            const tol = 1e-6 * (K + 2) * (bound[i] + (accumulate ? Math.abs(Cj[i]) : 0)) + 1e-7;
            if (!(Math.abs(C[i] - Cj[i]) <= tol)) assert.fail(`${variantName} ${M}×${N}×${K} acc=${accumulate}: [${i}] ${C[i]} vs ${Cj[i]}`);
          }
        }
  });

  test(`wasm ${variant}: packB + gemmPacked (A·B and A·Bᵀ) against the reference, packed once and reused`, () => {
    const shapes = [[4, 8, 1], [5, 7, 3], [13, 17, 19], [32, 64, 24], [65, 33, 200], [8, 130, 300], [2, 9, 4], [1, 37, 5], [9, 8, 0]];
    for (const [M, N, K] of shapes)
      for (const trans of [false, true]) {
        const [B, Bj] = pair(K * N);
        const Bp = be.packB(K, N, B, trans);
        assert.equal(be.packB(K, N, B, trans, Bp), Bp, "packB reuses `into` of the same shape");
        for (const accumulate of [false, true]) {
          const [A, Aj] = pair(M * K), [C, Cj] = pair(M * N);
          be.gemmPacked(M, N, K, A, Bp, C, accumulate);
          (trans ? js.gemmNT : js.gemm)(M, N, K, Aj, Bj, Cj, accumulate);
          const bound = new Float32Array(M * N);
          (trans ? js.gemmNT : js.gemm)(M, N, K, Aj.map(Math.abs), Bj.map(Math.abs), bound, false);
          for (let i = 0; i < M * N; i++) {
            const tol = 1e-6 * (K + 2) * (bound[i] + (accumulate ? Math.abs(Cj[i]) : 0)) + 1e-7;
            if (!(Math.abs(C[i] - Cj[i]) <= tol)) assert.fail(`gemmPacked trans=${trans} ${M}×${N}×${K} acc=${accumulate}: [${i}] ${C[i]} vs ${Cj[i]}`);
          }
        }
      }
  });

  test(`wasm ${variant}: fused LSTM time loops equal the per-step ops bit for bit, with each input kind`, () => {
    for (const [T, B, H, I] of [[5, 4, 9, 7], [3, 6, 16, 12], [2, 5, 3, 5]]) {
      const n = B * H, g = 4 * n, vocab = 6;
      const Wh = pair(H * 4 * H, 0.5)[0], dOut = pair(T * n)[0], gx0 = pair(T * g)[0], h0 = pair(n)[0], c0 = pair(n)[0];
      const Wx = pair(I * 4 * H, 0.5)[0], x = pair(T * B * I)[0], table = pair(vocab * 4 * H)[0], bias = pair(4 * H)[0];
      const ids = Int32Array.from({ length: T * B }, () => rng.int(vocab));
      for (const kind of ["gx", "ids", "ids+bias", "x"] as const) {
        const run = (fused: boolean): number[][] => {
          const gx: Float32Array = be.alloc(T * g), hs: Float32Array = be.alloc((T + 1) * n), cs: Float32Array = be.alloc((T + 1) * n), tc: Float32Array = be.alloc(T * n);
          const dPre = be.alloc(T * g), dh = be.alloc(n), dc = be.alloc(n), dhNext = be.alloc(n), norms = new Float64Array(T);
          const db = be.alloc(4 * H), dX = be.alloc(T * B * I), S = be.alloc(vocab * 4 * H);
          db.set(bias); // accumulated into
          if (kind === "gx") gx.set(gx0);
          hs.set(h0), cs.set(c0);
          const P = be.packB(H, 4 * H, Wh, false), PT = be.packB(4 * H, H, Wh, true);
          const input =
            kind === "gx" ? null
            : kind === "x" ? { x, Wx: be.packB(I, 4 * H, Wx, false), bias }
            : { ids, table, bias: kind === "ids+bias" ? bias : null };
          const grads = kind === "gx" ? null : { db, dX: kind === "x" ? { WxT: be.packB(4 * H, I, Wx, true), out: dX } : null, tokens: kind === "x" ? null : { ids, S } };
          if (fused) be.lstmSequenceForward(T, B, H, gx, P, hs, cs, tc, input);
          else lstmSequenceForwardSteps(be, T, B, H, gx, P, hs, cs, tc, input);
          if (fused) be.lstmSequenceBackward(T, B, H, dOut, gx, cs, tc, PT, dPre, dh, dc, dhNext, norms, grads);
          else lstmSequenceBackwardSteps(be, T, B, H, dOut, gx, cs, tc, PT, dPre, dh, dc, dhNext, norms, grads);
          return [gx, hs, cs, tc, dPre, dc, dhNext, Float32Array.from(norms), db, dX, S].map((v) => [...v]);
        };
        const fused = run(true), steps = run(false);
        assert.deepEqual(fused, steps, `T ${T} B ${B} H ${H} input ${kind}`);
        if (kind !== "gx") assert.notDeepEqual(fused[8], [...bias], `${kind}: db was accumulated`);
        if (kind === "x") assert.ok(fused[9].some((v) => v !== 0), "dX was written");
        if (kind.startsWith("ids")) assert.ok(fused[10].some((v) => v !== 0), "the per-token sums were written");
      }
      // and the steps reference itself against the JS backend (gates from x·W_x + b)
      const js64 = createJsBackend();
      const gxw = be.alloc(T * g), gxj = new Float32Array(T * g);
      const hsw = be.alloc((T + 1) * n), hsj = new Float32Array((T + 1) * n), csw = be.alloc((T + 1) * n), csj = new Float32Array((T + 1) * n);
      hsw.set(h0), hsj.set(h0), csw.set(c0), csj.set(c0);
      be.lstmSequenceForward(T, B, H, gxw, be.packB(H, 4 * H, Wh, false), hsw, csw, be.alloc(T * n), { x, Wx: be.packB(I, 4 * H, Wx, false), bias });
      js64.lstmSequenceForward(T, B, H, gxj, js64.packB(H, 4 * H, Wh, false), hsj, csj, new Float32Array(T * n), { x, Wx: js64.packB(I, 4 * H, Wx, false), bias });
      close(`LSTM ${T}×${B}×${H} from x: h`, hsw, hsj, 1e-5, 1e-6);
    }
  });

  test(`wasm ${variant}: gemmTN2 equals two gemmTN with the same right operand`, () => {
    for (const [M1, M2, N, K] of [[128, 64, 512, 300], [5, 9, 13, 7], [1, 4, 8, 3], [33, 2, 65, 600], [4, 4, 8, 0]]) {
      const [A1, A1j] = pair(K * M1), [A2, A2j] = pair(K * M2), [B, Bj] = pair(K * N);
      for (const accumulate of [false, true]) {
        const [C1, C1j] = pair(M1 * N), [C2, C2j] = pair(M2 * N);
        be.gemmTN2(M1, M2, N, K, A1, A2, B, C1, C2, accumulate);
        js.gemmTN(M1, N, K, A1j, Bj, C1j, accumulate);
        js.gemmTN(M2, N, K, A2j, Bj, C2j, accumulate);
        close(`gemmTN2 C1 ${M1},${M2}×${N}×${K} acc=${accumulate}`, C1, C1j, 2e-4, 1e-4);
        close(`gemmTN2 C2 ${M1},${M2}×${N}×${K} acc=${accumulate}`, C2, C2j, 2e-4, 1e-4);
      }
    }
  });

  test(`wasm ${variant}: gemm and gemmPacked with a bias row equal the product plus the row`, () => {
    for (const [M, N, K] of [[1, 7, 5], [4, 8, 3], [5, 13, 9], [32, 65, 40], [33, 512, 300], [6, 9, 0]]) {
      const [A, Aj] = pair(M * K), [B, Bj] = pair(K * N), [bias, biasj] = pair(N);
      const want = new Float32Array(M * N);
      js.gemm(M, N, K, Aj, Bj, want, false);
      js.addRowVector(want, biasj, M, N);
      for (const accumulate of [false, true]) {
        const C: Float32Array = be.alloc(M * N), Cp: Float32Array = be.alloc(M * N);
        if (accumulate) C.fill(1), Cp.fill(1);
        be.gemm(M, N, K, A, B, C, accumulate, bias);
        be.gemmPacked(M, N, K, A, be.packB(K, N, B, false), Cp, accumulate, bias);
        // float32 rounding of a K-term sum: relative to Σ|a·b| + |bias| (+ |C| when accumulating)
        const bound = new Float32Array(M * N);
        js.gemm(M, N, K, Aj.map(Math.abs), Bj.map(Math.abs), bound, false);
        for (let i = 0; i < M * N; i++) {
          const expect = want[i] + (accumulate ? 1 : 0);
          const tol = 1e-6 * (K + 2) * (bound[i] + Math.abs(biasj[i % N]) + (accumulate ? 1 : 0)) + 1e-7;
          for (const [name, got] of [["gemm", C], ["gemmPacked", Cp]] as const)
            if (!(Math.abs(got[i] - expect) <= tol)) assert.fail(`${name}+bias ${M}×${N}×${K} acc=${accumulate}: [${i}] ${got[i]} vs ${expect}`);
        }
      }
    }
  });

  test(`wasm ${variant}: gemm leaves memory around C untouched`, () => {
    const M = 5, N = 11, K = 3;
    const [A] = pair(M * K), [B] = pair(K * N);
    const outer = be.alloc(M * N + 8);
    outer.fill(7);
    const C = outer.subarray(4, 4 + M * N);
    for (const op of ["gemm", "gemmNT", "gemmTN"] as const) {
      be[op](M, N, K, A, B, C, false);
      assert.deepEqual([...outer.subarray(0, 4), ...outer.subarray(4 + M * N)], [7, 7, 7, 7, 7, 7, 7, 7], op);
    }
  });

  test(`wasm ${variant}: rows and vectors`, () => {
    for (const cols of [1, 3, 4, 6, 13, 16, 37]) {
      const rows = 7, vocab = 5, ids = Int32Array.from({ length: rows }, () => rng.int(vocab));
      const [table, tablej] = pair(vocab * cols), [out, outj] = pair(rows * cols);
      for (const accumulate of [false, true]) {
        be.gatherRows(out, table, ids, cols, accumulate);
        js.gatherRows(outj, tablej, ids, cols, accumulate);
        close("gatherRows", out, outj, 1e-6, 1e-7);
      }
      be.scatterAddRows(table, out, ids, cols);
      js.scatterAddRows(tablej, outj, ids, cols);
      close("scatterAddRows", table, tablej, 1e-6, 1e-6);
      const [v, vj] = pair(cols);
      be.addRowVector(out, v, rows, cols);
      js.addRowVector(outj, vj, rows, cols);
      close("addRowVector", out, outj, 1e-6, 1e-6);
      be.sumRows(v, out, rows, cols);
      js.sumRows(vj, outj, rows, cols);
      close("sumRows", v, vj, 1e-5, 1e-5);
    }
    for (const n of [1, 2, 3, 4, 5, 17, 1000]) {
      const [x, xj] = pair(n), [y, yj] = pair(n), [m, mj] = pair(n);
      be.axpy(y, 0.37, x);
      js.axpy(yj, 0.37, xj);
      close("axpy", y, yj, 1e-6, 1e-6);
      be.scale(y, -1.3);
      js.scale(yj, -1.3);
      close("scale", y, yj, 1e-6, 1e-7);
      assert.ok(Math.abs(be.sumSquares(y) - js.sumSquares(y)) <= 1e-12 * js.sumSquares(y), "sumSquares");
      be.mul(y, x, m);
      js.mul(yj, xj, mj);
      close("mul", y, yj, 1e-7, 0);
    }
  });

  test(`wasm ${variant}: activations, forward and backward`, () => {
    for (const n of [1, 3, 4, 9, 1001])
      for (const act of [Act.tanh, Act.relu]) {
        const [x, xj] = pair(n, 3), [y, yj] = pair(n), [dy, dyj] = pair(n), [dx, dxj] = pair(n);
        be.actForward(act, y, x);
        js.actForward(act, yj, xj);
        close(`act ${act} forward`, y, yj, 1e-6, 1e-7);
        yj.set(y); // 1 - y² near |y| = 1 magnifies a last-bit difference in y
        for (const accumulate of [false, true]) {
          be.actBackward(act, dx, dy, y, accumulate);
          js.actBackward(act, dxj, dyj, yj, accumulate);
          close(`act ${act} backward`, dx, dxj, 1e-5, 1e-6);
        }
        be.actForward(act, x, x); // in place
        js.actForward(act, xj, xj);
        close(`act ${act} in place`, x, xj, 1e-6, 1e-7);
      }
    // tanh over its whole range, and the extremes of exp inside sigmoid
    const n = 4001, [x] = pair(n), y = be.alloc(n);
    for (let i = 0; i < n; i++) x[i] = (i - 2000) / 100;
    be.actForward(Act.tanh, y, x);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(y[i] - Math.tanh(x[i])) <= 4e-7 * Math.abs(Math.tanh(x[i])) + 1e-9, `tanh(${x[i]}) = ${y[i]}`);
  });

  test(`wasm ${variant}: LSTM and GRU cells, forward and backward`, () => {
    for (const [B, H] of [[1, 1], [2, 3], [3, 4], [2, 5], [4, 13], [32, 128]]) {
      const [gates, gatesj] = pair(B * 4 * H, 2), [cPrev, cPrevj] = pair(B * H), [c, cj] = pair(B * H), [tc, tcj] = pair(B * H), [h, hj] = pair(B * H);
      be.lstmForward(B, H, gates, cPrev, c, tc, h);
      js.lstmForward(B, H, gatesj, cPrevj, cj, tcj, hj);
      for (const [name, a, b] of [["gates", gates, gatesj], ["c", c, cj], ["tanhC", tc, tcj], ["h", h, hj]] as const) close(`lstm ${B}×${H} ${name}`, a, b, 2e-6, 1e-6);
      const [dg, dgj] = pair(B * 4 * H), [dh, dhj] = pair(B * H), [dc, dcj] = pair(B * H);
      be.lstmBackward(B, H, dg, dh, dc, gates, cPrev, tc);
      js.lstmBackward(B, H, dgj, dhj, dcj, gatesj, cPrevj, tcj);
      close(`lstm ${B}×${H} dGates`, dg, dgj, 1e-5, 1e-6);
      close(`lstm ${B}×${H} dc`, dc, dcj, 1e-5, 1e-6);

      const [gx, gxj] = pair(B * 3 * H, 2), [gh, ghj] = pair(B * 3 * H, 2), [hp, hpj] = pair(B * H), [h2, h2j] = pair(B * H);
      be.gruForward(B, H, gx, gh, hp, h2);
      js.gruForward(B, H, gxj, ghj, hpj, h2j);
      close(`gru ${B}×${H} rzn`, gx, gxj, 2e-6, 1e-6);
      close(`gru ${B}×${H} h`, h2, h2j, 2e-6, 1e-6);
      const [dgx, dgxj] = pair(B * 3 * H), [dgh, dghj] = pair(B * 3 * H), [dhp, dhpj] = pair(B * H), [dh2, dh2j] = pair(B * H);
      be.gruBackward(B, H, dgx, dgh, dhp, dh2, gx, gh, hp);
      js.gruBackward(B, H, dgxj, dghj, dhpj, dh2j, gxj, ghj, hpj);
      close(`gru ${B}×${H} dgx`, dgx, dgxj, 1e-5, 1e-6);
      close(`gru ${B}×${H} dgh`, dgh, dghj, 1e-5, 1e-6);
      close(`gru ${B}×${H} dhPrev`, dhp, dhpj, 1e-5, 1e-6);
    }
  });

  test(`wasm ${variant}: vanilla RNN time loops, forward and backward`, () => {
    for (const [T, B, H] of [[1, 1, 1], [5, 1, 7], [4, 3, 5], [3, 2, 16], [25, 1, 100], [3, 5, 12], [2, 3, 600]])
      for (const act of [Act.tanh, Act.relu]) {
        const n = B * H;
        // W_h scaled to be contractive, so float32 rounding does not grow over the T steps
        const [pre, prej] = pair(T * n), [Wh, Whj] = pair(H * H, 0.9 / Math.sqrt(H)), [hs, hsj] = pair((T + 1) * n);
        be.rnnForward(act, T, B, H, pre, Wh, hs);
        js.rnnForward(act, T, B, H, prej, Whj, hsj);
        close(`rnn ${T}×${B}×${H} pre`, pre, prej, 1e-4, 1e-5);
        close(`rnn ${T}×${B}×${H} hs`, hs, hsj, 1e-4, 1e-5);
        const [dOut, dOutj] = pair(T * n), [dPre, dPrej] = pair(T * n), [dh, dhj] = pair(n), [dhNext, dhNextj] = pair(n);
        const norms = new Float64Array(T), normsj = new Float64Array(T);
        be.rnnBackward(act, T, B, H, dOut, hs, Wh, dPre, dh, dhNext, norms);
        js.rnnBackward(act, T, B, H, dOutj, hsj, Whj, dPrej, dhj, dhNextj, normsj);
        close(`rnn ${T}×${B}×${H} dPre`, dPre, dPrej, 1e-4, 1e-5);
        close(`rnn ${T}×${B}×${H} dhNext`, dhNext, dhNextj, 1e-4, 1e-5);
        close(`rnn ${T}×${B}×${H} norms`, Float32Array.from(norms), normsj, 1e-4, 1e-5);
      }
  });

  // By hand: ∂L/∂h_t below the smallest normal float (2⁻¹²⁶ ≈ 1.18e-38) is flushed to zero in
  // the time loops (x86 computes on subnormals ~100× slower), normal values pass unchanged; so
  // is the LSTM's carried ∂L/∂c. (The JS reference keeps subnormals; the difference is < 2⁻¹²⁶.)
  test(`wasm ${variant}: the time loops flush subnormal ∂L/∂h and ∂L/∂c to zero`, () => {
    const H = 5, tiny = [1e-39, -3e-40, 2e-38, 1, -1e-30];
    const dOut = be.alloc(H), hs = be.alloc(2 * H), Wh = be.alloc(H * H), dPre = be.alloc(H), dh = be.alloc(H), dhNext = be.alloc(H), norms = new Float64Array(1);
    dOut.set(tiny); // hs = 0: tanh' = 1, so dPre = dh
    be.rnnBackward(Act.tanh, 1, 1, H, dOut, hs, Wh, dPre, dh, dhNext, norms);
    assert.deepEqual(Array.from(dPre), [0, 0, Math.fround(2e-38), 1, Math.fround(-1e-30)]);
    assert.equal(norms[0], Math.sqrt(Math.fround(2e-38) ** 2 + 1 + Math.fround(1e-30) ** 2));
    // LSTM cell, dh = 0: dc ← dc·f with f = 0.5
    const gates = be.alloc(4 * H), cPrev = be.alloc(H), tanhC = be.alloc(H), dc = be.alloc(H), dG = be.alloc(4 * H), zero = be.alloc(H);
    gates.fill(0.5);
    dc.set([2e-38, 3e-38, 1, 1e-30, -2.2e-38]);
    be.lstmBackward(1, H, dG, zero, dc, gates, cPrev, tanhC);
    assert.deepEqual(Array.from(dc), [0, Math.fround(Math.fround(3e-38) * 0.5), 0.5, Math.fround(Math.fround(1e-30) * 0.5), 0]);
  });

  test(`wasm ${variant}: layer norm, forward and backward`, () => {
    for (const cols of [1, 3, 4, 7, 512]) {
      const rows = 5;
      const [x, xj] = pair(rows * cols, 2), [g, gj] = pair(cols), [b, bj] = pair(cols), [y, yj] = pair(rows * cols);
      const [xh, xhj] = pair(rows * cols), [rs, rsj] = pair(rows);
      for (const accumulate of [false, true]) {
        be.layerNormForward(rows, cols, y, xh, rs, x, g, b, accumulate);
        js.layerNormForward(rows, cols, yj, xhj, rsj, xj, gj, bj, accumulate);
        close(`layernorm ${cols} y`, y, yj, 1e-5, 2e-5);
        close(`layernorm ${cols} x̂`, xh, xhj, 1e-5, 2e-5);
        close(`layernorm ${cols} rstd`, rs, rsj, 1e-5, 0);
      }
      const [dy, dyj] = pair(rows * cols), [dx, dxj] = pair(rows * cols), [dgm, dgmj] = pair(cols), [dbt, dbtj] = pair(cols);
      be.layerNormBackward(rows, cols, dx, dgm, dbt, dy, xh, rs, g);
      js.layerNormBackward(rows, cols, dxj, dgmj, dbtj, dyj, xhj, rsj, gj);
      close(`layernorm ${cols} dx`, dx, dxj, 1e-4, 1e-4);
      close(`layernorm ${cols} dγ`, dgm, dgmj, 1e-5, 1e-5);
      close(`layernorm ${cols} dβ`, dbt, dbtj, 1e-5, 1e-5);
    }
  });

  test(`wasm ${variant}: softmax cross-entropy and accuracy (ignored rows)`, () => {
    for (const cols of [1, 2, 5, 8, 65]) {
      const rows = 9, targets = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -1 : rng.int(cols)));
      const [logits, logitsj] = pair(rows * cols, 4), [d, dj] = pair(rows * cols);
      logits[0] = logitsj[0] = 80; // large logits must not overflow
      const loss = be.softmaxCrossEntropy(rows, cols, logits, targets, d, 0.125);
      const lossj = js.softmaxCrossEntropy(rows, cols, logitsj, targets, dj, 0.125);
      assert.ok(Math.abs(loss - lossj) <= 1e-6 * Math.abs(lossj) + 1e-6, `loss ${loss} vs ${lossj}`);
      close(`softmax ${cols} dlogits`, d, dj, 1e-5, 1e-8);
      assert.equal(be.countCorrect(rows, cols, logits, targets), js.countCorrect(rows, cols, logitsj, targets));
    }
  });

  test(`wasm ${variant}: optimizer steps`, () => {
    for (const n of [1, 6, 1003]) {
      const [w, wj] = pair(n), [g, gj] = pair(n), [a, aj] = pair(n, 1, true), [b, bj] = pair(n, 1, true);
      be.sgdStep(w, g, 0.1);
      js.sgdStep(wj, gj, 0.1);
      close("sgd", w, wj, 1e-6, 1e-7);
      be.momentumStep(w, g, a, 0.1, 0.9);
      js.momentumStep(wj, gj, aj, 0.1, 0.9);
      close("momentum w", w, wj, 1e-6, 1e-6);
      close("momentum v", a, aj, 1e-6, 1e-6);
      be.adagradStep(w, g, b, 0.1, 1e-8);
      js.adagradStep(wj, gj, bj, 0.1, 1e-8);
      close("adagrad w", w, wj, 1e-6, 1e-6);
      close("adagrad mem", b, bj, 1e-6, 1e-6);
      be.adamStep(w, g, a, b, 0.01, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3);
      js.adamStep(wj, gj, aj, bj, 0.01, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3);
      close("adam w", w, wj, 1e-6, 1e-6);
      close("adam m", a, aj, 1e-6, 1e-6);
      close("adam v", b, bj, 1e-6, 1e-6);
    }
  });

  // Against Adam's formula in float64 (not the JS kernel): from m = v = 0 the first step is
  // lr·g/(|g| + eps), ≈ lr·sign(g); then two more steps. With 1-β2 computed in
  // float32 (0.00099998713) every early step was 6.6e-6 too large in relative terms.
  test(`wasm ${variant}: adam matches its float64 formula to float32 precision, first step = lr·g/(|g| + eps)`, () => {
    const n = 7, lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const [w] = pair(n), [m] = pair(n), [v] = pair(n);
    for (const x of [w, m, v]) x.fill(0); // from w = 0 the steps are not lost in w's rounding
    const ref = { m: new Float64Array(n), v: new Float64Array(n) };
    for (let t = 1; t <= 3; t++) {
      const [g] = pair(n), before = Float64Array.from(w);
      be.adamStep(w, g, m, v, lr, b1, b2, eps, 1 - b1 ** t, 1 - b2 ** t);
      for (let i = 0; i < n; i++) {
        ref.m[i] = b1 * ref.m[i] + (1 - b1) * g[i];
        ref.v[i] = b2 * ref.v[i] + (1 - b2) * g[i] * g[i];
        const step = (lr * ref.m[i]) / (1 - b1 ** t) / (Math.sqrt(ref.v[i] / (1 - b2 ** t)) + eps);
        if (t === 1) assert.ok(Math.abs(step - (lr * g[i]) / (Math.abs(g[i]) + eps)) < 1e-15, `float64 first step ${step}`);
        const moved = before[i] - w[i];
        const tol = 1e-6 * Math.abs(step) + Math.abs(w[i]) * 2 ** -23; // float32 rounding of the kernel and of w
        assert.ok(Math.abs(moved - step) <= tol, `step ${t} [${i}]: ${moved} vs ${step} (relative ${((moved - step) / step).toExponential(2)})`);
      }
    }
  });

  test(`wasm ${variant}: arrays outside the memory go to the JS kernels`, () => {
    const A = new Float32Array([1, 2, 3, 4]), B = be.alloc(4), C = new Float32Array(4);
    B.set([1, 0, 0, 1]);
    be.gemm(2, 2, 2, A, B, C, false);
    assert.deepEqual([...C], [1, 2, 3, 4]);
  });
}

test("wasm: alloc past the reservation throws instead of growing the memory", () => {
  const be = createWasmBackend({ memoryMiB: 1 });
  if (!be) return;
  const x = be.alloc(1000);
  assert.throws(() => be.alloc(1 << 20), /reserved 1 MiB/);
  x[0] = 1; // earlier tensors stay valid
  assert.equal(x[0], 1);
});

test("kernels.generated.ts is what kernels.wat assembles to", () => {
  const script = fileURLToPath(new URL("../../../scripts/build-wasm.mjs", import.meta.url));
  const r = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

export type { Backend };
