import assert from "node:assert/strict";
import test from "node:test";
import type { CompareResponse, CompareRun } from "./compare-api";
import { PALETTE, runColors } from "./colors";
import { groupableKeys, groupsFor, seriesFor } from "./compare-shape";

const run = (id: string, cell: string, lr: number): CompareRun => ({ id, name: `n-${id}`, state: "finished", sweepId: null, kind: "engine", config: { cell, learning_rate: lr, seed: 1 }, params: {}, summary: {}, startedAt: "2026-01-01T00:00:00.000Z", tags: [], runGroup: null });
const runs = [run("aaaa", "lstm", 0.1), run("bbbb", "rnn", 0.1), run("cccc", "lstm", 0.01)];

test("groups by a config key, in value order, with counts in the label", () => {
  const g = groupsFor(runs, "cell");
  assert.deepEqual(g.map((x) => x.key), ["cell=lstm", "cell=rnn"]);
  assert.deepEqual(g[0].runIds, ["aaaa", "cccc"]);
  assert.equal(g[0].label, "cell=lstm (2)");
  assert.deepEqual(groupsFor(runs, "learning_rate").map((x) => x.label), ["learning_rate=0.01 (1)", "learning_rate=0.1 (2)"]);
});

test("groupable keys are those that vary", () => {
  assert.deepEqual(groupableKeys(runs), ["cell", "learning_rate"]);
});

test("series carry step, value and time, the run's start for wall time, and the view's colours", () => {
  const data: CompareResponse = { runs, names: ["val_loss"], missing: [], series: { aaaa: { val_loss: [[1, 2, 0.5]] } } };
  const s = seriesFor(data, "val_loss", new Map([["aaaa", "lstm"]]), runColors(runs.map((r) => r.id)));
  assert.deepEqual(s.map((x) => x.color), PALETTE.slice(0, 3));
  assert.deepEqual(s[0].points, [{ x: 1, y: 2, t: 0.5 }]);
  assert.equal(s[0].name, "lstm");
  assert.equal(s[0].startedAt, Date.parse("2026-01-01T00:00:00.000Z"));
  assert.deepEqual(s[1].points, []);
});
