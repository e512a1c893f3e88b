import assert from "node:assert/strict";
import { test } from "node:test";
import { colorValue, DEFAULT_SCATTER, parseScatter, rectangleBrush, resolveAxes, scatterFields, scatterPoints, setScatterParams } from "./scatter";
import { brushedRunIds, type SweepRunLike } from "./sweep-parcoords";
import { sweepModel } from "./sweep-view";

const run = (i: number, lr: number, cell: string, val: number | null, acc: number): SweepRunLike => ({
  id: `r${i}`,
  name: `run-${i}`,
  state: "finished",
  params: { learning_rate: lr, cell },
  config: { learning_rate: lr, cell, seed: i },
  summary: { ...(val === null ? {} : { val_loss: val, val_loss_best: val }), val_acc: acc, step: 100 * i, runtime: 2 * i, _runtime: 2 * i },
});
const runs = [run(1, 0.001, "rnn", 1.5, 0.2), run(2, 0.01, "lstm", 0.9, 0.6), run(3, 0.1, "gru", 0.4, 0.9), run(4, 1, "rnn", null, 0.1)];
const sweep = { metricName: "val_loss", config: { parameters: { learning_rate: { values: [0.001, 0.01, 0.1, 1] }, cell: { values: ["rnn", "lstm", "gru"] } } } };
const model = sweepModel(runs, sweep);

test("fields: numeric swept parameters, then summary metrics; the default is the slice plot of the first parameter against the metric", () => {
  const fields = scatterFields(runs, model);
  assert.deepEqual(fields.filter((f) => f.kind === "param").map((f) => f.key), ["learning_rate"], "cell is categorical");
  assert.deepEqual(fields.filter((f) => f.kind === "metric").map((f) => f.key), ["runtime", "step", "val_acc", "val_loss", "val_loss_best"]);
  assert.deepEqual(resolveAxes(DEFAULT_SCATTER, fields, model.metricKey), { x: "learning_rate", y: model.metricKey });
  assert.deepEqual(resolveAxes({ ...DEFAULT_SCATTER, x: "val_acc", y: "nope" }, fields, model.metricKey), { x: "val_acc", y: model.metricKey });
});

test("points are the stored values, one per run with both; log axes drop values at or below zero", () => {
  assert.deepEqual(
    scatterPoints(runs, "val_acc", "val_loss", { color: "step", logX: false, logY: false }).map((p) => [p.runId, p.x, p.y, p.c]),
    [["r1", 0.2, 1.5, 100], ["r2", 0.6, 0.9, 200], ["r3", 0.9, 0.4, 300]],
  );
  const withZero = [...runs, { ...run(5, 0, "rnn", 0.5, 0), summary: { val_loss: 0.5, val_acc: 0 } }];
  assert.deepEqual(scatterPoints(withZero, "learning_rate", "val_loss", { color: "none", logX: true, logY: false }).map((p) => p.runId), ["r1", "r2", "r3"]);
  assert.equal(colorValue(runs[1], "time"), 4);
  assert.equal(colorValue(runs[1], "none"), null);
  assert.equal(colorValue({ ...runs[1], summary: {}, lastStep: 250 }, "step"), 250, "the run's last step where its summary has none");
});

test("a rectangle is a brush on both fields: the table keeps the runs inside it, any metric included", () => {
  const brush = rectangleBrush({ cell: [[0, 1]] }, "val_acc", "val_loss", [0.95, 0.5], [0.3, 1]);
  assert.deepEqual(brush, { cell: [[0, 1]], val_acc: [[0.5, 0.95]], val_loss: [[0.3, 1]] });
  assert.deepEqual([...brushedRunIds(runs, model, { val_acc: [[0.5, 0.95]], val_loss: [[0.3, 1]] })], ["r2", "r3"]);
  assert.deepEqual([...brushedRunIds(runs, model, { val_acc: [[0.5, 0.95]] })], ["r2", "r3"], "val_acc is no parallel axis: filtered all the same");
  assert.equal(brushedRunIds(runs, model, { no_such_metric: [[0, 1]] }).size, runs.length, "a field no run has filters nothing");
});

test("the scatter's settings round-trip through the URL, defaults left out", () => {
  const params = new URLSearchParams("other=1");
  const s = { x: "learning_rate", y: "val/loss", color: "time" as const, logX: true, logY: false };
  setScatterParams(params, s);
  assert.equal(params.toString(), "other=1&sx=learning_rate&sy=val%2Floss&sc=time&slog=x");
  assert.deepEqual(parseScatter(params, () => true), s);
  const empty = new URLSearchParams("sx=a&sc=step");
  setScatterParams(empty, DEFAULT_SCATTER);
  assert.equal(empty.toString(), "");
  assert.deepEqual(parseScatter(new URLSearchParams("sx=bad key&sc=colour"), (k) => !k.includes(" ")), DEFAULT_SCATTER);
});
