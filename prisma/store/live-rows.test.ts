import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, claimNextRun, createRun, disconnectPrisma, listDiagnostics, listSamples, readDiagnostics, readSamples, type HeldRows, type RowsRead } from "./index";

// A live run page's samples and diagnostics (readSamples / readDiagnostics): all of them, or
// those stored after what the page holds — as long as the store still holds what the page does.
// On SQLite, and on PostgreSQL with SWEEPLAB_TEST_DATABASE=postgresql.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-live-rows-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "live-rows.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function liveRun() {
  const run = await createRun({ config: { task: "charlm" } });
  await claimNextRun("local:live-rows");
  return run.id;
}

/** Steps `from`..`to`: a sample each, and a grad_flow and a saturation diagnostic each. */
const steps = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const events = (runId: string, from: number, to: number, extra: { resumedFrom?: number } = {}) => ({
  runId,
  ...extra,
  samples: steps(from, to).map((step) => ({ step, temperature: 0.8, text: `sample ${step}` })),
  diagnostics: steps(from, to).flatMap((step) => [
    { step, kind: "grad_flow", data: { norms: [step, step / 2] } },
    { step, kind: "saturation", data: { share: step / 100 } },
  ]),
});

/** What a page that read `read` holds: its count and largest id. */
const heldOf = (read: RowsRead<unknown>): HeldRows => ({ count: read.rows.length, lastId: Math.max(0, ...read.rows.map((r) => r.id)) });

describe("a live page's samples and diagnostics", () => {
  it("all of them with ids in (step, id) order, as listSamples / listDiagnostics read them; then only those stored after what the page holds, none when nothing is new", async () => {
    const runId = await liveRun();
    await appendRunEvents([events(runId, 1, 30)]);
    const samples = await readSamples(runId);
    const diagnostics = await readDiagnostics(runId);
    assert.equal(samples.after, undefined);
    assert.equal(diagnostics.after, undefined);
    assert.deepEqual(samples.rows.map(({ id: _, ...s }) => s), await listSamples(runId));
    assert.deepEqual(diagnostics.rows.map(({ id: _, ...d }) => d), await listDiagnostics(runId));
    assert.equal(diagnostics.rows.length, 60);

    // nothing new: no rows, `after` says they are the ones after what it holds
    assert.deepEqual(await readSamples(runId, heldOf(samples)), { rows: [], after: heldOf(samples).lastId });
    assert.deepEqual(await readDiagnostics(runId, heldOf(diagnostics)), { rows: [], after: heldOf(diagnostics).lastId });

    // ten more steps: those ten only; held + new = a fresh read
    await appendRunEvents([events(runId, 31, 40)]);
    const newSamples = await readSamples(runId, heldOf(samples));
    const newDiagnostics = await readDiagnostics(runId, heldOf(diagnostics));
    assert.deepEqual(newSamples.rows.map((s) => s.step), steps(31, 40));
    assert.equal(newDiagnostics.rows.length, 20);
    assert.deepEqual([...samples.rows, ...newSamples.rows], (await readSamples(runId)).rows);
    assert.deepEqual([...diagnostics.rows, ...newDiagnostics.rows], (await readDiagnostics(runId)).rows);
    // a page that holds none yet gets them all, as after id 0
    assert.equal((await readSamples(runId, { count: 0, lastId: 0 })).rows.length, 40);
  });

  it("all of them again when the store no longer holds what the page does: a run resumed from an earlier step dropped some, or the page's count is not the store's", async () => {
    const runId = await liveRun();
    await appendRunEvents([events(runId, 1, 20)]);
    const samples = await readSamples(runId);
    const diagnostics = await readDiagnostics(runId);
    // resumed from its checkpoint at step 12: steps 13..20 are dropped and logged again (new ids)
    await appendRunEvents([events(runId, 13, 22, { resumedFrom: 12 })]);
    const polledSamples = await readSamples(runId, heldOf(samples));
    const polledDiagnostics = await readDiagnostics(runId, heldOf(diagnostics));
    assert.equal(polledSamples.after, undefined, "a whole answer");
    assert.equal(polledDiagnostics.after, undefined, "a whole answer");
    assert.deepEqual(polledSamples.rows.map((s) => s.step), steps(1, 22));
    assert.deepEqual(polledSamples.rows.map((s) => s.text), steps(1, 22).map((s) => `sample ${s}`));
    assert.deepEqual(polledDiagnostics, await readDiagnostics(runId));
    // a page whose count is off (a row it never got, committed late below its last id)
    const held = heldOf(polledSamples);
    assert.equal((await readSamples(runId, { ...held, count: held.count - 1 })).after, undefined);
    assert.equal((await readSamples(runId, held)).after, held.lastId);
  });

  it("only the run's own rows, whatever other runs store meanwhile", async () => {
    const [a, b] = [await liveRun(), await liveRun()];
    await appendRunEvents([events(a, 1, 5), events(b, 1, 5)]);
    const held = heldOf(await readSamples(a));
    await appendRunEvents([events(b, 6, 9), events(a, 6, 7)]);
    const polled = await readSamples(a, held);
    assert.equal(polled.after, held.lastId);
    assert.deepEqual(polled.rows.map((s) => s.step), [6, 7]);
  });
});
