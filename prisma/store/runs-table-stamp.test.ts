import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, createEndedRun, createRun, deleteRun, disconnectPrisma, queryRunsTable, runsTableStamp, TableFilter, updateRunMeta, type TableQuery } from "./index";

// The runs table's stamp (runsTableStamp): how many runs match a view and when the newest was
// created, which the live table polls to know when to read its pages again. It must agree with
// what a page read says (or the table would read its pages on every poll), and move when runs
// come into the view or leave it: created, deleted, archived, or a live value crossing a filter.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-stamp-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "stamp.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const project = "stamp";
const ended = async (valLoss: number, createdAt: string) => {
  const at = new Date(createdAt);
  const run = await createEndedRun({ project, config: { lr: valLoss }, state: "finished", startedAt: at, finishedAt: at, lastStep: 1 });
  await appendRunEvents([{ runId: run.id, metrics: [{ step: 1, time: 1, values: { val_loss: valLoss } }] }]);
  return run;
};
const logValLoss = (runId: string, step: number, valLoss: number) => appendRunEvents([{ runId, metrics: [{ step, time: step, values: { val_loss: valLoss } }] }]);

describe("the runs table's stamp", () => {
  it("agrees with a page read, grouped or not, and moves when runs are created, deleted, archived or cross the filter", async () => {
    await ended(0.5, "2026-01-01T00:00:00.000Z");
    const high = await ended(1.5, "2026-01-02T00:00:00.000Z");
    const low = await ended(0.8, "2026-01-03T00:00:00.000Z");
    const live = await createRun({ project, config: { lr: 0.9 }, claimedBy: "test" });
    await logValLoss(live.id, 1, 0.9);
    const all: Omit<TableQuery, "columns"> = { project, archived: "hide" };
    const filtered: Omit<TableQuery, "columns"> = { ...all, filters: [TableFilter.parse("summary.val_loss<1")] };
    const columns = ["summary.val_loss"];

    // what the live route says is what the table's pages say
    const agree = async (view: Omit<TableQuery, "columns">, runs: number) => {
      const { all: _all, ...stamp } = await runsTableStamp(view);
      assert.equal(stamp.runs, runs);
      for (const grouping of [{}, { groupSeeds: true }, { groupRuns: true }, { groupTags: true }]) {
        const page = await queryRunsTable({ ...view, ...grouping, columns, limit: 1 });
        assert.deepEqual({ runs: page.runs, newest: page.newest }, stamp, JSON.stringify(grouping));
      }
      return stamp;
    };
    let stampAll = await agree(all, 4);
    let stampLow = await agree(filtered, 3);
    assert.equal(stampAll.newest, live.createdAt);

    // a run created elsewhere: the newest moves, and the count
    const created = await createRun({ project, config: { lr: 0.1 } });
    const next = await agree(all, 5);
    assert.equal(next.newest, created.createdAt);
    assert.notEqual(next.newest, stampAll.newest);
    stampAll = next;

    // the running run's loss rises above 1: it leaves the filtered view (and its live rows)
    await logValLoss(live.id, 2, 1.2);
    const risen = await agree(filtered, 2);
    assert.notDeepEqual(risen, stampLow);
    assert.deepEqual((await queryRunsTable({ ...filtered, columns, ids: [live.id, low.id] })).rows.map((r) => r.id), [low.id]);
    // and back below: it comes back
    await logValLoss(live.id, 3, 0.7);
    stampLow = await agree(filtered, 3);

    // archived: hidden, so counted out; deleted: gone
    await updateRunMeta(low.id, { archived: true });
    await agree(filtered, 2);
    await agree({ ...filtered, archived: "include" }, 3);
    assert.equal((await deleteRun(high.id)).ok, true);
    await agree(all, 3);
    // a view nothing matches
    assert.deepEqual(await agree({ ...all, filters: [TableFilter.parse("summary.val_loss>100")] }, 0), { runs: 0, newest: null });
    // and how many runs there are in all, whatever the view
    assert.equal((await runsTableStamp({ ...all, filters: [TableFilter.parse("summary.val_loss>100")] })).all, (await queryRunsTable({ columns: [], archived: "include" })).runs);
  });
});
