import assert from "node:assert/strict";
import { test } from "node:test";
import { RunConfig } from "../config";
import { estimateShapes, taskSeqLength } from "../resources";
import { Rng } from "../rng";
import { delayedRecallBatch, delayedRecallLength, DelayedRecallTask, RECALL_WINDOW } from "./delayed_recall";

test("delayed_recall: a marker at a random step of the window, the symbol after it, the cue `delay` steps later; one target, at the cue", () => {
  const delay = 7, vocab = 5, B = 300, marker = vocab, cue = vocab + 1;
  const batch = delayedRecallBatch(delay, vocab, B, new Rng(1));
  const T = RECALL_WINDOW + delay + 1;
  assert.equal(batch.T, T);
  assert.equal(delayedRecallLength(delay), T);
  assert.equal(batch.targets.length, T * B);
  const onsets = new Set<number>(), symbols = new Set<number>();
  for (let b = 0; b < B; b++) {
    const at = (t: number) => batch.inputs[t * B + b];
    const markers = Array.from({ length: T }, (_, t) => t).filter((t) => at(t) === marker);
    const cues = Array.from({ length: T }, (_, t) => t).filter((t) => at(t) === cue);
    assert.equal(markers.length, 1);
    assert.equal(cues.length, 1);
    const q = markers[0];
    assert.ok(q < RECALL_WINDOW);
    assert.equal(cues[0], q + 1 + delay, "exactly `delay` steps from the symbol to the cue");
    const targets = Array.from({ length: T }, (_, t) => batch.targets[t * B + b]);
    assert.deepEqual(targets.filter((y) => y >= 0), [at(q + 1)], "the answer is the marked symbol, at the cue only");
    assert.equal(targets[q + 1 + delay], at(q + 1));
    // every other input is a distractor from the same alphabet as the symbol
    for (let t = 0; t < T; t++) if (t !== q && t !== cues[0]) assert.ok(at(t) >= 0 && at(t) < vocab);
    onsets.add(q);
    symbols.add(at(q + 1));
  }
  assert.equal(onsets.size, RECALL_WINDOW, "every onset of the window occurs");
  assert.equal(symbols.size, vocab);
});

test("delayed_recall: model shape, sequence length and the gradient-flow probe (cue on the last step)", () => {
  const config = RunConfig.parse({ task: "delayed_recall", delay: 12, vocab_size: 6, batch_size: 4 });
  const task = new DelayedRecallTask(config);
  assert.deepEqual(task.model, { kind: "seq", vocab: 8, classes: 6, head: "many_to_many" });
  assert.deepEqual(estimateShapes(config).model, task.model);
  assert.equal(taskSeqLength(config), task.evalBatches()[0].T);
  const { batch, marks } = task.gradFlowProbe();
  assert.equal(batch.T, taskSeqLength(config));
  const T = batch.T, B = batch.B;
  for (let b = 0; b < B; b++) {
    assert.equal(batch.inputs[(T - 1) * B + b], 7, "the cue is the last step");
    assert.ok(batch.targets[(T - 1) * B + b] >= 0);
  }
  assert.deepEqual(marks, [{ t: T - 12, label: "symbol to remember" }, { t: T, label: "cue" }]);
  assert.equal(batch.inputs[(T - 13 - 1) * B], 6, "the marker just before the symbol");
  assert.equal(RunConfig.safeParse({ task: "delayed_recall", delay: 0 }).success, false, "the cue cannot sit on the symbol");
});
