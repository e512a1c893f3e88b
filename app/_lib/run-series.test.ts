import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeRunSeries, runSeriesQuery } from "./run-series";

const pts = (...steps: number[]) => steps.map((step) => ({ step, value: step / 10, wallTime: step }));

test("runSeriesQuery: the last step held of every series, how many and the last name; whole when one is empty or grew past 2 × points", () => {
  assert.equal(runSeriesQuery({ "train/loss": pts(0, 1, 5), "val/loss": pts(0, 4) }), "since=4&series=2&last=val%2Floss");
  assert.equal(runSeriesQuery({}), "");
  assert.equal(runSeriesQuery({ a: pts(0, 1), b: [] }), "");
  assert.equal(runSeriesQuery({ a: pts(0, 1, 2, 3, 4) }, 2), "");
  assert.equal(runSeriesQuery({ a: pts(0, 1, 2, 3) }, 2), "since=3&series=1&last=a");
});

test("mergeRunSeries: tails replace what is held after their step; a whole answer replaces everything; untouched series keep their arrays", () => {
  const held = { a: pts(0, 2, 4, 6), b: pts(0, 4), c: pts(0, 3) };
  const merged = mergeRunSeries(held, { series: { a: pts(5, 6, 7), b: pts(5) }, seriesAfter: 4 });
  assert.deepEqual(merged.a, pts(0, 2, 4, 5, 6, 7));
  assert.deepEqual(merged.b, pts(0, 4, 5));
  assert.equal(merged.c, held.c);
  const whole = { a: pts(0, 9) };
  assert.equal(mergeRunSeries(held, { series: whole }), whole);
});
