import assert from "node:assert/strict";
import { test } from "node:test";
import { gradCheck, randomFill } from "./gradcheck";
import { createJsBackend } from "./kernels/js";
import { Mlp } from "./mlp";
import type { Batch, Model } from "./model";
import { Rng } from "./rng";
import { SeqModel, type SeqModelSpec } from "./seqmodel";
import { handBuiltRepeatedOnes, repeatedOnesBatch } from "./tasks/repeated_ones";

// Whole models against central differences (float64), with dropout (the same mask at every
// evaluation: the RNG is re-seeded), layer norm, a learned h0, both heads, stacked layers.
const be = createJsBackend({ float64: true });

function checkModel(name: string, model: Model, batch: Batch, samples = 25): void {
  randomFill(model.params.w, new Rng(11), 0.4);
  const loss = () => {
    const r = model.forward(batch, "train", true, new Rng(99));
    return r.lossSum / r.count;
  };
  const result = gradCheck({
    loss,
    backward: () => model.backward(),
    wrt: model.params.list.map((p) => ({ name: p.name, value: p.w, grad: p.g })),
    samples,
  });
  assert.deepEqual(result.failures.slice(0, 3), [], `${name}: ${result.failures.length} of ${result.checked} gradients disagree`);
}

function tokenBatch(T: number, B: number, vocab: number, classes: number, manyToOne: boolean, seed: number): Batch {
  const rng = new Rng(seed);
  const inputs = Int32Array.from({ length: T * B }, () => rng.int(vocab));
  const targets = Int32Array.from({ length: manyToOne ? B : T * B }, () => rng.int(classes));
  if (!manyToOne) targets[1] = -1; // an ignored position
  return { T, B, inputs, targets, reset: true };
}

const base: SeqModelSpec = {
  vocab: 5, classes: 5, cell: "lstm", activation: "tanh", hidden: 4, layers: 2, embeddingDim: 3,
  dropout: 0.25, layernorm: true, learnedH0: true, head: "many_to_many",
};

for (const cell of ["rnn", "lstm", "gru"] as const)
  test(`whole ${cell} model (2 layers, embedding, layer norm, dropout, learned h0, many-to-many)`, () => {
    checkModel(cell, new SeqModel(be, { ...base, cell }), tokenBatch(4, 3, 5, 5, false, 1));
  });

// 4·3 rows > vocab 5 above: layer 0 folds the embedding (E·W_x gathered); here 2·2 ≤ 5: not folded
test("whole lstm model, embedding not folded into layer 0 (T·B ≤ vocab)", () => {
  checkModel("unfolded", new SeqModel(be, base), tokenBatch(2, 2, 5, 5, false, 3));
});

test("whole model: one-hot input, relu RNN, many-to-one head, 3 layers", () => {
  const spec = { ...base, cell: "rnn", activation: "relu", embeddingDim: 0, layers: 3, classes: 3, head: "many_to_one", layernorm: false } as const;
  checkModel("many-to-one", new SeqModel(be, spec), tokenBatch(6, 2, 5, 3, true, 2));
});

test("whole MLP (layer norm, dropout, tanh and relu)", () => {
  for (const activation of ["tanh", "relu"] as const) {
    const model = new Mlp(be, { inputs: 2, hidden: 5, classes: 4, activation, layernorm: true, dropout: 0.2 });
    const rng = new Rng(3), B = 6;
    const inputs = be.alloc(B * 2);
    randomFill(inputs, rng);
    checkModel(`mlp ${activation}`, model, { T: 1, B, inputs, targets: Int32Array.from({ length: B }, () => rng.int(4)), reset: true }, 40);
  }
});

test("hand-built repeated-ones RNN: hidden state is exactly [current, previous, 1] and the output exactly the target", () => {
  const model = handBuiltRepeatedOnes(createJsBackend());
  const B = 4, T = 30;
  const batch = repeatedOnesBatch(T, B, new Rng(5));
  const r = model.forward(batch, "eval", false, null);
  const hs = model.layers[0].last!.hs, logits = model.logits;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const current = batch.inputs[t * B + b], previous = t > 0 ? batch.inputs[(t - 1) * B + b] : 0;
      const row = (t + 1) * B + b;
      assert.deepEqual(Array.from(hs.subarray(row * 3, row * 3 + 3)), [current, previous, 1]);
      const y = Math.max(0, logits[(t * B + b) * 2 + 1]); // the lecture's output unit
      assert.equal(y, batch.targets[t * B + b]);
    }
  assert.equal(r.correct, T * B);
});

test("float64 and float32 backends agree on a forward pass", () => {
  const spec = { ...base, dropout: 0 };
  const m64 = new SeqModel(be, spec), m32 = new SeqModel(createJsBackend(), spec);
  randomFill(m64.params.w, new Rng(4), 0.4);
  m32.params.w.set(m64.params.w);
  const batch = tokenBatch(5, 2, 5, 5, false, 3);
  const a = m64.forward(batch, "s", false, null), b = m32.forward(batch, "s", false, null);
  assert.ok(Math.abs(a.lossSum - b.lossSum) < 1e-5 * a.lossSum);
});
