import assert from "node:assert/strict";
import { test } from "node:test";
import { initParams } from "./init";
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
    initParams(model.params, "orthogonal", 1, new Rng(1));
    for (const p of model.params.list) {
      if (p.role.kind !== "weight") continue;
      assertOrthonormal(`${embeddingDim}: ${p.name}`, p.w, p.shape[0], p.shape[1]);
    }
  }
});
