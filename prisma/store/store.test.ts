import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { migrate } from "../migrate";
import { prisma } from "../client";
import { databasePath } from "../database";
import {
  allLogs,
  appendRunEvents,
  countLogs,
  claimNextRun,
  crashStaleRuns,
  createProgramRun,
  createRun,
  createSweep,
  disconnectPrisma,
  exportRunsCsv,
  finishRun,
  getRun,
  listLogs,
  listRuns,
  readManySeries,
  readSeries,
  recentRunTimes,
  requestStop,
  seriesPlan,
  RunsQueryParams,
  setSweepState,
  sweepProgress,
  toListRunsQuery,
} from "./index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-store-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "store.db"));

const sweepInput = {
  config: { method: "grid" },
  rawConfig: "method: grid",
  method: "grid",
  metricName: "val_loss",
  metricGoal: "minimize" as const,
  concurrency: 2,
  seed: 1,
};

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("runs lifecycle", () => {
  it("claims each queued run once, even under concurrent claims", async () => {
    const sweep = await createSweep(sweepInput);
    for (let i = 0; i < 5; i++) await createRun({ sweepId: sweep.id, index: i, config: { hidden_size: 8 * (i + 1) } });
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimNextRun(`test:${i}`, { sweepId: sweep.id })));
    const claimed = claims.filter((c) => c !== null);
    assert.equal(claimed.length, 5);
    assert.equal(new Set(claimed.map((c) => c!.id)).size, 5);
    assert.ok(claimed.every((c) => c!.state === "running" && c!.startedAt));
  });

  it("does not hand out runs of a paused sweep", async () => {
    const sweep = await createSweep(sweepInput);
    await createRun({ sweepId: sweep.id, config: {} });
    await setSweepState(sweep.id, "paused");
    assert.equal(await claimNextRun("test", { sweepId: sweep.id }), null);
    await setSweepState(sweep.id, "running", { from: ["paused"] });
    assert.notEqual(await claimNextRun("test", { sweepId: sweep.id }), null);
  });

  it("a run's console: its last lines (the Logs tab), the count, and every line a page at a time (the download)", async () => {
    const run = await createRun({ config: {}, claimedBy: "test:console" }); // claimed: no later claim takes it
    const lines = Array.from({ length: 23 }, (_, i) => ({ level: i === 5 ? ("warn" as const) : ("info" as const), message: `line ${i}`, step: i }));
    await appendRunEvents([{ runId: run.id, logs: lines.slice(0, 10) }]);
    await appendRunEvents([{ runId: run.id, logs: lines.slice(10) }]);
    assert.equal(await countLogs(run.id), 23);
    const tail = await listLogs(run.id, { tail: true, limit: 4 });
    assert.deepEqual(tail.map((l) => l.message), ["line 19", "line 20", "line 21", "line 22"]);
    assert.deepEqual((await listLogs(run.id, { afterId: tail[1].id })).map((l) => l.message), ["line 21", "line 22"]);
    const pages: string[][] = [];
    for await (const page of allLogs(run.id, 10)) pages.push(page.map((l) => l.message));
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 3]);
    assert.deepEqual(pages.flat(), lines.map((l) => l.message));
  });

  it("keeps the live summary, ends a run once, and keeps what a crashed run logged", async () => {
    const sweep = await createSweep(sweepInput);
    const run = await createRun({ sweepId: sweep.id, config: {} });
    await claimNextRun("local:1", { sweepId: sweep.id });
    await appendRunEvents([
      {
        runId: run.id,
        metrics: [
          { step: 10, time: 1, values: { train_loss: 3, val_loss: 2.5 } },
          { step: 20, time: 2, values: { train_loss: 2, val_loss: 2.0, val_acc: 0.5 } },
          { step: 30, time: 3, values: { train_loss: 2.5, val_loss: 2.2, val_acc: 0.7 } },
        ],
        samples: [{ step: 20, temperature: 0.8, text: "hello" }],
        logs: [{ level: "info", message: "started" }],
      },
    ]);
    let current = (await getRun(run.id))!;
    assert.equal(current.summary.val_loss, 2.2);
    assert.equal(current.summary.val_loss_best, 2.0);
    assert.equal(current.summary.val_loss_best_step, 20);
    assert.equal(current.summary.val_acc_best, 0.7);
    assert.equal(current.lastStep, 30);

    const progress = await sweepProgress(sweep);
    assert.equal(progress.best?.id, run.id);
    assert.equal(progress.counts.running, 1);

    const crashed = await crashStaleRuns({ claimedByPrefix: "local:1", reason: "server restarted" });
    assert.deepEqual(crashed.map((r) => r.id), [run.id]);
    assert.equal(await finishRun(run.id, { state: "finished" }), null, "an ended run keeps its first outcome");
    current = (await getRun(run.id))!;
    assert.equal(current.state, "crashed");
    assert.equal(current.error, "server restarted");
    assert.equal((await readSeries(run.id, "val_loss")).length, 3);
  });

  it("a fork's bests are its own: the parent's, which its worker resumed with the checkpoint, do not come back at its end", async () => {
    const run = await createRun({ config: {} });
    await prisma().run.update({ where: { id: run.id }, data: { forkOf: "parent01", forkStep: 3000, lastStep: 3000, state: "running", claimedBy: "local:fork" } });
    await appendRunEvents([{ runId: run.id, metrics: [{ step: 3100, time: 1, values: { train_loss: 3.1, val_loss: 3.3 } }, { step: 3200, time: 2, values: { train_loss: 3.0, val_loss: 3.2 } }] }]);
    // the engine's summary carries the parent's best (step 600, before the fork)
    await finishRun(run.id, { state: "finished", summary: { val_loss: 3.2, val_loss_best: 1.69, val_loss_best_step: 600, train_loss_best: 1.5, step: 3200, runtime: 2 } });
    const { summary } = (await getRun(run.id))!;
    assert.deepEqual([summary.val_loss_best, summary.val_loss_best_step, summary.train_loss_best, summary.val_loss, summary.step], [3.2, 3200, 3.0, 3.2, 3200]);
  });

  it("stops a queued run at once and flags a running one", async () => {
    const a = await createRun({ config: {} });
    assert.equal((await requestStop(a.id))!.state, "stopped");
    const b = await createRun({ config: {} });
    await claimNextRun("x", {});
    const flagged = (await requestStop(b.id))!;
    assert.equal(flagged.state, "running");
    assert.equal(flagged.stopRequested, true);
  });
});

describe("a program run's own times (an offline run synced later)", () => {
  it("starts and is created when its client says, ends when it says; answered again, it keeps its start; listed by creation where it belongs", async () => {
    const owner = (id: string) => `client:${id}`;
    const now = await createProgramRun({ project: "own-times" }, owner);
    const start = new Date(Date.now() - 3600_000);
    const synced = (await createProgramRun({ id: "synced01", project: "own-times", startedAt: start }, owner))!;
    assert.equal(synced.created, true);
    assert.deepEqual([synced.run.createdAt, synced.run.startedAt, synced.run.state], [start.toISOString(), start.toISOString(), "running"]);
    assert.ok(Date.now() - Date.parse((await prisma().run.findUniqueOrThrow({ where: { id: "synced01" } })).heartbeatAt!.toISOString()) < 60_000, "alive from now: not stale at once");
    const again = (await createProgramRun({ id: "synced01", project: "own-times", startedAt: new Date() }, owner))!;
    assert.deepEqual([again.created, again.run.startedAt], [false, start.toISOString()]);

    const end = new Date(start.getTime() + 59 * 60_000); // a minute ago
    const ended = (await finishRun("synced01", { state: "finished", finishedAt: end }))!;
    assert.deepEqual([ended.state, ended.finishedAt, ended.runtime], ["finished", end.toISOString(), (end.getTime() - start.getTime()) / 1000]);
    const listed = await listRuns({ project: "own-times" });
    assert.deepEqual(listed.runs.map((r) => r.id), [now!.run.id, "synced01"]);
    assert.deepEqual((await listRuns({ project: "own-times", sort: { field: "runtime", desc: true } })).runs.map((r) => r.id), ["synced01", now!.run.id]);
  });
});

describe("run times (the new-sweep form's estimate at this server's speed)", () => {
  it("returns this host's finished engine runs, newest first: the steps they trained and startedAt → finishedAt", async () => {
    const host = "timing-host";
    const owner = `local:4242:ab12@${host}`;
    const t0 = Date.parse("2026-12-05T10:00:00.000Z");
    let n = 0;
    /** A run ended as `over` says (a finished run of this host by default), created n seconds after t0. */
    const make = async (ms: number, over: Record<string, unknown> = {}, kind: "engine" | "program" = "engine") => {
      const run = await createRun({ config: { task: "quadrant", steps: 200, hidden_size: 8 + n }, kind });
      const data = { state: "finished", claimedBy: owner, startedAt: new Date(t0), finishedAt: new Date(t0 + ms), lastStep: 200, createdAt: new Date(t0 + 1000 * n++), ...over };
      await prisma().run.update({ where: { id: run.id }, data });
    };
    await make(1234, { summary: JSON.stringify({ "system/cpu_percent": 12, "system/step_ms": 0.5, "system/spawn_ms": 0 }) });
    await make(900, { state: "pruned", lastStep: 40 });
    await make(901, {}, "program");
    await make(902, { claimedBy: "agent:gpu-box" });
    await make(903, { claimedBy: "local:7:zz@other-host" });
    await make(904, { forkOf: "abc", forkStep: 100 });
    await make(905, { interruptions: 1 });
    await make(2000, { interruptions: 0, lastStep: 150, summary: JSON.stringify({ val_loss: 0.5, "system/cpu_percent": 41.5, "system/step_ms": 3, "system/spawn_ms": 96 }) });
    await make(906, { startedAt: null });
    await make(907, { state: "stopped", lastStep: 120 });
    await make(908, { lastStep: 0 });
    await make(777);

    const mine = await recentRunTimes({ host });
    assert.deepEqual(mine.map((r) => [r.ms, r.steps, r.config.hidden_size]), [[777, 200, 19], [2000, 150, 15], [1234, 200, 8]]);
    assert.equal(mine[0].sweepId, null);
    // the worker's share of a core, where its summary has it over a log interval of 20 ms or more
    // (10 steps of 3 ms; not 10 of 0.5 ms): the calibration leaves out runs that shared theirs
    assert.deepEqual(mine.map((r) => r.cpuPercent), [null, 41.5, null]);
    // whether its worker was started for it (spawn 96 ms) or was waiting (0), where the executor said
    assert.deepEqual(mine.map((r) => r.spawned), [null, true, false]);
    assert.deepEqual((await recentRunTimes({ host, limit: 2 })).map((r) => r.ms), [777, 2000]);
    // any host: the other host's run too, never the agent's
    const any = (await recentRunTimes({ limit: 1000 })).map((r) => r.ms);
    assert.ok(any.includes(903) && !any.includes(902) && any.includes(777));
  });
});

describe("downsampled series", () => {
  let runId = "";
  before(async () => {
    runId = (await createRun({ config: {} })).id;
    const metrics = [];
    for (let step = 0; step < 20_000; step++) {
      const value = step === 12_345 ? 1000 : step === 777 ? -50 : Math.sin(step / 100);
      metrics.push({ step, time: step / 10, values: { train_loss: value, grad_norm: step === 15_000 ? Number.NaN : 1 } });
    }
    for (let i = 0; i < metrics.length; i += 500) await appendRunEvents([{ runId, metrics: metrics.slice(i, i + 500) }]);
  });

  it("keeps spikes, the first and the last point within the budget", async () => {
    const series = await readSeries(runId, "train_loss", 500);
    assert.ok(series.length <= 502, `got ${series.length} points`);
    assert.ok(series.length >= 400);
    assert.equal(series[0].step, 0);
    assert.equal(series.at(-1)!.step, 19_999);
    assert.ok(series.some((p) => p.step === 12_345 && p.value === 1000), "the spike is kept");
    assert.ok(series.some((p) => p.step === 777 && p.value === -50), "the dip is kept");
    for (let i = 1; i < series.length; i++) assert.ok(series[i].step > series[i - 1].step);
  });

  it("keeps a NaN point", async () => {
    const series = await readSeries(runId, "grad_norm", 100);
    assert.ok(series.some((p) => p.step === 15_000 && p.value === null));
  });

  it("returns every point when there are fewer than asked", async () => {
    assert.equal((await readSeries(runId, "train_loss", 50_000)).length, 20_000);
  });
});

describe("short series downsampled from their points", () => {
  let runId = "";
  before(async () => {
    runId = (await createRun({ config: {} })).id;
    // 400 steps: 7 rollup buckets of 64 steps, too coarse for 50 points
    const metrics = Array.from({ length: 400 }, (_, i) => ({ step: i + 1, time: i / 10, values: { val_loss: i + 1 === 123 ? 99 : i + 1 === 300 ? Number.NaN : 3 / (i + 1) } }));
    await appendRunEvents([{ runId, metrics }]);
  });

  it("a 400-step series asked for 50 points comes back with close to 50, spike, NaN and ends kept", async () => {
    for (const series of [await readSeries(runId, "val_loss", 50), (await readManySeries([runId], ["val_loss"], 50))[runId].val_loss]) {
      assert.ok(series.length >= 45 && series.length <= 52, `got ${series.length} points`);
      assert.equal(series[0].step, 1);
      assert.equal(series.at(-1)!.step, 400);
      assert.ok(series.some((p) => p.step === 123 && p.value === 99), "the spike is kept");
      assert.ok(series.some((p) => p.step === 300 && p.value === null), "the NaN is kept");
      for (let i = 1; i < series.length; i++) assert.ok(series[i].step > series[i - 1].step);
    }
    assert.deepEqual(await readSeries(runId, "val_loss", 50), (await readManySeries([runId], ["val_loss"], 50))[runId].val_loss, "the compare view reads it alike");
  });

  it("reads the points only when the rollup is too coarse and the series short enough", () => {
    assert.equal(seriesPlan(400, 7, 1000), "all");
    assert.equal(seriesPlan(400, 7, 50), "raw");
    assert.equal(seriesPlan(5000, 79, 1000), "raw");
    assert.equal(seriesPlan(30_000, 469, 1000), "rollup", "too long to read whole");
    assert.equal(seriesPlan(100_000, 1563, 1000), "rollup", "the rollup fills every slot");
  });
});

describe("listing, filtering and CSV", () => {
  let sweepId = "";
  before(async () => {
    const sweep = await createSweep(sweepInput);
    sweepId = sweep.id;
    const cells = ["rnn", "lstm", "gru", "lstm"];
    for (let i = 0; i < 4; i++) {
      const run = await createRun({ sweepId, index: i, config: { cell: cells[i], dropout: i / 10 }, name: i === 3 ? "=HYPERLINK(1)" : undefined });
      if (i < 3) await appendRunEvents([{ runId: run.id, metrics: [{ step: 1, time: 0.5, values: { val_loss: 3 - i } }] }]);
    }
  });

  it("filters on config and summary and sorts with missing values last", async () => {
    const params = RunsQueryParams.parse({ sweep: sweepId, filter: ["config.cell=lstm"], sort: "summary.val_loss" });
    const lstm = await listRuns(toListRunsQuery(params));
    assert.equal(lstm.total, 2);
    assert.equal(lstm.runs[0].summary.val_loss, 2);
    assert.equal(lstm.runs[1].summary.val_loss, undefined);

    const low = await listRuns(toListRunsQuery(RunsQueryParams.parse({ sweep: sweepId, filter: ["summary.val_loss<2.5"], sort: "-summary.val_loss" })));
    assert.deepEqual(low.runs.map((r) => r.summary.val_loss), [2, 1]);
  });

  it("rejects unknown columns and unreadable filters with a message naming them", () => {
    const bad = RunsQueryParams.safeParse({ sort: "config.x;drop", filter: ["what"] });
    assert.equal(bad.success, false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    assert.ok(paths.includes("sort"));
    assert.ok(paths.includes("filter.0"));
    assert.equal(RunsQueryParams.safeParse({ bogus: "1" }).success, false);
  });

  it("exports one row per run with config and summary columns, formulas neutralised", async () => {
    const csv = await exportRunsCsv({ sweepId, sort: { field: "index", desc: false } });
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.map((r) => r["config.cell"]), ["rnn", "lstm", "gru", "lstm"]);
    assert.equal(rows[2]["summary.val_loss"], "1");
    assert.equal(rows[3].name, "'=HYPERLINK(1)");
    for (const column of ["id", "name", "state", "created", "started", "finished", "runtime_s", "config.dropout", "summary.val_loss_best_step"]) assert.ok(column in rows[0], column);
  });
});

describe("bad database files", () => {
  it("refuses a file that is not SQLite and leaves it untouched", () => {
    const file = path.join(dir, "notes.db");
    fs.writeFileSync(file, "my precious notes, not a database\n".repeat(10));
    const before = fs.readFileSync(file);
    assert.throws(() => migrate(file), /is not a SQLite database/);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it("never reads a PostgreSQL URL as a file name (nor creates one), and never shows its password", () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.throws(() => databasePath("postgresql://me:secret@127.0.0.1:5432/x"), (e: Error) => /names a PostgreSQL server/.test(e.message) && !e.message.includes("secret"));
      assert.throws(() => migrate(databasePath("postgres://127.0.0.1/x")), /names a PostgreSQL server/);
      assert.equal(fs.existsSync(path.join(dir, "postgresql:")) || fs.existsSync(path.join(dir, "postgres:")), false);
    } finally {
      process.chdir(cwd);
    }
  });

  it("says so when the database cannot be written", () => {
    // /sys is mounted read-only (even for root, who ignores file permissions).
    assert.throws(() => migrate("/sys/sweeplab-test/x.db"), /cannot write the database/);
  });
});
