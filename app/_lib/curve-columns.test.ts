import assert from "node:assert/strict";
import test from "node:test";
import { columnGroup, columnLabel, defaultTableColumns, filterFields, headerGroups, moveColumn, orderColumns } from "./curve-columns";

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

test("the filter builder offers the columns the runs have, and starts on best val_loss or else on their own first metric", () => {
  // engine runs: best val_loss first, every curve-derived column
  const engine = filterFields({ config: ["dropout", "cell"], summary: ["val_loss", "train_loss", "val_loss_best", "val_loss_best_step", "val_acc"] });
  assert.equal(engine.start, "summary.val_loss_best");
  assert.deepEqual(engine.fields, [
    "name", "state", "runtime", "step",
    "summary.val_loss_best", "summary.val_loss_best_step", "derived.train_val_gap", "derived.first_nonfinite_step",
    "summary.val_loss", "summary.train_loss", "summary.val_acc",
    "config.dropout", "config.cell",
  ]);
  // another program's runs: no val_loss, so no best val_loss, best step or train-val gap; it
  // starts on their first held-out metric (it started on "best val_loss", which no run has)
  const program = filterFields({ config: ["lr"], summary: ["train/loss", "val/acc", "val/acc_best", "val/acc_best_step", "val/loss"] });
  assert.equal(program.start, "summary.val/acc");
  assert.deepEqual(program.fields, ["name", "state", "runtime", "step", "derived.first_nonfinite_step", "summary.train/loss", "summary.val/acc", "summary.val/acc_best", "summary.val/acc_best_step", "summary.val/loss", "config.lr"]);
  assert.ok(program.fields.includes(program.start));
  // runs that logged nothing: the name
  assert.deepEqual(filterFields({ config: [], summary: [] }), { fields: ["name", "state", "runtime", "step", "derived.first_nonfinite_step"], start: "name" });
});
