import assert from "node:assert/strict";
import { test } from "node:test";
import { RUN_STATES, type RunState } from "../../sweeps/states.ts";
import { PALETTE, runColors } from "./colors.ts";
import { spansDecades, sweepCurveSeries } from "./sweep-curves.ts";
import { sortImportance } from "./sweep-importance.ts";
import { doneCount, isActive, progressSegments, rerunText, slotsText, tableSignature } from "./sweep-progress.ts";
import { formatDuration } from "./format.ts";
import { decodeSort, liveRuntime, sortRuns } from "./sweep-table.ts";

const counts = (c: Partial<Record<RunState, number>>) => ({ ...(Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>), ...c });
const sweep = (state: "running" | "paused" | "finished" | "cancelled" | "failed") => ({ id: "s", name: "s", state, stateReason: null, createdAt: "", finishedAt: null });

test("progress bar: failed groups failed, diverged and crashed; shares of the expected total", () => {
  const segs = progressSegments(counts({ finished: 2, diverged: 1, crashed: 1, running: 2, queued: 2 }), 16);
  assert.deepEqual(segs.map((s) => [s.key, s.count]), [["finished", 2], ["pruned", 0], ["failed", 2], ["stopped", 0], ["running", 2], ["queued", 2], ["deleted", 0]]);
  assert.equal(segs[0].share, 2 / 16);
  // more runs than expected (re-runs): shares never exceed the bar
  assert.ok(progressSegments(counts({ finished: 20 }), 16)[0].share <= 1);
  assert.equal(doneCount(counts({ finished: 2, pruned: 1, stopped: 1, running: 3, queued: 5 })), 4);
  // a deleted run keeps its place on the bar, marked, instead of a gap that looks unfinished
  const gone = progressSegments(counts({ finished: 26 }), 27, 1);
  assert.deepEqual([gone.at(-1)!.key, gone.at(-1)!.count, gone.at(-1)!.share], ["deleted", 1, 1 / 27]);
});

test("the table is refetched when counts, best or state change — not when only steps move", () => {
  const a = { counts: counts({ running: 2 }), best: null, sweep: sweep("running") };
  assert.equal(tableSignature(a), tableSignature({ ...a }));
  assert.notEqual(tableSignature(a), tableSignature({ ...a, counts: counts({ running: 1, finished: 1 }) }));
  assert.notEqual(tableSignature(a), tableSignature({ ...a, sweep: sweep("paused") }));
  assert.equal(isActive(a), true);
  assert.equal(isActive({ counts: counts({}), sweep: sweep("finished") }), false);
  assert.equal(isActive({ counts: counts({ running: 1 }), sweep: sweep("cancelled") }), true);
});

test("table sort: numbers, text with numbers, missing values last either way", () => {
  const r = (index: number, v: number | null, name = `run-${index}`) => ({ id: String(index), name, state: "finished", index, lastStep: 0, runtime: null, config: {}, params: { lr: v }, summary: { val_loss: v } });
  const runs = [r(0, 2), r(1, null), r(2, 1), r(3, 3)];
  assert.deepEqual(sortRuns(runs, { field: "summary.val_loss", desc: false }).map((x) => x.index), [2, 0, 3, 1]);
  assert.deepEqual(sortRuns(runs, { field: "summary.val_loss", desc: true }).map((x) => x.index), [3, 0, 2, 1]);
  assert.deepEqual(sortRuns([r(0, 1, "run-10"), r(1, 1, "run-9")], { field: "name", desc: false }).map((x) => x.name), ["run-9", "run-10"]);
  assert.deepEqual(sortRuns(runs, { field: "config.lr", desc: false }).map((x) => x.index), [2, 0, 3, 1]);
  // a key only some branches have (issue 16): a run without it sorts with the missing, not by the default its config kept
  const tree = [{ ...r(0, 0.9), params: {}, config: { momentum: 0.9 } }, { ...r(1, 0.5), params: { momentum: 0.5 }, config: { momentum: 0.5 } }, { ...r(2, 0.7), params: { momentum: 0.7 }, config: { momentum: 0.7 } }];
  assert.deepEqual(sortRuns(tree, { field: "config.momentum", desc: true }, new Set(["momentum"])).map((x) => x.index), [2, 1, 0]);
  assert.deepEqual(sortRuns(tree, { field: "config.momentum", desc: true }).map((x) => x.index), [0, 2, 1]);
  assert.deepEqual(decodeSort("-summary.val_loss_best", { field: "index", desc: false }), { field: "summary.val_loss_best", desc: true });
  assert.deepEqual(decodeSort("drop table", { field: "index", desc: false }), { field: "index", desc: false });
});

test("importance rows sort by share or by |correlation|", () => {
  const rows = [
    { param: "a", importance: 0.2, correlation: -0.9, spearman: null, interval: [0.1, 0.3] as [number, number], rankedFirst: 0.1 },
    { param: "b", importance: 0.7, correlation: 0.1, spearman: null, interval: [0.5, 0.8] as [number, number], rankedFirst: 0.9 },
    { param: "c", importance: 0.1, correlation: null, spearman: null, interval: null, rankedFirst: null },
  ];
  assert.deepEqual(sortImportance(rows, "importance").map((r) => r.param), ["b", "a", "c"]);
  assert.deepEqual(sortImportance(rows, "correlation").map((r) => r.param), ["a", "b", "c"]);
});

test("curves: one per run that logged the metric, brush respected; log y when they span decades", () => {
  const data = {
    runs: [
      { id: "a", name: "a", state: "finished" as const, sweepId: "s", config: {}, params: {}, summary: {}, startedAt: null },
      { id: "b", name: "b", state: "pruned" as const, sweepId: "s", config: {}, params: {}, summary: {}, startedAt: "2026-01-01T00:00:00Z" },
      { id: "c", name: "c", state: "queued" as const, sweepId: "s", config: {}, params: {}, summary: {}, startedAt: null },
    ],
    names: ["val_loss"],
    series: { a: { val_loss: [[10, 2, 1] as [number, number, number], [20, 1.5, 2] as [number, number, number]] }, b: { val_loss: [[10, 0.01, 1] as [number, number, number]] } },
    missing: [],
  };
  const colors = runColors(["b", "a", "c"]);
  const all = sweepCurveSeries(data, "val_loss", null, colors);
  assert.deepEqual(all.map((c) => [c.runId, c.state, c.points.length]), [["a", "finished", 2], ["b", "pruned", 1]]);
  // the page's colours, not the order the curves come in
  assert.deepEqual(all.map((c) => c.color), [PALETTE[1], PALETTE[0]]);
  assert.deepEqual(sweepCurveSeries(data, "val_loss", new Set(["b"]), colors).map((c) => c.runId), ["b"]);
  assert.equal(spansDecades(all), true);
  assert.equal(spansDecades(all.slice(0, 1)), false);
});

test("a running run's runtime counts on from when the list was read; ended and queued runs stay as read", () => {
  const readAt = 1_000_000;
  const running = { runtime: 104, startedAt: "2026-01-01T00:00:00.000Z", finishedAt: null };
  assert.equal(liveRuntime(running, readAt, readAt), 104);
  // 1m 44s when read, 3m 26s now
  assert.equal(formatDuration(liveRuntime(running, readAt, readAt + 102_000)), "3m 26s");
  assert.equal(liveRuntime(running, readAt, readAt - 5000), 104, "a clock behind the read never counts back");
  assert.equal(liveRuntime({ ...running, finishedAt: "2026-01-01T00:01:44.000Z" }, readAt, readAt + 60_000), 104, "finished: as read");
  assert.equal(liveRuntime({ runtime: null, startedAt: null, finishedAt: null }, readAt, readAt + 60_000), null, "queued: none");
});

test("re-runs are counted beside the sweep's budget, and keep the page live while they train", () => {
  assert.equal(rerunText(counts({})), null);
  assert.equal(rerunText(counts({ finished: 1 })), "1 re-run");
  assert.equal(rerunText(counts({ finished: 1, running: 1 })), "2 re-runs (1 running)");
  const ended = { counts: counts({ finished: 9 }), best: null, sweep: sweep("finished") };
  assert.equal(isActive(ended), false);
  assert.equal(isActive({ ...ended, reruns: counts({ queued: 1 }) }), true, "a queued re-run of a finished sweep");
  assert.notEqual(tableSignature(ended), tableSignature({ ...ended, reruns: counts({ running: 1 }) }), "a new re-run refreshes the table");
});

test("the runs at a time a time left assumes, in words", () => {
  assert.equal(slotsText({ here: 2, elsewhere: 0 }), "2 runs at a time on this server");
  assert.equal(slotsText({ here: 0, elsewhere: 1 }), "1 run at a time, all elsewhere (agents, other servers)");
  assert.equal(slotsText({ here: 1, elsewhere: 2 }), "3 runs at a time: 1 on this server, 2 elsewhere (agents, other servers)");
});
