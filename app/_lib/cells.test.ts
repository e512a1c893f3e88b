import assert from "node:assert/strict";
import test from "node:test";
import { featureSeries, rankCells } from "./cells";
import { gradFlowRows, gradRatio, pickRows, saturationPoints } from "./run-diagnostics";

test("inside-quotes feature includes the quote marks and what is between them", () => {
  assert.deepEqual(featureSeries([...'a"bc"d'], "quotes"), [0, 1, 1, 1, 1, 0]);
  assert.deepEqual(featureSeries([..."ab\ncd"], "line_start"), [0, 1, 2, 0, 1]);
});

test("a quote-detecting cell ranks first by correlation with the feature", () => {
  const chars = [...'say "hi there" ok'];
  const f = featureSeries(chars, "quotes");
  const acts = chars.map((_, t) => [Math.sin(t), f[t] * 0.9 - 0.45, 0.01 * t]);
  const ranked = rankCells(acts, chars, "quotes");
  assert.equal(ranked[0].cell, 1);
  assert.ok(ranked[0].value > 0.99);
  assert.equal(rankCells(acts, chars, "variance")[0].cell, 0);
});

test("grad flow with the task's marks: the ratio is taken between them; a vanished gradient (0) counts", () => {
  const marks = [{ t: 2, label: "symbol to remember" }, { t: 4, label: "cue" }, { t: 9, label: "out of range" }];
  const [row] = gradFlowRows([{ step: 5, kind: "grad_flow", data: { norms: [0, 0, 1e-3, 0.5, 1], layers: [], marks } }]);
  assert.deepEqual(row.marks, marks.slice(0, 2));
  assert.deepEqual(gradRatio(row), { ratio: 0, from: "symbol to remember", to: "cue" });
  assert.equal(gradRatio({ step: 1, norms: [1, 0], marks: [] }), null);
});

test("grad flow rows, ratio and picks; saturation points", () => {
  const diags = [
    { step: 10, kind: "grad_flow", data: { norms: [1e-6, 1e-3, 1], layers: [] } },
    { step: 10, kind: "saturation", data: { share: 0.25, layers: [] } },
    { step: 20, kind: "grad_flow", data: { norms: "bad" } },
  ];
  const rows = gradFlowRows(diags);
  assert.equal(rows.length, 1);
  assert.deepEqual(gradRatio(rows[0]), { ratio: 1e-6, from: "h_1", to: "h_T" });
  assert.deepEqual(saturationPoints(diags), [{ x: 10, y: 0.25 }]);
  assert.deepEqual(pickRows([1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [1, 5, 9]);
});
