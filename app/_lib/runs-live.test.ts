import assert from "node:assert/strict";
import { test } from "node:test";
import type { TableRow } from "../../prisma/store/runs-table.ts";
import { liveRunIds, mergeLiveRows } from "./runs-live.ts";

const run = (id: string, state: TableRow["state"], values: Record<string, unknown> = {}): TableRow => ({
  id, name: `run-${id}`, state, sweepId: null, sweepName: null, createdAt: "2026-01-01T00:00:00.000Z", startedAt: null, finishedAt: null,
  runtime: null, lastStep: 0, rerunOf: null, tags: [], archived: false, runGroup: null, values,
});
const config = (members: TableRow[], tag?: string): TableRow => ({
  ...members[0],
  group: { tag, count: members.length, states: Object.fromEntries([...new Set(members.map((m) => m.state))].map((s) => [s, members.filter((m) => m.state === s).length])), stats: {}, members },
});

test("the runs polled: queued and running ones, and every run of a configuration that has one", () => {
  assert.deepEqual(liveRunIds([run("a", "running"), run("b", "finished"), run("c", "queued")]), ["a", "c"]);
  assert.deepEqual(liveRunIds([config([run("a", "finished"), run("b", "running")]), config([run("c", "finished")])]), ["a", "b"]);
  assert.deepEqual(liveRunIds([run("a", "failed")]), [], "nothing trains: nothing to poll");
});

test("a poll's rows replace those of the same runs; others stay the same objects", () => {
  const held = [run("a", "running", { "summary.loss": 2 }), run("b", "finished", { "summary.loss": 1 })];
  const same = mergeLiveRows(held, [run("a", "running", { "summary.loss": 2 })], ["a"]);
  assert.equal(same.changed, false);
  assert.equal(same.rows, held, "nothing changed: the very same rows");
  const moved = mergeLiveRows(held, [{ ...run("a", "running", { "summary.loss": 1.5 }), lastStep: 40 }], ["a"]);
  assert.equal(moved.changed, true);
  assert.equal(moved.ended, false, "a step is no reason to read the view again");
  assert.deepEqual([moved.rows[0].values, moved.rows[0].lastStep], [{ "summary.loss": 1.5 }, 40]);
  assert.equal(moved.rows[1], held[1]);
  assert.equal(mergeLiveRows(held, [run("a", "finished", { "summary.loss": 1.5 })], ["a"]).ended, true, "it ended: the order may change");
  assert.equal(mergeLiveRows(held, [], ["a"]).ended, true, "it is gone");
});

test("a configuration row is replaced by the fold of the same runs only, and keeps its id and name", () => {
  const held = [config([run("a", "finished"), run("b", "running")])];
  const fresh = config([run("b", "running", { "summary.loss": 3 }), run("a", "finished")]);
  const merged = mergeLiveRows(held, [fresh], ["a", "b"]);
  assert.equal(merged.changed, true);
  assert.deepEqual([merged.rows[0].id, merged.rows[0].name], ["a", "run-a"]);
  assert.equal(merged.rows[0].group!.members[0].values["summary.loss"], 3);
  // a tag row of fewer runs than it holds (its other runs were not polled) is left as it is
  const tagged = [config([run("a", "running"), run("c", "finished")], "x")];
  assert.equal(mergeLiveRows(tagged, [config([run("a", "running", { v: 1 })], "x")], ["a"]).rows[0], tagged[0]);
  const ended = mergeLiveRows(held, [config([run("a", "finished"), run("b", "finished")])], ["a", "b"]);
  assert.equal(ended.ended, true);
});
