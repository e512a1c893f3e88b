import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { copyDatabase, TABLES } from "./copy";
import { seedFixture } from "./fixtures";
import { createScratchDatabase } from "./postgres";
import {
  listLogs,
  appendRunEvents,
  createRun,
  createSweep,
  disconnectPrisma,
  exportRunsCsv,
  listRuns,
  readPoints,
  saveView,
} from "./store";
import { sweepMetricPointsSince } from "./store/executor-store";

// npm run db:copy: a SQLite history on PostgreSQL, read back through the store on each database
// and compared — the CSV a user exports, a run's raw points (NaN and ±Infinity among them), early
// termination's ledger order, log lines — and a second copy that changes nothing.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-copy-"));
const sqliteUrl = `file:${path.join(dir, "history.db")}`;
const pgDb = await createScratchDatabase("sweeplab_copy");
after(async () => {
  await disconnectPrisma();
  await pgDb.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the store answers on `url` (a fresh client on that database). */
async function readAll(url: string, runIds: string[], sweepId: string) {
  await disconnectPrisma();
  process.env.DATABASE_URL = url;
  const csv = await exportRunsCsv({ limit: 10_000 });
  const runs = (await listRuns({ limit: 10_000 })).runs.map((r) => ({ ...r, heartbeatAt: r.heartbeatAt }));
  const points = await readPoints(runIds[0], "val_loss");
  const ledger = (await sweepMetricPointsSince(sweepId, "val_loss")).map(({ runId, step, value }) => [runId, step, value]);
  const logs = (await listLogs(runIds[0], { limit: 1000 })).map((l) => [l.step, l.level, l.message]);
  return { csv, runs, points, ledger, logs };
}

describe("npm run db:copy (SQLite → PostgreSQL)", () => {
  let runIds: string[] = [];
  let sweepId = "";

  it("copies a history and the store reads the same from both", async () => {
    process.env.DATABASE_URL = sqliteUrl;
    const seeded = await seedFixture({ sweeps: 2, runsPerSweep: 5, points: 120 });
    const sweep = await createSweep({ config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 3 });
    sweepId = sweep.id;
    const run = await createRun({ sweepId, name: "odd-values", config: { task: "charlm", learning_rate: 0.003 }, params: { learning_rate: 0.003 } });
    // points of two runs interleaved (the ledger's order), non-finite values, a sample, a diagnostic, a log line
    const other = await createRun({ sweepId, name: "second", config: { task: "charlm" }, params: {} });
    for (let s = 1; s <= 5; s++) {
      await appendRunEvents([
        { runId: run.id, seq: s, metrics: [{ step: s * 10, time: s * 0.5, values: { val_loss: s === 2 ? Number.NaN : s === 3 ? Number.POSITIVE_INFINITY : s === 4 ? Number.NEGATIVE_INFINITY : 1 / (s + 0.1) } }], logs: [{ step: s * 10, level: "info", message: `step ${s}` }], samples: s === 5 ? [{ step: 50, temperature: 0.8, text: "to be, or not" }] : [], diagnostics: s === 5 ? [{ step: 50, kind: "grad_norms", data: [0.5, 0.25] }] : [] },
        { runId: other.id, seq: s, metrics: [{ step: s * 10, time: s * 0.5, values: { val_loss: 2 / s } }] },
      ]);
    }
    await saveView({ project: "default", page: "compare", name: "mine", query: "runs=a,b" });
    runIds = [run.id, other.id, ...seeded.runIds];
    const before = await readAll(sqliteUrl, runIds, sweepId);
    await disconnectPrisma();

    const report = await copyDatabase(sqliteUrl, pgDb.url);
    assert.deepEqual(report.tables.map((t) => t.table), TABLES.map(([t]) => t));
    for (const t of report.tables) assert.equal(t.target, t.source, t.table);
    assert.ok(report.tables.find((t) => t.table === "Metric")!.source > 1000, "the fixture's points are there");

    const copied = await readAll(pgDb.url, runIds, sweepId);
    assert.equal(copied.csv, before.csv, "the runs CSV is the same, byte for byte");
    assert.deepEqual(copied.runs, before.runs);
    assert.deepEqual(copied.points.map((p) => p.value), [1 / 1.1, null, Infinity, -Infinity, 1 / 5.1]);
    assert.deepEqual(copied.points, before.points);
    assert.deepEqual(copied.ledger, before.ledger, "early termination reads the points in the order they were stored");
    assert.deepEqual(copied.logs, before.logs);
  });

  it("a second copy inserts nothing and the counts still agree; new rows on Postgres continue the ids", async () => {
    await disconnectPrisma();
    const report = await copyDatabase(sqliteUrl, pgDb.url);
    for (const t of report.tables) {
      assert.equal(t.inserted, 0, t.table);
      assert.equal(t.target, t.source, t.table);
    }
    process.env.DATABASE_URL = pgDb.url;
    await appendRunEvents([{ runId: runIds[0], seq: 6, metrics: [], logs: [{ step: 60, level: "info", message: "after the copy" }] }]);
    assert.equal((await listLogs(runIds[0], { limit: 1000 })).at(-1)!.message, "after the copy");
  });

  it("the CLI refuses a target that is not PostgreSQL, naming the option", () => {
    let error = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "prisma/copy.ts", "--from", sqliteUrl, "--to", "file:./other.db"], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      error = String((e as { stderr?: string }).stderr);
    }
    assert.match(error, /--to must be a PostgreSQL URL/);
  });
});
