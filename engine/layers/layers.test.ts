import assert from "node:assert/strict";
import { test } from "node:test";
import { dot, gradCheck, randomFill, type GradCheckOptions } from "../gradcheck";
import { createJsBackend } from "../kernels/js";
import { ParamSet } from "../params";
import { Rng } from "../rng";
import { Dropout } from "./dropout";
import { Embedding } from "./embedding";
import { GruLayer } from "./gru";
import { LayerNorm } from "./layernorm";
import { Linear } from "./linear";
import { LstmLayer } from "./lstm";
import type { RecurrentLayer } from "./recurrent";
import { RnnLayer } from "./rnn";
import { runConfigShape } from "../config";

// Every layer against central differences, in float64 (see gradcheck.ts).
const be = createJsBackend({ float64: true });

function expectGradients(name: string, o: GradCheckOptions): void {
  const r = gradCheck(o);
  assert.ok(r.checked > 0);
  assert.deepEqual(r.failures.slice(0, 3), [], `${name}: ${r.failures.length} gradients disagree (max rel error ${r.maxRelError})`);
}

/** Params with random values (biases and gains too, so every term is exercised). */
function randomParams(params: ParamSet, rng: Rng): void {
  params.allocate(be);
  randomFill(params.w, rng, 0.5);
}

const wrtParams = (params: ParamSet) => params.list.map((p) => ({ name: p.name, value: p.w, grad: p.g }));
const tensor = (n: number, rng: Rng, std = 1) => randomFill(be.alloc(n), rng, std);

test("linear: dW, db, dX", () => {
  const rng = new Rng(1), params = new ParamSet();
  const lin = new Linear(be, params, "fc", 5, 3);
  randomParams(params, rng);
  const rows = 4, X = tensor(rows * 5, rng), dX = be.alloc(rows * 5), Y = be.alloc(rows * 3), R = tensor(rows * 3, rng);
  expectGradients("linear", {
    loss: () => (lin.forward(rows, X, Y), dot(Y, R)),
    backward: () => lin.backward(rows, X, R, dX),
    wrt: [...wrtParams(params), { name: "X", value: X, grad: dX }],
  });
});

test("embedding: dE", () => {
  const rng = new Rng(2), params = new ParamSet();
  const emb = new Embedding(be, params, "embed", 6, 4);
  randomParams(params, rng);
  const tokens = new Int32Array([0, 3, 3, 5, 1]), X = be.alloc(5 * 4), R = tensor(5 * 4, rng);
  expectGradients("embedding", {
    loss: () => (emb.forward(tokens, X), dot(X, R)),
    backward: () => emb.backward(tokens, R),
    wrt: wrtParams(params),
  });
});

test("layer norm: dγ, dβ, dx", () => {
  const rng = new Rng(3), params = new ParamSet();
  const ln = new LayerNorm(be, params, "ln", 7);
  randomParams(params, rng);
  const rows = 3, x = tensor(rows * 7, rng, 2), dx = be.alloc(rows * 7), y = be.alloc(rows * 7), R = tensor(rows * 7, rng);
  const cache = ln.cache(rows);
  expectGradients("layernorm", {
    loss: () => (ln.forward(rows, x, y, cache), dot(y, R)),
    backward: () => ln.backward(rows, R, dx, cache),
    wrt: [...wrtParams(params), { name: "x", value: x, grad: dx }],
  });
});

test("dropout: gradient through a fixed mask; the mask keeps 1-p of the units scaled by 1/(1-p)", () => {
  const rng = new Rng(4), drop = new Dropout(be, 0.3), n = 4000;
  const x = tensor(n, rng), y = be.alloc(n), dx = be.alloc(n), mask = be.alloc(n), R = tensor(n, rng);
  drop.sampleMask(mask, rng);
  const kept = mask.filter((m) => m !== 0);
  assert.ok(kept.every((m) => m === 1 / 0.7));
  assert.ok(Math.abs(kept.length / n - 0.7) < 0.03);
  expectGradients("dropout", {
    loss: () => (drop.forward(x, y, mask), dot(y, R)),
    backward: () => drop.backward(R, dx, mask),
    wrt: [{ name: "x", value: x, grad: dx }],
  });
});

test("softmax cross-entropy: dlogits (ignored rows get none)", () => {
  const rng = new Rng(5), rows = 4, cols = 6;
  const logits = tensor(rows * cols, rng, 3), dlogits = be.alloc(rows * cols), scratch = be.alloc(rows * cols);
  const targets = new Int32Array([2, -1, 0, 5]);
  expectGradients("softmax-ce", {
    loss: () => be.softmaxCrossEntropy(rows, cols, logits, targets, scratch, 1 / 3) / 3,
    backward: () => dlogits.set(scratch),
    wrt: [{ name: "logits", value: logits, grad: dlogits }],
  });
  assert.ok(dlogits.subarray(cols, 2 * cols).every((v) => v === 0));
});

type CellFactory = (params: ParamSet, opts: { inputSize: number; hidden: number; tokenInput: boolean; layernorm: boolean }) => RecurrentLayer;
const cells: [string, CellFactory][] = [
  ["rnn tanh", (p, o) => new RnnLayer(be, p, "rnn", { ...o, activation: "tanh" })],
  ["rnn relu", (p, o) => new RnnLayer(be, p, "rnn", { ...o, activation: "relu" })],
  ["lstm", (p, o) => new LstmLayer(be, p, "lstm", o)],
  ["gru", (p, o) => new GruLayer(be, p, "gru", o)],
];

for (const [cellName, make] of cells)
  for (const layernorm of [false, true])
    for (const tokenInput of [false, true])
      test(`${cellName}${layernorm ? " + layernorm" : ""}${tokenInput ? ", one-hot input" : ""}: BPTT gradients of weights, inputs and h0`, () => {
        const rng = new Rng(6), params = new ParamSet(), T = 5, B = 3, D = 4, H = 3;
        const layer = make(params, { inputSize: D, hidden: H, tokenInput, layernorm });
        randomParams(params, rng);
        const x = tokenInput ? Int32Array.from({ length: T * B }, () => rng.int(D)) : tensor(T * B * D, rng);
        const h0 = tensor(B * H, rng, 0.5), c0 = tensor(B * H, rng, 0.5), dh0 = be.alloc(B * H);
        const R = tensor(T * B * H, rng);
        let dX: Float32Array | null = null;
        const dXsink = be.alloc(T * B * D);
        expectGradients(`${cellName} layer`, {
          loss: () => {
            const state = { h: Float64Array.from(h0) as unknown as Float32Array, c: layer.cell === "lstm" ? (Float64Array.from(c0) as unknown as Float32Array) : null };
            return dot(layer.forward(T, B, x, state, true), R);
          },
          backward: () => {
            dX = layer.backward(R);
            if (dX) dXsink.set(dX);
            dh0.set(layer.last!.dhNext);
          },
          wrt: [
            ...wrtParams(params),
            ...(tokenInput ? [] : [{ name: "x", value: x as Float32Array, grad: dXsink }]),
            { name: "h0", value: h0, grad: dh0 },
          ],
        });
      });

// What `layernorm` normalises (config.ts says so): the gate pre-activations, G·H wide, the input
// and recurrent terms apart — not the hidden state. One LSTM step from h_0 = 0, recomputed by
// hand in float64: pre = LN(x·W_x) + b + β_h (LN_h of the zero recurrent term is its β), then the cell.
test("layernorm acts on an LSTM's 4H gate pre-activations, not on its hidden state (by hand)", () => {
  const rng = new Rng(12), params = new ParamSet(), I = 3, H = 2, B = 2;
  const lstm = new LstmLayer(be, params, "l", { inputSize: I, hidden: H, tokenInput: false, layernorm: true });
  randomParams(params, rng);
  lstm.lnX!.gamma.w.fill(1);
  lstm.lnX!.beta.w.fill(0);
  assert.equal(lstm.lnX!.gamma.size, 4 * H);
  assert.match(runConfigShape.layernorm.description ?? "", /gates.*pre-activations|pre-activations.*gates/);
  const x = tensor(B * I, rng), state = { h: be.alloc(B * H), c: be.alloc(B * H) };
  const h1 = lstm.forward(1, B, x, state, true);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  for (let b = 0; b < B; b++) {
    const xw = Array.from({ length: 4 * H }, (_, j) => {
      let s = 0;
      for (let k = 0; k < I; k++) s += x[b * I + k] * lstm.Wx.w[k * 4 * H + j];
      return s;
    });
    const mean = xw.reduce((a, v) => a + v, 0) / xw.length;
    const variance = xw.reduce((a, v) => a + (v - mean) ** 2, 0) / xw.length;
    const pre = xw.map((v, j) => (v - mean) / Math.sqrt(variance + 1e-5) + lstm.b.w[j] + lstm.lnH!.beta.w[j]);
    for (let j = 0; j < H; j++) {
      const c = sigmoid(pre[j]) * Math.tanh(pre[2 * H + j]);
      const h = sigmoid(pre[3 * H + j]) * Math.tanh(c);
      assert.ok(Math.abs(h1[b * H + j] - h) < 1e-12, `h[${b}][${j}] ${h1[b * H + j]} vs ${h}`);
    }
  }
});
