import assert from "node:assert/strict";
import { test } from "node:test";
import { initParams, lstmGateBiases } from "./init";
import { createJsBackend } from "./kernels/js";
import { Rng } from "./rng";
import { SeqModel, type SeqModelSpec } from "./seqmodel";

const be = createJsBackend({ float64: true });

/** Gram matrix of the rows (rows ≤ cols) or of the columns (rows > cols) of w [rows × cols]. */
function gram(w: ArrayLike<number>, rows: number, cols: number): number[][] {
  const k = Math.min(rows, cols);
  const at = (a: number, i: number) => (rows <= cols ? w[a * cols + i] : w[i * cols + a]);
  const n = Math.max(rows, cols);
  return Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += at(a, i) * at(b, i);
    return s;
  }));
}

function assertOrthonormal(name: string, w: ArrayLike<number>, rows: number, cols: number): void {
  gram(w, rows, cols).forEach((row, a) => row.forEach((v, b) => assert.ok(Math.abs(v - (a === b ? 1 : 0)) < 1e-6, `${name} [${rows}×${cols}] gram[${a}][${b}] = ${v}`)));
  // hence ‖W‖²_F = min(rows, cols) (a table orthogonalised as one row had ‖W‖_F = 1)
  let frob = 0;
  for (let i = 0; i < rows * cols; i++) frob += w[i] * w[i];
  assert.ok(Math.abs(frob - Math.min(rows, cols)) < 1e-5, `${name}: ‖W‖²_F = ${frob}, want ${Math.min(rows, cols)}`);
}

// torch.nn.init.orthogonal_ takes a tensor as [shape[0] × rest]: a token table is [vocab × dim]
// whatever fan-in its Xavier/Kaiming std uses (1 for a lookup).
test("orthogonal init: token tables (embedding, one-hot input weights) are [vocab × cols] like every matrix", () => {
  const spec: SeqModelSpec = { vocab: 7, classes: 5, cell: "lstm", activation: "tanh", hidden: 6, layers: 2, embeddingDim: 3, dropout: 0, layernorm: false, learnedH0: false, head: "many_to_many" };
  for (const embeddingDim of [3, 0, 40]) {
    const model = new SeqModel(be, { ...spec, embeddingDim });
    initParams(model.params, { init: "orthogonal", init_std: 1, forget_bias: "one", horizon: 8 }, new Rng(1));
    for (const p of model.params.list) {
      if (p.role.kind !== "weight") continue;
      assertOrthonormal(`${embeddingDim}: ${p.name}`, p.w, p.shape[0], p.shape[1]);
    }
  }
});

test("LSTM gate biases: chrono is b_f = ln(1 + (T-2)u), b_i = -b_f, g and o zero; one is b_f = 1", () => {
  const H = 50, T = 41, b = new Float64Array(4 * H) as unknown as Float32Array;
  lstmGateBiases(b, H, { forget_bias: "chrono", horizon: T }, new Rng(3));
  const u = new Rng(3);
  for (let j = 0; j < H; j++) {
    const bf = Math.log(1 + (T - 2) * u.uniform());
    assert.ok(Math.abs(b[H + j] - bf) < 1e-12, `b_f[${j}] ${b[H + j]} vs ${bf}`);
    assert.equal(b[j], -b[H + j]);
    assert.equal(b[2 * H + j], 0);
    assert.equal(b[3 * H + j], 0);
    // forgetting time 1/(1 − σ(b_f)) = 1 + e^{b_f}: from 2 to T steps, the horizon
    const time = 1 / (1 - 1 / (1 + Math.exp(-b[H + j])));
    assert.ok(time >= 2 - 1e-9 && time <= T + 1e-9, `forgetting time ${time}`);
  }
  lstmGateBiases(b, H, { forget_bias: "one", horizon: T }, new Rng(3));
  for (let j = 0; j < 4 * H; j++) assert.equal(b[j], j >= H && j < 2 * H ? 1 : 0);
  // a horizon of 1 or 2 leaves no room: b_f = ln 1 = 0
  lstmGateBiases(b, H, { forget_bias: "chrono", horizon: 1 }, new Rng(3));
  assert.ok(Array.from(b).every((x) => x === 0));
});
