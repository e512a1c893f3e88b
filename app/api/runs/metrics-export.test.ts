import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { appendRunEvents, createEndedRun, disconnectPrisma, metricHistory, type RunEventBatch } from "../../../prisma/store";
import * as csvRoute from "./[id]/metrics.csv/route";
import * as jsonlRoute from "./[id]/metrics.jsonl/route";

// GET /api/runs/:id/metrics.csv and .jsonl through the route handlers, in-process, against a
// real SQLite file: every value of the download is compared with what the file holds (and
// with what was logged), for NaN, ±Infinity, decimals that need every digit, sparse metrics,
// a step logged in two batches, and runs longer than one page.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-metrics-export-"));
const dbFile = path.join(dir, "export.db");
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.SWEEPLAB_DATA_DIR = dir;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
type Route = typeof csvRoute | typeof jsonlRoute;
const get = (route: Route, id: string) => route.GET(new Request(`http://x/api/runs/${id}/metrics`), ctx(id));

/** The body of a streamed answer, and how many chunks it came in. */
async function readBody(res: Response): Promise<{ text: string; chunks: number }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), chunks };
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
}

interface StoredStep {
  time: number;
  /** null: NaN (SQLite has no NaN) */
  values: Map<string, number | null>;
}

/** What the file holds for a run, straight from it: per step, the latest wallTime and each metric's value. */
function stored(runId: string): { names: string[]; steps: Map<number, StoredStep> } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const rows = db.prepare(`SELECT name, step, value, wallTime FROM Metric WHERE runId = ? ORDER BY step, name`).all(runId) as { name: string; step: number; value: number | null; wallTime: number }[];
    const steps = new Map<number, StoredStep>();
    for (const r of rows) {
      const s = steps.get(r.step) ?? { time: r.wallTime, values: new Map() };
      s.time = Math.max(s.time, r.wallTime);
      s.values.set(r.name, r.value);
      steps.set(r.step, s);
    }
    return { names: [...new Set(rows.map((r) => r.name))].sort(), steps };
  } finally {
    db.close();
  }
}

const sameNumber = (actual: number, expected: number | null, where: string) =>
  assert.ok(expected === null ? Number.isNaN(actual) : Object.is(actual, expected), `${where}: got ${actual}, stored ${expected}`);

/** The CSV download checked value by value against the file; returns how many chunks it streamed in. */
async function checkCsv(runId: string): Promise<number> {
  const res = await get(csvRoute, runId);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/csv/);
  const { text, chunks } = await readBody(res);
  const [header, ...rows] = parse(text, { relax_column_count: false }) as string[][];
  const { names, steps } = stored(runId);
  assert.deepEqual(header, ["step", "time", ...names]);
  assert.deepEqual(
    rows.map((r) => Number(r[0])),
    [...steps.keys()],
    "one row per stored step, in step order",
  );
  for (const row of rows) {
    const step = Number(row[0]);
    const want = steps.get(step)!;
    sameNumber(Number(row[1]), want.time, `time at step ${step}`);
    names.forEach((name, i) => {
      const cell = row[2 + i];
      if (!want.values.has(name)) return assert.equal(cell, "", `${name} has no point at step ${step}`);
      assert.notEqual(cell, "", `${name} at step ${step}`);
      sameNumber(Number(cell), want.values.get(name)!, `${name} at step ${step}`);
    });
  }
  return chunks;
}

/** The JSON lines download checked likewise. */
async function checkJsonl(runId: string): Promise<number> {
  const res = await get(jsonlRoute, runId);
  assert.equal(res.status, 200);
  const { text, chunks } = await readBody(res);
  assert.ok(text.endsWith("\n"));
  const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
  const { steps } = stored(runId);
  assert.deepEqual(lines.map((l) => l._step), [...steps.keys()]);
  const named = (v: number | null) => (v === null ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);
  for (const line of lines) {
    const want = steps.get(line._step as number)!;
    const { _step, _time, ...values } = line;
    assert.equal(_time, want.time, `_time at step ${_step}`);
    assert.deepEqual(values, Object.fromEntries([...want.values].map(([k, v]) => [k, named(v)])), `step ${_step}`);
    assert.deepEqual(Object.keys(values), Object.keys(values).sort(), "names in sorted order");
  }
  return chunks;
}

const endedRun = (name: string) => {
  const now = new Date();
  return createEndedRun({ sweepId: null, name, config: { task: "quadrant" }, state: "finished", startedAt: now, finishedAt: now });
};

describe("GET /api/runs/:id/metrics.csv and metrics.jsonl", () => {
  it("carry every stored point: NaN, ±Infinity, every digit, sparse metrics, a step logged twice", async () => {
    const run = await endedRun("odd values / run");
    const logged: RunEventBatch["metrics"] = [];
    for (let step = 0; step < 12; step++) {
      const values: Record<string, number | null> = { loss: 0.1 + 0.2 + step / 3 };
      if (step % 3 === 0) values.acc = step === 3 ? null : step === 6 ? NaN : 1 / (step + 7);
      if (step === 5) values["val/loss"] = Infinity;
      if (step === 9) values["val/loss"] = -Infinity;
      if (step === 10) Object.assign(values, { tiny: 5e-324, huge: 1.7976931348623157e308, small: 1e-300, constructor: 2 / 3 });
      logged.push({ step, time: step * 0.1 + 1e-9, values });
    }
    await appendRunEvents([{ runId: run.id, seq: 1, metrics: logged }]);
    // step 11 again, later, with another metric: one row, the later time
    await appendRunEvents([{ runId: run.id, seq: 2, metrics: [{ step: 11, time: 7.25, values: { late: 0.30000000000000004 } }] }]);

    const { steps } = stored(run.id);
    // what was logged is what is stored (NaN as NULL)
    for (const m of logged) for (const [k, v] of Object.entries(m.values)) sameNumber(steps.get(m.step)!.values.get(k) ?? NaN, v === null || Number.isNaN(v) ? null : v, `${k}@${m.step}`);
    assert.equal(steps.get(11)!.time, 7.25);

    await checkCsv(run.id);
    await checkJsonl(run.id);

    // spot checks of the text itself: no decimal is rounded, non-finite values are named
    const csv = await readBody(await get(csvRoute, run.id));
    assert.match(csv.text, /^step,time,acc,constructor,huge,late,loss,small,tiny,val\/loss\n/);
    assert.match(csv.text, /\n0,1e-9,0\.14285714285714285,,,,0\.30000000000000004,,,\n/);
    assert.match(csv.text, /\n3,0\.30000000100000007,NaN,,,,1\.3,,,\n/);
    assert.match(csv.text, /\n5,[^,]+,,,,,[^,]+,,,Infinity\n/);
    assert.match(csv.text, /\n9,[^,]+,[^,]+,,,,[^,]+,,,-Infinity\n/);
    assert.match(csv.text, /\n10,[^,]+,,0\.6666666666666666,1\.7976931348623157e\+308,,[^,]+,1e-300,5e-324,\n/);
    const jsonl = (await readBody(await get(jsonlRoute, run.id))).text.split("\n");
    assert.equal(jsonl[3], `{"_step":3,"_time":0.30000000100000007,"acc":"NaN","loss":1.3}`);
    assert.equal(jsonl[11], `{"_step":11,"_time":7.25,"late":0.30000000000000004,"loss":3.966666666666667}`);
  });

  it("stream a run of more than one page in pages, in step order, every point once", async () => {
    const run = await endedRun("long");
    // dense every step, sparse every 97th, one metric only near the end, one that stops early
    const STEPS = 12_000;
    const batches: RunEventBatch[] = [];
    for (let start = 0, seq = 1; start < STEPS; start += 2000, seq++) {
      const metrics = [];
      for (let step = start; step < start + 2000; step++) {
        const values: Record<string, number | null> = { dense: Math.sin(step) / 7 };
        if (step % 97 === 0) values.sparse = step % 2 ? NaN : step * 1.1;
        if (step >= STEPS - 300) values["val/late"] = 1 / step;
        if (step < 500) values.early = -step / 3;
        metrics.push({ step, time: step / 1000, values });
      }
      batches.push({ runId: run.id, seq, metrics });
    }
    await appendRunEvents(batches);
    const { steps } = stored(run.id);
    assert.equal(steps.size, STEPS);

    // the downloads read 20,000 points a page: this run has more than one
    assert.ok((await checkCsv(run.id)) >= 2, "the CSV came in more than one chunk");
    assert.ok((await checkJsonl(run.id)) >= 2, "the JSON lines came in more than one chunk");

    // small pages: each holds at most ~pageRows points (100 per metric here), the steps go on
    // increasing across pages, and together they are every step once
    let pages = 0;
    let last = -1;
    let seen = 0;
    for await (const page of metricHistory(run.id, undefined, 200)) {
      pages++;
      const points = page.reduce((n, r) => n + r.values.size, 0);
      assert.ok(points <= 4 * 100, `a page of ${points} points`);
      for (const r of page) {
        assert.ok(r.step > last, `step ${r.step} after ${last}`);
        last = r.step;
        seen++;
        assert.deepEqual([...r.values.keys()], [...steps.get(r.step)!.values.keys()].sort());
      }
    }
    assert.equal(seen, STEPS);
    assert.ok(pages > STEPS / 100, `${pages} pages`);
  });

  it("an empty run is a header and nothing else; 404 with the error shape for an unknown run; a file name naming the run", async () => {
    const run = await endedRun("nothing yet");
    const csv = await get(csvRoute, run.id);
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get("content-disposition"), `attachment; filename="nothing-yet-${run.id}-metrics.csv"`);
    assert.equal(await csv.text(), "step,time\n");
    const jsonl = await get(jsonlRoute, run.id);
    assert.equal(jsonl.headers.get("content-disposition"), `attachment; filename="nothing-yet-${run.id}-metrics.jsonl"`);
    assert.equal(await jsonl.text(), "");
    for (const route of [csvRoute, jsonlRoute]) {
      for (const id of ["zzzz9999", "../etc"]) {
        const res = await get(route, id);
        assert.equal(res.status, 404);
        const body = (await res.json()) as { error: string; issues: unknown[] };
        assert.match(body.error, /^run .* not found/);
        assert.deepEqual(body.issues, []);
      }
    }
  });
});
