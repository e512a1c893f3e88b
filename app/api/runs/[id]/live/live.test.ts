import { testDatabaseUrl } from "../../../../../prisma/testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, claimNextRun, createRun, disconnectPrisma, finishRun } from "../../../../../prisma/store";
import type { RunLiveData } from "../../../../runs/[id]/data";
import { LOG_LINES, mergeLogTail } from "../../../../_lib/log-tail";
import { heldRowsQuery, mergeLiveRows } from "../../../../_lib/live-rows";
import { GET } from "./route";

// GET /api/runs/:id/live, the run page's poll, in-process: the samples and diagnostics after what
// the page holds while the run trains, all of them once it has ended, and its query checked.
// On SQLite, and on PostgreSQL with SWEEPLAB_TEST_DATABASE=postgresql.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-live-route-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "live.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function poll(id: string, query = ""): Promise<{ status: number; body: RunLiveData & { issues?: { path: string }[] } }> {
  const res = await GET(new Request(`http://x/api/runs/${id}/live?${query}`), { params: Promise.resolve({ id }) });
  return { status: res.status, body: (await res.json()) as RunLiveData & { issues?: { path: string }[] } };
}

/** `n` log lines, "line <from>" on. */
const logLines = (runId: string, from: number, n: number) =>
  appendRunEvents([{ runId, logs: Array.from({ length: n }, (_, i) => ({ level: "info", step: from + i, message: `line ${from + i}` })) }]);

/** A running run that has logged `n` lines, a writer of more, and the page's first read. */
async function runWithLines(n: number) {
  const run = await createRun({ config: { task: "charlm" } });
  await claimNextRun("local:live-route");
  const lines = (from: number, count: number) => logLines(run.id, from, count);
  await lines(0, n);
  return { run, lines, first: (await poll(run.id)).body };
}

const logged = (runId: string, from: number, to: number) => {
  const steps = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return appendRunEvents([
    {
      runId,
      metrics: steps.map((step) => ({ step, time: step, values: { train_loss: 1 / step } })),
      samples: steps.map((step) => ({ step, temperature: 0.8, text: `text at ${step} `.repeat(20) })),
      diagnostics: steps.flatMap((step) => [{ step, kind: "grad_flow", data: { norms: Array(32).fill(step) } }, { step, kind: "saturation", data: { share: 0.1 } }]),
    },
  ]);
};

/** The poll's query for what `held` holds, as the page builds it. */
const heldQuery = (held: RunLiveData) => `${heldRowsQuery("samples", held.samples)}&${heldRowsQuery("diagnostics", held.diagnostics)}`;

describe("the run page's live poll", () => {
  it("while the run trains: only the samples and diagnostics stored since the last poll; once it has ended, all of them, as a fresh load", async () => {
    const run = await createRun({ config: { task: "charlm" } });
    await claimNextRun("local:live-route");
    await logged(run.id, 1, 200);
    let held = (await poll(run.id)).body;
    assert.equal(held.samples.length, 200);
    assert.equal(held.samplesAfter, undefined);

    // nothing new: an answer with no rows
    const idle = await poll(run.id, heldQuery(held));
    assert.deepEqual([idle.body.samples, idle.body.diagnostics], [[], []]);
    assert.equal(typeof idle.body.samplesAfter, "number");

    await logged(run.id, 201, 205);
    const next = (await poll(run.id, heldQuery(held))).body;
    assert.deepEqual(next.samples.map((s) => s.step), [201, 202, 203, 204, 205]);
    assert.equal(next.diagnostics.length, 10);
    const rowBytes = (d: RunLiveData) => JSON.stringify([d.samples, d.diagnostics]).length;
    const whole = rowBytes((await poll(run.id)).body);
    assert.ok(rowBytes(next) * 20 < whole, `the poll's samples and diagnostics (${rowBytes(next)} B) are a small part of all (${whole} B)`);
    held = { ...next, samples: mergeLiveRows(held.samples, next.samples, next.samplesAfter), diagnostics: mergeLiveRows(held.diagnostics, next.diagnostics, next.diagnosticsAfter) };
    const fresh = (await poll(run.id)).body;
    assert.deepEqual([held.samples, held.diagnostics], [fresh.samples, fresh.diagnostics]);

    // ended: the answer is whole whatever the page holds
    await logged(run.id, 206, 206);
    await finishRun(run.id, { state: "finished" });
    const last = (await poll(run.id, heldQuery(held))).body;
    assert.equal(last.samplesAfter, undefined);
    assert.equal(last.diagnosticsAfter, undefined);
    assert.equal(last.samples.length, 206);
    assert.deepEqual([last.samples, last.diagnostics], [(await poll(run.id)).body.samples, (await poll(run.id)).body.diagnostics]);
  });

  it("a poll after a burst of log lines brings the last LOG_LINES of them, all the page keeps, not every line since its last", async () => {
    const { run, lines, first } = await runWithLines(10);
    assert.equal(first.logs.length, 10);
    // a fast run prints 5,000 lines between two polls
    await lines(10, 5000);
    const next = (await poll(run.id, `after=${first.logs.at(-1)!.id}`)).body;
    assert.equal(next.logs.length, LOG_LINES);
    assert.deepEqual([next.logs[0].message, next.logs.at(-1)!.message], [`line ${5010 - LOG_LINES}`, "line 5009"]);
    assert.equal(next.logCount, 5010);
    // what the page then holds is what a fresh load shows
    assert.deepEqual(mergeLogTail(first.logs, next.logs, LOG_LINES), (await poll(run.id)).body.logs);
    // a few more: just those
    await lines(5010, 3);
    assert.deepEqual((await poll(run.id, `after=${next.logs.at(-1)!.id}`)).body.logs.map((l) => l.message), ["line 5010", "line 5011", "line 5012"]);
  });

  it("a poll that holds the log count gets it plus the lines after, equal to a fresh count, without counting the whole console", async () => {
    const { run, lines, first } = await runWithLines(7);
    assert.equal(first.logCount, 7);
    let held = { logs: first.logs, logCount: first.logCount };
    // a few new lines (no count query), a burst of more than LOG_LINES (counted from after), none at all
    for (const n of [3, LOG_LINES + 150, 0]) {
      await lines(held.logCount, n);
      const next = (await poll(run.id, `after=${held.logs.at(-1)!.id}&logs=${held.logCount}`)).body;
      held = { logs: mergeLogTail(held.logs, next.logs, LOG_LINES), logCount: Math.max(held.logCount, next.logCount) };
      const fresh = (await poll(run.id)).body;
      assert.equal(next.logCount, fresh.logCount, `after ${n} new lines`);
      assert.deepEqual(held.logs, fresh.logs);
    }
    assert.equal(held.logCount, 7 + 3 + LOG_LINES + 150);
    // the count goes on from the one the page holds: the server does not count the lines before `after` again
    assert.equal((await poll(run.id, `after=${held.logs.at(-1)!.id}&logs=1000000`)).body.logCount, 1_000_000);
    assert.equal((await poll(run.id, `after=${held.logs.at(-3)!.id}&logs=5`)).body.logCount, 7);
  });

  it("a bad held count or id answers 400 naming the field; a count without its id too", async () => {
    const run = await createRun({ config: { task: "charlm" } });
    for (const [query, field] of [
      ["samples=-1&samplesAfter=3", "samples"],
      ["samples=2&samplesAfter=x", "samplesAfter"],
      ["diagnostics=1.5&diagnosticsAfter=3", "diagnostics"],
      ["diagnostics=1&diagnosticsAfter=99999999999", "diagnosticsAfter"],
      ["samples=2", "samples"],
      ["diagnosticsAfter=2", "diagnostics"],
      ["after=3&logs=-2", "logs"],
      ["logs=4", "logs"],
    ]) {
      const { status, body } = await poll(run.id, query);
      assert.equal(status, 400, query);
      assert.deepEqual(body.issues?.map((i) => i.path), [field], query);
    }
    assert.equal((await poll(run.id, "samples=0&samplesAfter=0&diagnostics=0&diagnosticsAfter=0&after=0&logs=0")).status, 200);
  });
});
