import assert from "node:assert/strict";
import test from "node:test";
import { columnGroup, columnLabel, defaultTableColumns, headerGroups, moveColumn, orderColumns } from "./curve-columns";

test("default columns: varying config in RunConfig order, headline metrics, curve-derived columns", () => {
  const cols = defaultTableColumns({ varying: ["learning_rate", "cell", "seed"], summary: ["val_loss", "train_loss", "lr"] }, { sweep: true, grouped: true });
  assert.deepEqual(cols, [
    "state", "created", "runtime",
    "config.cell", "config.learning_rate",
    "summary.val_loss", "summary.train_loss",
    "summary.val_loss_best", "summary.val_loss_best_step", "derived.train_val_gap", "derived.first_nonfinite_step",
  ]);
});

test("saturation (the lecture's diagnostic) is a headline column when runs have it", () => {
  const cols = defaultTableColumns({ varying: ["cell"], summary: ["val_loss", "saturation"] }, { sweep: true });
  assert.ok(cols.includes("summary.saturation"));
  assert.ok(!defaultTableColumns({ varying: ["cell"], summary: ["val_loss"] }, { sweep: true }).includes("summary.saturation"));
});

test("labels and groups", () => {
  assert.equal(columnLabel("derived.train_val_gap"), "train–val gap");
  assert.equal(columnLabel("config.dropout"), "dropout");
  assert.equal(columnGroup("derived.first_nonfinite_step"), "summary");
  assert.equal(columnGroup("runtime"), "run");
});

test("columns keep their groups together, in chosen order within each", () => {
  const cols = orderColumns(["summary.val_loss", "config.cell", "state", "config.dropout"]);
  assert.deepEqual(cols, ["state", "config.cell", "config.dropout", "summary.val_loss"]);
  assert.deepEqual(headerGroups(cols), [{ group: "run", span: 1 }, { group: "config", span: 2 }, { group: "summary", span: 1 }]);
  assert.deepEqual(moveColumn(cols, "config.dropout", -1), ["state", "config.dropout", "config.cell", "summary.val_loss"]);
  assert.deepEqual(moveColumn(cols, "config.cell", -1), cols, "cannot leave its group");
});
