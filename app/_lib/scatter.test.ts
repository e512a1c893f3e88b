import assert from "node:assert/strict";
import { test } from "node:test";
import { AXIS_PAD, axisRoom, logAxis, brushRectangle, colorValue, DEFAULT_SCATTER, fieldOf, isLogAxis, JITTER, jitterOf, parseScatter, rectangleBrush, resolveAxes, scatterFields, scatterPoints, setScatterParams } from "./scatter";
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
const fields = scatterFields(runs, model);
const field = (key: string) => fieldOf(fields, key);

test("fields: swept parameters (categorical ones with the parallel axis's categories), then summary metrics; the default is the slice plot of the first numeric parameter against the metric", () => {
  assert.deepEqual(fields.filter((f) => f.kind === "param").map((f) => f.key), ["learning_rate", "cell"]);
  assert.deepEqual(field("cell").categories, ["rnn", "lstm", "gru"], "the engine's order of cells, as on the parallel axis");
  assert.deepEqual(field("cell").categories, model.axes.find((a) => a.key === "cell")!.categories);
  assert.equal(field("learning_rate").categories, undefined);
  assert.deepEqual(fields.filter((f) => f.kind === "metric").map((f) => f.key), ["runtime", "step", "val_acc", "val_loss", "val_loss_best"]);
  assert.deepEqual(resolveAxes(DEFAULT_SCATTER, fields, model.metricKey), { x: "learning_rate", y: model.metricKey });
  assert.deepEqual(resolveAxes({ ...DEFAULT_SCATTER, x: "val_acc", y: "nope" }, fields, model.metricKey), { x: "val_acc", y: model.metricKey });
});

test("points are the stored values, one per run with both; log axes drop values at or below zero", () => {
  assert.deepEqual(
    scatterPoints(runs, field("val_acc"), field("val_loss"), { color: "step", logX: false, logY: false }).map((p) => [p.runId, p.x, p.y, p.c]),
    [["r1", 0.2, 1.5, 100], ["r2", 0.6, 0.9, 200], ["r3", 0.9, 0.4, 300]],
  );
  const withZero = [...runs, { ...run(5, 0, "rnn", 0.5, 0), summary: { val_loss: 0.5, val_acc: 0 } }];
  assert.deepEqual(scatterPoints(withZero, field("learning_rate"), field("val_loss"), { color: "none", logX: true, logY: false }).map((p) => p.runId), ["r1", "r2", "r3"]);
  assert.equal(colorValue(runs[1], "time"), 4);
  assert.equal(colorValue(runs[1], "none"), null);
  assert.equal(colorValue({ ...runs[1], summary: {}, lastStep: 250 }, "step"), 250, "the run's last step where its summary has none");
});

test("a rectangle is a brush on both fields: the table keeps the runs inside it, any metric included", () => {
  const brush = rectangleBrush({ cell: [[0, 1]] }, field("val_acc"), field("val_loss"), [0.95, 0.5], [0.3, 1]);
  assert.deepEqual(brush, { cell: [[0, 1]], val_acc: [[0.5, 0.95]], val_loss: [[0.3, 1]] });
  assert.deepEqual([...brushedRunIds(runs, model, { val_acc: [[0.5, 0.95]], val_loss: [[0.3, 1]] })], ["r2", "r3"]);
  assert.deepEqual([...brushedRunIds(runs, model, { val_acc: [[0.5, 0.95]] })], ["r2", "r3"], "val_acc is no parallel axis: filtered all the same");
  assert.equal(brushedRunIds(runs, model, { no_such_metric: [[0, 1]] }).size, runs.length, "a field no run has filters nothing");
});

test("the scatter's settings round-trip through the URL, defaults left out", () => {
  const params = new URLSearchParams("other=1");
  const s = { x: "learning_rate", y: "val/loss", color: "time" as const, logX: true, logY: false };
  setScatterParams(params, s);
  assert.equal(params.toString(), "other=1&sx=learning_rate&sy=val%2Floss&sc=time&slog=x&slin=y");
  assert.deepEqual(parseScatter(params, () => true), s);
  const linear = new URLSearchParams();
  setScatterParams(linear, { ...s, logX: false, logY: null });
  assert.equal(linear.toString(), "sx=learning_rate&sy=val%2Floss&sc=time&slin=x");
  assert.deepEqual(parseScatter(linear, () => true), { ...s, logX: false, logY: null });
  const empty = new URLSearchParams("sx=a&sc=step&slin=xy");
  setScatterParams(empty, DEFAULT_SCATTER);
  assert.equal(empty.toString(), "");
  assert.deepEqual(parseScatter(new URLSearchParams("sx=bad key&sc=colour"), (k) => !k.includes(" ")), DEFAULT_SCATTER);
});

test("a categorical parameter on x: each run in its category's band, jittered by its id alone; log is ignored there", () => {
  const cells = ["rnn", "lstm", "gru"];
  const points = scatterPoints(runs, field("cell"), field("val_loss"), { color: "none", logX: true, logY: false });
  assert.deepEqual(points.map((p) => [p.runId, p.xCategory, p.y]), [["r1", "rnn", 1.5], ["r2", "lstm", 0.9], ["r3", "gru", 0.4]], "r4 has no val_loss");
  for (const p of points) {
    const r = runs.find((q) => q.id === p.runId)!;
    const i = cells.indexOf(r.params.cell as string);
    assert.equal(p.x, i + jitterOf(p.runId), `${p.runId}: its category's index and its jitter`);
    assert.ok(Math.abs(p.x - i) <= JITTER, `${p.runId} inside its band`);
  }
  assert.deepEqual(scatterPoints(runs, field("cell"), field("val_loss"), { color: "none", logX: false, logY: false }), points, "the same places on the next render");
  // and on y: the category there, the metric on x
  const flipped = scatterPoints(runs, field("val_acc"), field("cell"), { color: "none", logX: false, logY: true });
  assert.deepEqual(flipped.map((p) => [p.runId, p.x, p.yCategory, Math.round(p.y) || 0]), [["r1", 0.2, "rnn", 0], ["r2", 0.6, "lstm", 1], ["r3", 0.9, "gru", 2], ["r4", 0.1, "rnn", 0]]);
});

test("jitter: deterministic, inside ±JITTER, spread over the band", () => {
  const ids = Array.from({ length: 500 }, (_, i) => `run${i.toString(36)}x`);
  const js = ids.map(jitterOf);
  assert.deepEqual(ids.map(jitterOf), js);
  assert.ok(js.every((j) => Math.abs(j) <= JITTER));
  // spread: each fifth of the band holds a fair share (500 ids, 100 expected each)
  const fifths = [0, 0, 0, 0, 0];
  for (const j of js) fifths[Math.min(4, Math.floor(((j + JITTER) / (2 * JITTER)) * 5))]++;
  assert.ok(fifths.every((n) => n > 60 && n < 140), `fifths ${fifths}`);
});

test("a boolean parameter is a category axis false, true", () => {
  const flags = runs.map((r, i) => ({ ...r, params: { ...r.params, layernorm: i % 2 === 0 }, config: { ...r.config, layernorm: i % 2 === 0 } }));
  const m = sweepModel(flags, { metricName: "val_loss", config: { parameters: { ...sweep.config.parameters, layernorm: { values: [true, false] } } } });
  const f = fieldOf(scatterFields(flags, m), "layernorm");
  assert.deepEqual(f.categories, ["false", "true"]);
  assert.deepEqual(
    scatterPoints(flags, f, fieldOf(scatterFields(flags, m), "val_loss"), { color: "none", logX: false, logY: false }).map((p) => [p.runId, p.xCategory, Math.round(p.x) || 0]),
    [["r1", "true", 1], ["r2", "false", 0], ["r3", "true", 1]],
  );
});

test("a rectangle on a category axis brushes the categories whose points it touches, as the parallel axis's brush does", () => {
  // from inside lstm's band (1 − 0.2) to inside gru's (2 + 0.1): lstm and gru, any val_loss up to 1
  const brush = rectangleBrush({}, field("cell"), field("val_loss"), [0.8, 2.1], [0, 1]);
  assert.deepEqual(brush, { cell: [[1, 2]], val_loss: [[0, 1]] });
  assert.deepEqual([...brushedRunIds(runs, model, brush)], ["r2", "r3"]);
  // in the gap between two bands: no category
  assert.equal(brushedRunIds(runs, model, rectangleBrush({}, field("cell"), field("val_loss"), [0.4, 0.6], [0, 2])).size, 0);
  // drawn back around the bands, and read again as the same brush (no loop between chart and URL)
  const drawn = brushRectangle(brush, field("cell"), field("val_loss"))!;
  assert.ok(drawn[0][0] < 1 - JITTER && drawn[0][1] > 2 + JITTER && drawn[0][0] > 0 + JITTER && drawn[0][1] < 3 - JITTER);
  assert.deepEqual(rectangleBrush({}, field("cell"), field("val_loss"), drawn[0], drawn[1]), brush);
  assert.equal(brushRectangle({ cell: [[1, 2]] }, field("cell"), field("val_loss")), null, "no rectangle while y is not brushed");
});

test("slog stays in the URL with a categorical x, and applies again to a numeric x", () => {
  const params = new URLSearchParams("sx=cell&sy=val_loss&slog=xy");
  const s = parseScatter(params, () => true);
  assert.deepEqual(s, { x: "cell", y: "val_loss", color: "none", logX: true, logY: true });
  const points = scatterPoints(runs, field("cell"), field("val_loss"), s);
  assert.equal(points.length, 3, "log x does not drop categories");
  assert.equal(scatterPoints(runs, field("learning_rate"), field("val_loss"), s).length, 3);
});

test("an axis follows its field's scale until asked: a log-uniform parameter on a log axis, a metric and a uniform one linear", () => {
  // two runs within a decade: the scale is the distribution's, not the values' spread
  const runs: SweepRunLike[] = [
    { id: "r1", name: "a", state: "finished", params: { learning_rate: 0.01, dropout: 0.1 }, config: { learning_rate: 0.01, dropout: 0.1 }, summary: { val_loss: 2 } },
    { id: "r2", name: "b", state: "finished", params: { learning_rate: 0.03, dropout: 0.4 }, config: { learning_rate: 0.03, dropout: 0.4 }, summary: { val_loss: 1.5 } },
  ];
  const parameters = { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 0.1 }, dropout: { distribution: "uniform", min: 0, max: 0.5 } };
  const fields = scatterFields(runs, sweepModel(runs, { metricName: "val_loss", config: { parameters } }));
  const [lr, dropout, loss] = ["learning_rate", "dropout", "val_loss"].map((k) => fieldOf(fields, k));
  assert.equal(isLogAxis(lr, null), true);
  assert.equal(isLogAxis(dropout, null), false);
  assert.equal(isLogAxis(loss, null), false);
  assert.equal(isLogAxis(lr, false), false, "asked for linear");
  assert.equal(isLogAxis(dropout, true), true, "asked for log");
  // the points follow the same scale: a learning rate of 0 has no place on the log axis
  const withZero = [...runs, { ...runs[0], id: "r3", params: { learning_rate: 0, dropout: 0 }, config: { learning_rate: 0, dropout: 0 } }];
  assert.deepEqual(scatterPoints(withZero, lr, loss, DEFAULT_SCATTER).map((p) => p.runId), ["r1", "r2"]);
  assert.deepEqual(scatterPoints(withZero, lr, loss, { ...DEFAULT_SCATTER, logX: false }).map((p) => p.runId), ["r1", "r2", "r3"]);
});

test("an axis holds room past its extreme points: a share of their span, in log10 on a log axis (never at or below zero)", () => {
  // dropout 0 … 0.5 on a linear axis: 0.025 each side
  assert.deepEqual(axisRoom([0.2, 0, 0.5], false), [-0.5 * AXIS_PAD, 0.5 + 0.5 * AXIS_PAD]);
  // learning rates 1e-4 … 1e-1 on a log axis: AXIS_PAD of 3 decades past each end, still above zero
  const [lo, hi] = axisRoom([1e-3, 1e-4, 1e-1], true)!;
  assert.ok(Math.abs(Math.log10(lo) - (-4 - 3 * AXIS_PAD)) < 1e-12 && lo > 0);
  assert.ok(Math.abs(Math.log10(hi) - (-1 + 3 * AXIS_PAD)) < 1e-12);
  // one value: room around it in proportion to it (on a log axis, AXIS_PAD of a decade)
  assert.deepEqual(axisRoom([2, 2], false), [2 - 2 * AXIS_PAD, 2 + 2 * AXIS_PAD]);
  assert.deepEqual(axisRoom([0], false), [-AXIS_PAD, AXIS_PAD]);
  const [one0, one1] = axisRoom([0.01], true)!;
  assert.ok(Math.abs(Math.log10(one0) + 2 + AXIS_PAD) < 1e-12 && Math.abs(Math.log10(one1) + 2 - AXIS_PAD) < 1e-12);
  assert.equal(axisRoom([], false), null);
});

// ECharts rounds a log axis out to whole decades: loss 1 … 2 with its room below 1 was drawn
// over 0.1 … 10, acc 0.1 … 1 over 0.01 … 10. logAxis holds the points' range (with its room)
// and labels it with ticks that read well.
test("a log axis holds its points' range with room, and no empty decade; its ticks read well", () => {
  const within = (values: number[]) => {
    const axis = logAxis(values)!;
    const [lo, hi] = axisRoom(values, true)!;
    assert.deepEqual([axis.min, axis.max], [lo, hi]);
    // every point inside, with AXIS_PAD of the span (in log10) to spare
    for (const v of values) assert.ok(v > axis.min && v < axis.max);
    // no more than the data's decades and their room
    const span = Math.log10(Math.max(...values) / Math.min(...values));
    assert.ok(Math.log10(axis.max / axis.min) <= span * (1 + 2 * AXIS_PAD) + 2 * AXIS_PAD + 1e-12);
    for (const t of axis.ticks) assert.ok(t >= axis.min && t <= axis.max, `tick ${t}`);
    return axis.ticks;
  };
  assert.deepEqual(within([1, 1.5, 2]), [1, 1.25, 1.5, 1.75, 2]);
  // (0.2, 0.4, 0.6, 0.8 left the lower half of the axis, 0.2 … 0.4, with one label)
  assert.deepEqual(within([0.2, 0.5, 0.9]), [0.2, 0.3, 0.4, 0.5, 0.6, 0.8]);
  assert.deepEqual(within([0.1, 0.4, 1]), [0.1, 0.2, 0.3, 0.5, 1]);
  assert.deepEqual(within([1e-4, 1e-3, 1e-1]), [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1]);
  // a learning rate searched over 1.3e-4 … 0.09: labelled over its whole range, not only from 0.001
  assert.deepEqual(within([1.26e-4, 0.0907]), [3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1]);
  // many decades: at most eight labels, powers of ten still
  const wide = within([1e-12, 1]);
  assert.ok(wide.length <= 8 && wide.length >= 4, String(wide));
  for (const t of wide) assert.ok(Number.isInteger(Math.log10(t)), String(t));
  // one value: a little room around it, a tick or more near it
  assert.ok(within([0.5]).includes(0.5));
  // not positive: no point on a log axis
  assert.equal(logAxis([0, -1]), null);
  assert.deepEqual(within([0.3, 3]), [0.3, 0.5, 1, 2, 3]);
});

test("before the first evaluation (no run has the sweep's metric): y defaults to another field than x, never x against itself", () => {
  // a sweep of dropout alone whose runs have logged training metrics only
  const early = [0.1, 0.3].map((dropout, i): SweepRunLike => ({ id: `e${i}`, name: `early-${i}`, state: "running", params: { dropout }, config: { dropout }, summary: { train_loss: 2 - i / 10, grad_norm: 1 + i } }));
  const earlyFields = scatterFields(early, sweepModel(early, { metricName: "val_loss", config: { parameters: { dropout: { min: 0, max: 0.5 } } } }));
  assert.deepEqual(resolveAxes(DEFAULT_SCATTER, earlyFields, "val_loss"), { x: "dropout", y: "grad_norm" }, "the parameter against a metric the runs have");
  // y chosen as the default x: x moves to another field
  assert.deepEqual(resolveAxes({ ...DEFAULT_SCATTER, y: "dropout" }, earlyFields, "val_loss"), { x: "grad_norm", y: "dropout" });
  // only one field: no y rather than dropout against dropout (the panel says why)
  const bare = early.map((r) => ({ ...r, summary: {} }));
  const oneField = scatterFields(bare, sweepModel(bare, { metricName: "val_loss", config: { parameters: { dropout: { min: 0, max: 0.5 } } } }));
  assert.deepEqual(resolveAxes(DEFAULT_SCATTER, oneField, "val_loss"), { x: "dropout", y: null });
  // as asked, the same field on both axes is the person's choice
  assert.deepEqual(resolveAxes({ ...DEFAULT_SCATTER, x: "train_loss", y: "train_loss" }, earlyFields, "val_loss"), { x: "train_loss", y: "train_loss" });
});
