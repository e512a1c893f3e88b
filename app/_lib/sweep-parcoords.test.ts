import assert from "node:assert/strict";
import { test } from "node:test";
import { axisBounds, axisExtent, axisScale, brushedRunIds, crowdsAnEnd, buildParallelModel, decodeBrush, encodeBrush, inBrush, logAxisLabel, metricRange, metricSummaryKey, moveAxis, niceRange, orderAxes, pow10, snapInterval, tickLabel, variedKeys, type SweepRunLike } from "./sweep-parcoords.ts";

const run = (i: number, params: Record<string, unknown>, val: number | null, state = "finished"): SweepRunLike => ({
  id: `r${i}`,
  name: `run-${i}`,
  state,
  params,
  config: { task: "charlm", hidden_size: 64, ...params },
  summary: val === null ? {} : { val_loss: val + 0.1, val_loss_best: val },
});

const runs = [
  run(1, { cell: "lstm", learning_rate: 0.001, dropout: 0.1, seed: 1 }, 1.5),
  run(2, { cell: "rnn", learning_rate: 0.01, dropout: 0.3, seed: 2 }, 2.0),
  run(3, { cell: "gru", learning_rate: 0.1, dropout: 0.1, seed: 3 }, 3.0),
  run(4, { cell: "lstm", learning_rate: 0.05, dropout: 0.2, seed: 4 }, null, "running"),
];
const sweepParams = { cell: { values: ["rnn", "lstm", "gru"] }, learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 0.1 }, dropout: { min: 0.0, max: 0.5 } };

test("axes: the varied hyperparameters (not the seed), then the metric; categorical and log axes", () => {
  assert.deepEqual(variedKeys(runs, sweepParams), ["cell", "learning_rate", "dropout"]);
  const m = buildParallelModel(runs, { metricName: "val_loss", sweepParams });
  assert.deepEqual(
    m.axes.map((a) => [a.key, a.kind]),
    [
      ["cell", "category"],
      ["learning_rate", "log"],
      ["dropout", "value"],
      ["val_loss_best", "value"],
    ],
  );
  // categories in the schema's enum order, only those that occur
  assert.deepEqual(m.axes[0].categories, ["rnn", "lstm", "gru"]);
  assert.equal(m.axes[3].metric, true);
  assert.equal(m.rows.length, 3);
  assert.equal(m.missingMetric, 1);
  assert.deepEqual(m.rows[0].values, ["lstm", 0.001, 0.1, 1.5]);
});

test("without a sweep config, log scale is inferred from the spread; constant keys are left out", () => {
  const m = buildParallelModel(runs, { metricName: "val_loss" });
  assert.deepEqual(m.axes.map((a) => a.key), ["cell", "learning_rate", "dropout", "val_loss_best"]);
  assert.equal(m.axes[1].kind, "log");
  assert.equal(metricSummaryKey([run(1, {}, null)], "val_loss"), "val_loss");
});

test("axis scale: log distributions, and lists or unnamed values that are positive and span a decade", () => {
  const lrs = [0.003, 0.01, 0.03, 0.1];
  // a list of values: the values decide
  assert.equal(axisScale(lrs, { values: lrs }), "log");
  assert.equal(axisScale([16, 32, 64, 128, 256], { values: [16, 32, 64, 128, 256] }), "log");
  assert.equal(axisScale([32, 64, 128], { values: [32, 64, 128] }), "value"); // not a decade
  assert.equal(axisScale([0.01, 0.1], { distribution: "categorical", values: [0.01, 0.1] }), "log"); // exactly a decade
  assert.equal(axisScale([0, 0.1, 0.3], { values: [0, 0.1, 0.3] }), "value"); // zero: no log axis
  assert.equal(axisScale([-0.1, 1, 10]), "value");
  // no spec (a param the sweep config does not name): the values decide too
  assert.equal(axisScale(lrs), "log");
  assert.equal(axisScale([1, 5]), "value");
  // a drawn distribution names its scale
  assert.equal(axisScale([0.05, 0.06], { distribution: "log_uniform_values", min: 0.01, max: 0.1 }), "log");
  assert.equal(axisScale([0.002, 0.3, 0.59], { min: 0, max: 0.6 }), "value"); // uniform, even over two decades of draws
  assert.equal(axisScale([1, 2, 40], { distribution: "int_uniform", min: 1, max: 40 }), "value");
  assert.equal(axisScale([0, 0.05], { distribution: "log_uniform_values", min: 0.01, max: 0.1 }), "value"); // a zero cannot be drawn on it
  // a higher bar when asked (the metric: two decades)
  assert.equal(axisScale([1, 20], undefined, 100), "value");
  assert.equal(axisScale([1, 200], undefined, 100), "log");
  assert.equal(axisScale([]), "value");
});

test("a log-spaced list of learning rates gets a log axis, and the brush filters it in data units", () => {
  const lrs = [0.003, 0.01, 0.03, 0.1];
  const listed = lrs.map((lr, i) => run(i, { learning_rate: lr, dropout: 0.1 * (i % 2) }, 1 + i / 10));
  const params = { learning_rate: { values: lrs }, dropout: { values: [0, 0.1] } };
  const m = buildParallelModel(listed, { metricName: "val_loss", sweepParams: params });
  assert.deepEqual(m.axes.map((a) => [a.key, a.kind]), [["learning_rate", "log"], ["dropout", "value"], ["val_loss_best", "value"]]);
  // ECharts reports a log axis's brush in data units: [0.005, 0.05] keeps 0.01 and 0.03
  assert.deepEqual([...brushedRunIds(listed, m, { learning_rate: [[0.005, 0.05]] })], ["r1", "r2"]);
  assert.deepEqual(decodeBrush(encodeBrush({ learning_rate: [[0.00512345678, 0.0512345678]] })), { learning_rate: [[0.00512346, 0.0512346]] });
});

test("booleans are categories", () => {
  const m = buildParallelModel([run(1, { layernorm: true }, 1), run(2, { layernorm: false }, 2)], { metricName: "val_loss" });
  assert.deepEqual(m.axes[0], { key: "layernorm", kind: "category", categories: ["false", "true"] });
  assert.deepEqual(m.rows[0].values, ["true", 1]);
});

test("the brush filters runs on every brushed axis; categories by index; no metric fails a metric brush", () => {
  const m = buildParallelModel(runs, { metricName: "val_loss", sweepParams });
  assert.equal(brushedRunIds(runs, m, {}).size, 4);
  assert.deepEqual([...brushedRunIds(runs, m, { dropout: [[0.05, 0.15]] })], ["r1", "r3"]);
  assert.deepEqual([...brushedRunIds(runs, m, { cell: [[1, 1]] })], ["r1", "r4"]);
  assert.deepEqual([...brushedRunIds(runs, m, { cell: [[1, 2]], val_loss_best: [[0, 2.5]] })], ["r1"]);
  assert.deepEqual([...brushedRunIds(runs, m, { dropout: [[0, 0.12], [0.25, 0.35]] })], ["r1", "r2", "r3"]);
  assert.equal(inBrush(m.axes[0], "transformer", [[0, 2]]), false);
});

test("brush and axis order round-trip through the URL", () => {
  const brush = { dropout: [[0.1, 0.2]] as [number, number][], cell: [[0, 1]] as [number, number][] };
  assert.deepEqual(decodeBrush(encodeBrush(brush)), brush);
  assert.deepEqual(decodeBrush("bad,,x:1:y,dropout:0.3:0.1"), { dropout: [[0.1, 0.3]] });
  const m = buildParallelModel(runs, { metricName: "val_loss", sweepParams });
  assert.deepEqual(orderAxes(m.axes, ["val_loss_best", "nope", "cell"]).map((a) => a.key), ["val_loss_best", "cell", "learning_rate", "dropout"]);
  assert.deepEqual(moveAxis(["a", "b", "c", "d"], 0, 2), ["b", "c", "a", "d"]);
  assert.deepEqual(moveAxis(["a", "b", "c", "d"], 3, 0), ["d", "a", "b", "c"]);
});

test("1,000 runs: seed replicates fold into one line per configuration, and a brush selects among them", () => {
  const many = Array.from({ length: 1000 }, (_, i) => run(i, { cell: ["rnn", "lstm", "gru"][i % 3], learning_rate: 10 ** (-4 + (i % 30) / 10), dropout: (i % 7) / 10 }, 1 + (i % 13) / 10));
  // (how fast this is belongs in `npm run bench`, not in a timed unit test)
  const m = buildParallelModel(many, { metricName: "val_loss", sweepParams });
  const ids = brushedRunIds(many, m, { dropout: [[0.1, 0.3]], cell: [[0, 1]] });
  assert.equal(m.rows.length, 210, "runs that differ only in seed fold into one line (210 configurations)");
  assert.equal(buildParallelModel(many, { metricName: "val_loss", sweepParams, foldSeeds: false }).rows.length, 1000);
  assert.ok(ids.size > 0 && ids.size < 1000);
});

test("tick labels tell neighbouring ticks apart on a narrow axis", () => {
  // a val_loss_best axis from 1.7201 to 1.7249: ECharts ticks it every 0.0005 or 0.001
  const ticks = [1.72, 1.7205, 1.721, 1.7215, 1.722, 1.7225];
  const labels = ticks.map((v) => tickLabel(v, 1.7201, 1.7249));
  assert.deepEqual(labels, ["1.72", "1.7205", "1.721", "1.7215", "1.722", "1.7225"]);
  assert.equal(new Set(labels).size, ticks.length);
  // wide axes keep 3 significant digits, integers stay integers, powers of ten stay short
  assert.deepEqual([0.5, 1, 1.5, 2].map((v) => tickLabel(v, 0.4, 2.1)), ["0.5", "1", "1.5", "2"]);
  assert.equal(tickLabel(1.23456, 0, 10), "1.23");
  assert.equal(tickLabel(1200, 1000, 2000), "1,200");
  assert.equal(tickLabel(1e-4, 1e-5, 1e-2), "1e-4");
  // narrow around a large value, and around zero
  assert.deepEqual([100.01, 100.02].map((v) => tickLabel(v, 100.001, 100.05)), ["100.01", "100.02"]);
  assert.deepEqual([-0.001, 0, 0.001].map((v) => tickLabel(v, -0.002, 0.002)), ["-1e-3", "0", "1e-3"], "powers of ten keep their sign");
  // a single value (no span): 3 digits
  assert.equal(tickLabel(1.7234, 1.7234, 1.7234), "1.72");
});

test("axis extents skip missing and non-numeric values", () => {
  const rows = [{ values: [1, "a", null] }, { values: [3, "b", 2] }, { values: [Number.NaN, "c", 5] }].map((r, i) => ({ runId: `r${i}`, name: "", state: "finished", values: r.values }));
  assert.deepEqual(axisExtent(rows, 0), [1, 3]);
  assert.deepEqual(axisExtent(rows, 1), [0, 0]);
  assert.deepEqual(axisExtent(rows, 2), [2, 5]);
});

test("every swept parameter has its axis from the first run, over the whole range the sweep config gives", () => {
  const first = [run(1, { cell: "lstm", learning_rate: 0.001, dropout: 0.1, seed: 1 }, 1.5)];
  const m = buildParallelModel(first, { metricName: "val_loss", sweepParams });
  assert.deepEqual(m.axes.map((a) => a.key), ["cell", "learning_rate", "dropout", "val_loss_best"]);
  assert.deepEqual(m.axes[0].categories, ["rnn", "lstm", "gru"], "every category of the list, before any run took it");
  assert.deepEqual(m.axes[1].range, [1e-4, 0.1]);
  assert.equal(m.axes[1].kind, "log");
  assert.deepEqual(axisBounds(m.axes[1]), [1e-4, 0.1]);
  assert.deepEqual(m.axes[2].range, [0, 0.5]);
  // a list of values spans its list; a constant is no axis
  const listed = buildParallelModel(first, { metricName: "val_loss", sweepParams: { dropout: { values: [0, 0.25, 0.5] }, hidden_size: { value: 64 }, learning_rate: { values: [0.003, 0.01, 0.1] } } });
  assert.deepEqual(listed.axes.map((a) => [a.key, a.kind, a.range]), [["dropout", "value", [0, 0.5]], ["learning_rate", "log", [0.001, 0.1]], ["val_loss_best", "value", [1.35, 1.65]]]);
});

test("bounded metrics stay within their bounds; ranges are round numbers around the values", () => {
  assert.deepEqual(niceRange(0.4123, 1.58), [0.4, 1.6]);
  // a little room past the values, then round numbers; never past the bounds
  assert.deepEqual(metricRange([0.41, 0.97, 0.99], "val_acc_best"), [0.3, 1], "accuracy: not above 1");
  assert.deepEqual(metricRange([0.92, 0.98], "val_acc"), [0.91, 0.99]);
  assert.deepEqual(metricRange([0.012, 3.4], "val_loss"), [0, 4], "a loss never below 0");
  assert.deepEqual(metricRange([-2.5, 1], "reward"), [-3, 1.5]);
  assert.deepEqual(metricRange([1.7, 2.2], "val_loss"), [1.6, 2.3], "the best and worst lines off the axis's ends");
  const accs = [run(1, { dropout: 0 }, null), run(2, { dropout: 0.5 }, null)];
  accs[0].summary = { val_acc: 0.41, val_acc_best: 0.45 };
  accs[1].summary = { val_acc: 0.99, val_acc_best: 0.995 };
  const axis = buildParallelModel(accs, { metricName: "val_acc" }).axes.at(-1)!;
  assert.equal(axis.key, "val_acc_best");
  assert.ok(axis.range![0] >= 0 && axis.range![1] <= 1, `accuracy axis ${axis.range}`);
});

test("seed replicates fold into one line: the metric's mean, its spread kept; the brush keeps or drops them together", () => {
  const reps = [
    run(1, { cell: "lstm", dropout: 0.1, seed: 1 }, 1.0),
    run(2, { cell: "lstm", dropout: 0.1, seed: 2 }, 1.2),
    run(3, { cell: "lstm", dropout: 0.1, seed: 3 }, null, "running"),
    run(4, { cell: "rnn", dropout: 0.3, seed: 1 }, 2.0),
    run(5, { cell: "rnn", dropout: 0.3, seed: 2 }, 2.4),
  ];
  const m = buildParallelModel(reps, { metricName: "val_loss", sweepParams: { cell: { values: ["rnn", "lstm"] }, dropout: { values: [0.1, 0.3] } } });
  assert.equal(m.rows.length, 2);
  assert.deepEqual(m.rows[0].runIds, ["r1", "r2", "r3"]);
  assert.ok(Math.abs((m.rows[0].values[2] as number) - 1.1) < 1e-12, "the mean of the seeds that have the metric");
  assert.deepEqual({ ...m.rows[0].spread, ci95: undefined }, { n: 2, min: 1.0, max: 1.2, ci95: undefined });
  assert.ok(m.rows[0].spread!.ci95! > 0);
  assert.equal(m.missingMetric, 0, "the running seed is part of a drawn line");
  // brushing the metric around the mean keeps all three seeds of the line, though seed 1 alone is outside
  assert.deepEqual([...brushedRunIds(reps, m, { val_loss_best: [[1.05, 1.15]] })], ["r1", "r2", "r3"]);
  assert.deepEqual([...brushedRunIds(reps, m, { cell: [[0, 0]] })], ["r4", "r5"]);
});

test("a brush includes its ends: a drag from the top of an axis keeps the top value", () => {
  const axis = { key: "dropout", kind: "value" as const, range: [0, 0.5] as [number, number] };
  // issue 17 §2: dragging from the top of the dropout axis (0.5) gave 0.359–0.497
  assert.deepEqual(snapInterval(axis, [0.359, 0.497], [0, 0.25, 0.5]), [0.359, 0.5]);
  assert.deepEqual(snapInterval(axis, [0.004, 0.2], [0, 0.25, 0.5]), [0, 0.2]);
  // an edge a hair inside a value goes past it; one well inside does not
  assert.deepEqual(snapInterval(axis, [0.2505, 0.4], [0, 0.25, 0.5]), [0.25, 0.4]);
  assert.deepEqual(snapInterval(axis, [0.27, 0.4], [0, 0.25, 0.5]), [0.27, 0.4]);
  // log axes measure the tolerance in decades
  const lr = { key: "learning_rate", kind: "log" as const, range: [1e-4, 0.1] as [number, number] };
  const [lo, hi] = snapInterval(lr, [0.00105, 0.0994], [0.001, 0.01]);
  assert.equal(lo, 0.001);
  assert.equal(hi, 0.1);
  const cat = { key: "cell", kind: "category" as const, categories: ["rnn", "lstm"] };
  assert.deepEqual(snapInterval(cat, [0.4, 1.2], []), [0.4, 1.2]);
});

test("a tree of choices: sub-parameters are axes, and a run without one crosses it at its own n/a tick, not at its default", () => {
  const tree = {
    optimizer: { choices: { sgd: {}, momentum: { momentum: { values: [0.5, 0.9] } }, adam: { learning_rate: { distribution: "log_uniform_values", min: 0.0001, max: 0.01 } } } },
    learning_rate: { value: 0.05 },
  };
  // the stored config keeps every default (momentum 0.9 in an adam run): the chart must not show it
  const withDefaults = (r: SweepRunLike) => ({ ...r, config: { momentum: 0.9, ...r.config } });
  const treeRuns = [
    run(1, { optimizer: "sgd", learning_rate: 0.05 }, 1.0),
    run(2, { optimizer: "momentum", momentum: 0.5, learning_rate: 0.05 }, 0.8),
    run(3, { optimizer: "adam", learning_rate: 0.001 }, 0.6),
  ].map(withDefaults);
  const m = buildParallelModel(treeRuns, { metricName: "val_loss", sweepParams: tree });
  const axis = (key: string) => m.axes.find((a) => a.key === key)!;
  assert.deepEqual(m.axes.map((a) => a.key), ["learning_rate", "optimizer", "momentum", "val_loss_best"]);
  assert.deepEqual(axis("optimizer").categories, ["sgd", "momentum", "adam"]);
  assert.equal(axis("optimizer").na, undefined, "every run has an optimizer");
  const momentum = axis("momentum");
  // [0.5, 0.9] and n/a a sixth of the span below
  assert.equal(momentum.na, Number((0.5 - 0.4 / 6).toPrecision(12)));
  assert.deepEqual(momentum.range, [momentum.na, 0.9]);
  const at = (runId: string, key: string) => m.rows.find((r) => r.runId === runId)!.values[m.axes.findIndex((a) => a.key === key)];
  assert.equal(at("r1", "momentum"), momentum.na);
  assert.equal(at("r3", "momentum"), momentum.na);
  assert.equal(at("r2", "momentum"), 0.5);
  // learning_rate is in every run (0.05 at the top, adam's own draw): no n/a
  assert.equal(axis("learning_rate").na, undefined);
  assert.equal(at("r3", "learning_rate"), 0.001);
  // brushing the n/a tick picks the runs without momentum
  assert.deepEqual([...brushedRunIds(treeRuns, m, { momentum: [[momentum.na as number, momentum.na as number]] })].sort(), ["r1", "r3"]);
});

test("a log axis labels its decades in one notation (the sweep page's learning_rate read 0.1, 0.01, 1e-3, 1e-4)", () => {
  const decades = (lo: number, hi: number) => {
    const out: number[] = [];
    for (let e = Math.round(Math.log10(lo)); e <= Math.round(Math.log10(hi)); e++) out.push(pow10(e));
    return out;
  };
  assert.deepEqual(decades(1e-4, 0.1).map(logAxisLabel(1e-4, 0.1)), ["1e-4", "1e-3", "1e-2", "1e-1"]);
  assert.deepEqual(decades(0.001, 10).map(logAxisLabel(0.001, 10)), ["0.001", "0.01", "0.1", "1", "10"]);
  assert.deepEqual(decades(1, 1e5).map(logAxisLabel(1, 1e5)), ["1e0", "1e1", "1e2", "1e3", "1e4", "1e5"]);
  // the old labels mixed: tickLabel writes 0.1 and 0.01 as decimals, 1e-3 and 1e-4 as exponents
  assert.notEqual(new Set(decades(1e-4, 0.1).map((v) => /e/.test(tickLabel(v, 0, 0)))).size, 1);
});

test("a linear axis's ticks are in one notation: a learning_rate axis 7.74e-4 … 2.48e-3 reads 9e-4 beside 2.1e-3, never beside 0.0021", () => {
  const [lo, hi] = [7.74e-4, 0.00248];
  assert.deepEqual([7.74e-4, 9e-4, 0.0012, 0.0021, 0.0024, 0.00248].map((v) => tickLabel(v, lo, hi)), ["7.74e-4", "9e-4", "1.2e-3", "2.1e-3", "2.4e-3", "2.48e-3"]);
  // from 0: 0 reads 0, the rest exponents
  assert.deepEqual([0, 5e-4, 0.001, 0.0025].map((v) => tickLabel(v, 0, 0.0025)), ["0", "5e-4", "1e-3", "2.5e-3"]);
  // no tick an exponent: as before, a narrow axis included
  assert.deepEqual([0.501, 0.502].map((v) => tickLabel(v, 0.5, 0.503)), ["0.501", "0.502"]);
  assert.deepEqual([0.002, 0.004].map((v) => tickLabel(v, 0.001, 0.005)), ["0.002", "0.004"]);
});

test("a tick beside a labelled end of a bounded axis goes unlabelled: 0.012 under 0.0123, not 0.01 nor the ends", () => {
  const [lo, hi] = [0.002, 0.0123];
  assert.deepEqual([0.002, 0.004, 0.006, 0.008, 0.01, 0.012, 0.0123].filter((v) => crowdsAnEnd(v, lo, hi)), [0.012]);
  assert.equal(crowdsAnEnd(0.0025, 0.002, 0.1), true, "near the low end too");
  assert.equal(crowdsAnEnd(0.5, 0, 1), false);
});
