import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoredSummary } from "../../sweeps/summary";
import { metricNote, metricNoteText } from "./sweep-notes";

const run = (state: "finished" | "running" | "queued" | "pruned", summary: StoredSummary) => ({ state, summary });

test("a finished sweep whose runs never logged its metric says so, naming what they logged", () => {
  const runs = [run("finished", { val_loss: 1.9, val_loss_best: 1.8, val_loss_best_step: 100, train_loss: 2, step: 200, runtime: 3, _runtime: 3 }), run("finished", { val_loss: 2.1, train_loss: 2.2 })];
  const note = metricNote(runs, "val_los", true);
  assert.deepEqual(note, { kind: "never", ended: 2, logged: ["train_loss", "val_loss"] });
  assert.equal(
    metricNoteText(note!, "val_los"),
    "This sweep never saw its metric val_los: none of its 2 runs logged it, so it has no best run, no importance, and its search and early termination had nothing to go on. They logged train_loss, val_loss.",
  );
  assert.equal(metricNote(runs, "val_los", false)?.kind, "not-yet", "still running: said as it stands");
});

test("no note while the metric is there, or before any run ended", () => {
  assert.equal(metricNote([run("finished", { val_loss: 1 }), run("finished", { train_loss: 2 })], "val_loss", true), null);
  assert.equal(metricNote([run("pruned", { val_acc_best: 0.9 })], "val_acc", true), null, "its best counts");
  assert.equal(metricNote([run("running", { train_loss: 2 }), run("queued", {})], "val_loss", false), null);
  assert.equal(metricNote([run("finished", { reward: "Infinity" })], "reward", true), null, "a metric that went to Infinity was logged");
});
