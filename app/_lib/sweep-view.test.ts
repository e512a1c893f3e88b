import { DEFAULT_SCATTER } from "./scatter";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SweepRunLike } from "./sweep-parcoords.ts";
import { withLiveValues } from "./sweep-progress.ts";
import type { SortableRun } from "./sweep-table.ts";
import { effectiveSort, loggedMetrics, parseSweepView, shownRuns, sweepModel, sweepViewSearch } from "./sweep-view.ts";

const run = (i: number, dropout: number, val: number | null, state = "finished"): SweepRunLike & SortableRun => ({
  id: `r${i}`,
  name: `run-${i}`,
  state,
  index: i,
  lastStep: 10,
  runtime: 1,
  params: { dropout },
  config: { task: "charlm", dropout, seed: i },
  summary: val === null ? ({} as Record<string, number>) : { val_loss: val, val_loss_best: val, train_loss: val + 0.1, val_loss_best_step: 10, step: 10, runtime: 2, _runtime: 2 },
});
const sweep = { metricName: "val_loss", config: { parameters: { dropout: { values: [0, 0.25, 0.5] } } } };

test("the sweep page's view round-trips through its URL, W&B-style names included", () => {
  const view = { order: ["val_loss_best", "dropout"], brush: { dropout: [[0.25, 0.5]] as [number, number][], "val/loss": [[1, 2]] as [number, number][] }, sort: { field: "summary.eval/acc@1", desc: true }, curves: "eval/acc@1", scatter: { x: "dropout", y: "val/loss", color: "step" as const, logX: false, logY: true }, hist: "val/loss" };
  const search = sweepViewSearch(view, "other=1");
  assert.match(search, /^other=1&/, "other parameters are kept");
  assert.deepEqual(parseSweepView(new URLSearchParams(search)), view);
  assert.equal(sweepViewSearch({ order: [], brush: {}, sort: null, curves: null, scatter: DEFAULT_SCATTER, hist: null }, "axes=a&brush=x:1:2&sort=name&curves=m&sx=a&slog=x&hist=m"), "", "defaults leave the URL");
  assert.deepEqual(parseSweepView(new URLSearchParams("curves=bad  metric&sort=config.x;y")), { order: [], brush: {}, sort: { field: "index", desc: false }, curves: null, scatter: DEFAULT_SCATTER, hist: null });
});

test("what the view shows (and export shown writes): the brushed runs in the table's order", () => {
  const runs = [run(0, 0, 2), run(1, 0.25, 1.5), run(2, 0.5, 1.8), run(3, 0.5, null, "running"), run(4, 0.5, 1.2)];
  const model = sweepModel(runs, sweep);
  const view = parseSweepView(new URLSearchParams("brush=dropout:0.25:0.5"));
  assert.deepEqual(shownRuns(runs, model, view, "minimize").map((r) => r.id), ["r4", "r1", "r2", "r3"], "best first by default, no value last");
  assert.deepEqual(shownRuns(runs, model, { ...view, sort: { field: "name", desc: true } }, "minimize").map((r) => r.id), ["r4", "r3", "r2", "r1"]);
  assert.deepEqual(shownRuns(runs, model, parseSweepView(new URLSearchParams("")), "minimize").map((r) => r.id), ["r4", "r1", "r2", "r0", "r3"]);
});

test("the curves panel offers the metrics the runs logged, the sweep's metric first", () => {
  assert.deepEqual(loggedMetrics([run(0, 0, 1), { summary: { "eval/acc@1": 0.5, "eval/acc@1_best": 0.5, val_acc_first_nonfinite_step: 3 } }], "val_loss"), ["val_loss", "eval/acc@1", "train_loss"]);
});

test("running runs show the progress poll's step and metric; unchanged lists keep their identity", () => {
  const runs = [run(0, 0, 2), run(1, 0.25, 1.5, "running")];
  assert.equal(withLiveValues(runs, []), runs);
  assert.equal(withLiveValues(runs, [{ id: "r1", lastStep: 10, summary: { val_loss: 1.5, val_loss_best: 1.5, val_loss_best_step: 10 } }]), runs, "nothing new");
  const live = withLiveValues(runs, [{ id: "r1", lastStep: 30, summary: { val_loss: 1.2, val_loss_best: 1.2, val_loss_best_step: 30 } }]);
  assert.notEqual(live, runs);
  assert.equal(live[0], runs[0]);
  assert.equal(live[1].lastStep, 30);
  assert.equal(live[1].summary.val_loss_best, 1.2);
  assert.equal(live[1].summary.train_loss, 1.6, "the rest of the summary stays");
  // the chart and the table read the same run list: the line's metric is the table's
  const model = sweepModel(live, sweep);
  assert.equal(model.rows.find((r) => r.runId === "r1")!.values.at(-1), 1.2);
});

test("the table's default sort: best first by the metric, or, for a sweep of none, the order the runs were made", () => {
  const view = parseSweepView(new URLSearchParams());
  assert.deepEqual(effectiveSort(view, "val_loss_best", "minimize"), { field: "summary.val_loss_best", desc: false });
  assert.deepEqual(effectiveSort(view, "acc", "maximize"), { field: "summary.acc", desc: true });
  assert.deepEqual(effectiveSort(view, "", "minimize"), { field: "index", desc: false });
});
