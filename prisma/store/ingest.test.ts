import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { sealBatches, type Event, type RunEventBatch } from "../../sweeps/ingest";
import { prisma } from "../client";
import { sqlText } from "./dialect";
import { requeueRuns, sweepMetricPointsSince } from "./executor-store";
import {
  appendRunEvents,
  asStorageError,
  claimNextRun,
  createRun,
  createSweep,
  disconnectPrisma,
  exportRunsCsv,
  finishRun,
  getRun,
  getSweep,
  listDiagnostics,
  listLogs,
  listSamples,
  metricCounts,
  readPoints,
  queryRunsTable,
  readSeries,
  requestStop,
  RunFilter,
  sweepProgress,
  tableToCsv,
} from "./index";

// The ingestion path (sweeps/ingest.ts → appendRunEvents) against a real SQLite file: a resent
// batch changes nothing, a resumed run's old tail is dropped before its new events, and the
// rollup and the live summary stay those of the points stored.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-ingest-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "ingest.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sweepInput = { config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize" as const, concurrency: 1, seed: 1 };

/** What a run logs at steps from..to: a train_loss per step, val_loss every 10, a sample and diagnostics every 50, a log line at 1. */
function events(from: number, to: number, curve = (s: number) => 10 / s): Event[] {
  const out: Event[] = [];
  for (let s = from; s <= to; s++) {
    if (s === 1) out.push({ kind: "log", body: { level: "info", step: 1, message: "started" } });
    out.push({ kind: "metric", body: { step: s, time: s / 100, values: s % 10 === 0 ? { train_loss: curve(s), val_loss: curve(s) + 0.1 } : { train_loss: curve(s) } } });
    if (s % 50 === 0) {
      out.push({ kind: "sample", body: { step: s, temperature: 1, text: `sample at ${s}` } });
      out.push({ kind: "diagnostic", body: { step: s, kind: "grad_flow", data: { norms: [s] } } });
    }
  }
  return out;
}

async function newRun() {
  const sweep = await createSweep(sweepInput);
  return createRun({ sweepId: sweep.id, config: {} });
}

describe("ingestion", () => {
  it("a resent batch is a no-op: no point, bucket count, sample, log line or diagnostic doubles", async () => {
    const run = await newRun();
    const batches = sealBatches(run.id, events(1, 200), 1, { maxPoints: 70 });
    assert.ok(batches.length >= 3);
    assert.deepEqual(batches.map((b) => b.seq), batches.map((_, i) => i + 1));
    const first = await appendRunEvents(batches);
    assert.equal(first.duplicates, 0);
    const before = { run: await getRun(run.id), counts: await metricCounts(run.id), samples: await listSamples(run.id), logs: await listLogs(run.id), diagnostics: await listDiagnostics(run.id) };
    // the whole report again (its answer was lost), then each batch alone, then an older one after a newer
    const again = await appendRunEvents(batches);
    assert.equal(again.duplicates, batches.length);
    for (const b of batches) await appendRunEvents([b]);
    await appendRunEvents([batches[0]]);
    assert.deepEqual(await metricCounts(run.id), before.counts);
    assert.deepEqual(before.counts.train_loss, { points: 200, rollup: 200 });
    assert.deepEqual(before.counts.val_loss, { points: 20, rollup: 20 });
    assert.deepEqual(await listSamples(run.id), before.samples);
    assert.equal(before.samples.length, 4);
    assert.deepEqual(await listLogs(run.id), before.logs);
    assert.equal(before.logs.length, 1);
    assert.deepEqual(await listDiagnostics(run.id), before.diagnostics);
    assert.deepEqual(await getRun(run.id), { ...before.run, runtime: (await getRun(run.id))!.runtime });
    assert.equal((await getRun(run.id))!.ingestSeq, batches.length);
    // the next batch is stored
    const next = sealBatches(run.id, events(201, 210), batches.length + 1);
    await appendRunEvents(next);
    assert.equal((await readPoints(run.id, "train_loss")).length, 210);
  });

  it("log lines, samples and diagnostics come back as they were logged, in order, across runs of one report, with the report's time", async () => {
    const [a, b] = [await newRun(), await newRun()];
    const awkward = ["tab\there", "line\nbreak", "back\\slash", 'quote"d', "λ/ß/日本 😀", "", "'; DROP TABLE LogLine; --", "[1,2]", "null"];
    const eventsOf = (tag: string): Event[] => [
      ...awkward.map((message, i): Event => ({ kind: "log", body: { level: i % 2 ? "warn" : "info", step: i === 0 ? undefined : i, message: `${tag}${message}` } })),
      { kind: "sample", body: { step: 5, temperature: 0.7, text: `${tag}"ab\ncd"\t日本` } },
      { kind: "sample", body: { step: 6, temperature: 1e-300, text: "" } },
      { kind: "diagnostic", body: { step: 5, kind: "grad_flow", data: { norms: [0.1 + 0.2, 5e-324, -0], nested: { s: 'q"\n', n: null, t: true } } } },
      { kind: "diagnostic", body: { step: 6, kind: "saturation", data: "a string" } },
    ];
    const before = Date.now();
    await appendRunEvents([...sealBatches(a.id, eventsOf("a:"), 1), ...sealBatches(b.id, eventsOf("b:"), 1)]);
    const after = Date.now();
    for (const [run, tag] of [[a, "a:"], [b, "b:"]] as const) {
      const logs = await listLogs(run.id);
      assert.deepEqual(logs.map((l) => [l.step, l.level, l.message]), awkward.map((m, i) => [i === 0 ? null : i, i % 2 ? "warn" : "info", `${tag}${m}`]));
      for (const l of logs) {
        const t = Date.parse(l.time);
        assert.ok(t >= before - 1 && t <= after + 1 && new Date(t).toISOString() === l.time, `log time ${l.time}`);
      }
      assert.deepEqual(await listSamples(run.id), [
        { step: 5, temperature: 0.7, text: `${tag}"ab\ncd"\t日本` },
        { step: 6, temperature: 1e-300, text: "" },
      ]);
      assert.deepEqual(await listDiagnostics(run.id), [
        { step: 5, kind: "grad_flow", data: { norms: [0.1 + 0.2, 5e-324, 0], nested: { s: 'q"\n', n: null, t: true } } },
        { step: 6, kind: "saturation", data: "a string" },
      ]);
    }
  });

  it("every value comes back as it was logged, however the report was stored (new points, points logged again, a point another writer stored first)", async () => {
    const run = await newRun();
    // names a COPY must carry whole: a tab, a newline, a backslash, a quote, non-ASCII
    const names = ["loss", "tab\there", "line\nbreak", "back\\slash", 'quote"d', "λ/ß/日本"];
    const values = [0.1 + 0.2, 5e-324, Number.MAX_VALUE, -1e-300, Infinity, -Infinity, NaN, 1 / 3];
    const line = (step: number, shift = 0) => ({ step, time: step / 7, values: Object.fromEntries(names.map((n, i) => [n, values[(i + step + shift) % values.length]])) });
    const expected = new Map<string, number | null>();
    const expect = (l: ReturnType<typeof line>) => {
      for (const [n, v] of Object.entries(l.values)) expected.set(`${n}@${l.step}`, Number.isNaN(v) ? null : v);
    };
    // 1. new points only (Postgres: the binary COPY)
    const first = [1, 2, 3, 4].map((s) => line(s));
    first.forEach(expect);
    await appendRunEvents([{ runId: run.id, seq: 1, metrics: first }]);
    // 2. steps 3 and 4 logged again with other values, and new ones (the upsert)
    const again = [3, 4, 5].map((s) => line(s, 3));
    again.forEach(expect);
    await appendRunEvents([{ runId: run.id, seq: 2, metrics: again }]);
    // 3. a point past the run's last step already there (written by another path): updated, the rest stored
    await prisma().$executeRawUnsafe(sqlText(`INSERT INTO Metric (runId, name, step, value, wallTime) VALUES (?, ?, ?, ?, ?)`), run.id, "loss", 9, 123, 0);
    const later = [8, 9, 10].map((s) => line(s, 5));
    later.forEach(expect);
    await appendRunEvents([{ runId: run.id, seq: 3, metrics: later }]);
    for (const name of names) {
      const stored = await readPoints(run.id, name);
      const want = [...expected].filter(([k]) => k.startsWith(`${name}@`)).map(([k, v]) => ({ step: Number(k.slice(name.length + 1)), value: v })).sort((a, b) => a.step - b.step);
      assert.deepEqual(stored.map((p) => ({ step: p.step, value: p.value })), want, name);
    }
    assert.deepEqual((await readPoints(run.id, "loss")).map((p) => p.wallTime), [1, 2, 3, 4, 5, 8, 9, 10].map((s) => s / 7));
    const counts = await metricCounts(run.id);
    for (const name of names) assert.equal(counts[name].points, 8, name);
    assert.equal((await getRun(run.id))!.lastStep, 10);
  });

  it("a metric logged again at a step it has, or before its last: the live summary says what the stored points say", async () => {
    const run = await newRun();
    const log = (seq: number, step: number, values: Record<string, number>) => appendRunEvents([{ runId: run.id, seq, metrics: [{ step, time: step, values }] }]);
    await log(1, 5, { val_loss: 1, lr: 0.1 });
    await log(2, 3, { val_loss: 2 }); // an earlier step, after step 5
    await log(3, 5, { val_loss: 7 }); // step 5 again: its 1 is replaced
    // another metric at the last step, as a second log call at one step sends it: nothing replaced
    await log(4, 5, { val_acc: 0.5 });
    // within one batch: step 6 twice (the second value stays), then the same again in a later batch
    await appendRunEvents([{ runId: run.id, seq: 5, metrics: [{ step: 6, time: 6, values: { train_loss: 0.1 } }, { step: 6, time: 6, values: { train_loss: 0.9 } }] }]);
    const stored = async (name: string) => (await readPoints(run.id, name)).map((p) => [p.step, p.value]);
    assert.deepEqual(await stored("val_loss"), [[3, 2], [5, 7]]);
    assert.deepEqual(await stored("train_loss"), [[6, 0.9]]);
    const { summary, lastStep } = (await getRun(run.id))!;
    // the best of what is stored and the value at the last step, never the 1 replaced nor the 0.1 logged over
    assert.equal(summary.val_loss, 7);
    assert.equal(summary.val_loss_best, 2);
    assert.equal(summary.val_loss_best_step, 3);
    assert.equal(summary.train_loss, 0.9);
    assert.equal(summary.train_loss_best, 0.9);
    assert.equal(summary.lr, 0.1);
    assert.equal(summary.val_acc, 0.5);
    assert.equal(lastStep, 6);
  });

  it("reports on one sweep stored at once: early termination's ledger reads every point once, in an order that never goes back", async () => {
    const sweep = await createSweep(sweepInput);
    const other = await createSweep(sweepInput);
    const runs = [...(await Promise.all([0, 1, 2, 3, 4].map(() => createRun({ sweepId: sweep.id, config: {} })))), await createRun({ sweepId: other.id, config: {} })];
    const REPORTS = 12, STEPS = 40;
    let writing = true;
    const seen: { seq: number; runId: string; step: number }[] = [];
    const reader = (async () => {
      let cursor = 0;
      for (let last = false; !last; ) {
        last = !writing; // one more read after the writers are done
        await new Promise((resolve) => setImmediate(resolve)); // (SQLite's reads answer at once: let the writers on)
        for (const p of await sweepMetricPointsSince(sweep.id, "val_loss", cursor)) {
          seen.push(p);
          cursor = p.seq;
        }
      }
    })();
    await Promise.all(
      runs.map(async (run) => {
        for (let r = 0; r < REPORTS; r++) {
          const metrics = Array.from({ length: STEPS }, (_, i) => ({ step: r * STEPS + i + 1, time: i, values: { val_loss: 1 / (r * STEPS + i + 1), train_loss: i } }));
          await appendRunEvents([{ runId: run.id, seq: r + 1, metrics }]);
        }
      }),
    ).finally(() => (writing = false));
    await reader;
    const stored = await sweepMetricPointsSince(sweep.id, "val_loss");
    assert.equal(stored.length, 5 * REPORTS * STEPS);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].seq > seen[i - 1].seq, `the ledger went back at point ${i}`);
    assert.deepEqual(seen.map((p) => `${p.runId}@${p.step}`).sort(), stored.map((p) => `${p.runId}@${p.step}`).sort(), "the ledger read every stored point once");
  });

  it("batches of a run that does not exist are skipped and named, the others stored", async () => {
    const run = await newRun();
    const result = await appendRunEvents([{ runId: "nosuchrun", seq: 1, metrics: [{ step: 1, time: 0, values: { a: 1 } }] }, { runId: run.id, seq: 1, metrics: [{ step: 1, time: 0, values: { a: 1 } }] }]);
    assert.deepEqual(result.unknownRuns, ["nosuchrun"]);
    assert.equal((await readPoints(run.id, "a")).length, 1);
  });

  it("a run resumed at step K: what it logged after K is dropped, its new events continue the curve once", async () => {
    const run = await newRun();
    const curve = (s: number) => 5 + Math.sin(s);
    let seq = 0;
    const send = async (batches: RunEventBatch[]) => {
      seq += batches.length;
      await appendRunEvents(batches);
    };
    // the first attempt logs steps 1..170 with a checkpoint at 120, then its host dies
    const firstAttempt = events(1, 120, curve);
    firstAttempt.push({ kind: "checkpoint", step: 120 });
    await send(sealBatches(run.id, [...firstAttempt, ...events(121, 170, () => 99)], seq + 1, { maxPoints: 64 }));
    let stored = await getRun(run.id);
    assert.equal(stored!.checkpointStep, 120);
    assert.equal(stored!.lastStep, 170);
    assert.equal(stored!.summary.train_loss_best, Math.min(...Array.from({ length: 170 }, (_, i) => (i + 1 > 120 ? 99 : curve(i + 1)))));
    // the second attempt resumes from the checkpoint at 120 and logs 121..300
    await send(sealBatches(run.id, events(121, 300, curve), seq + 1, { resumedFrom: 120, maxPoints: 64 }));
    stored = await getRun(run.id);
    const points = await readPoints(run.id, "train_loss");
    assert.deepEqual(points.map((p) => p.step), Array.from({ length: 300 }, (_, i) => i + 1), "every step once");
    assert.ok(points.every((p) => p.value === curve(p.step)), "the first attempt's tail is gone");
    assert.deepEqual(await metricCounts(run.id), { train_loss: { points: 300, rollup: 300 }, val_loss: { points: 30, rollup: 30 } });
    assert.deepEqual((await listSamples(run.id)).map((s) => s.step), [50, 100, 150, 200, 250, 300]);
    assert.deepEqual((await listDiagnostics(run.id)).map((s) => s.step), [50, 100, 150, 200, 250, 300]);
    assert.equal(stored!.lastStep, 300);
    const best = Math.min(...Array.from({ length: 300 }, (_, i) => curve(i + 1)));
    assert.equal(stored!.summary.train_loss_best, best, "the summary is the stored curve's, not the dropped tail's");
    assert.equal(stored!.summary.train_loss, curve(300));
    // the downsampled view agrees with the points (its rollup was rebuilt, not left with the old tail)
    const series = await readSeries(run.id, "train_loss", 20);
    assert.equal(Math.min(...series.map((p) => p.value!)), best);
    assert.ok(series.every((p) => p.value === curve(p.step)));
  });

  it("a run that starts over (no checkpoint) drops everything it logged", async () => {
    const run = await newRun();
    await appendRunEvents(sealBatches(run.id, events(1, 80), 1));
    await appendRunEvents(sealBatches(run.id, events(1, 30), 2, { resumedFrom: 0 }));
    assert.deepEqual((await readPoints(run.id, "train_loss")).map((p) => p.step), Array.from({ length: 30 }, (_, i) => i + 1));
    assert.deepEqual(await metricCounts(run.id), { train_loss: { points: 30, rollup: 30 }, val_loss: { points: 3, rollup: 3 } });
    assert.equal((await getRun(run.id))!.checkpointStep, null);
    assert.deepEqual(await listSamples(run.id), []);
  });
});

describe("infinite values in a summary", () => {
  it("a metric whose last value is ±inf, and a summary key set to ±Infinity, read back as such: the run, the table (cells, sort, filter, derived gap), the CSV and the sweep's best", async () => {
    const sweep = await createSweep({ ...sweepInput, metricName: "reward", metricGoal: "maximize" });
    // b's config holds the string a client stores for an infinite config value
    const [a, b, c] = [await createRun({ sweepId: sweep.id, config: {} }), await createRun({ sweepId: sweep.id, config: { x: "Infinity" } }), await createRun({ sweepId: sweep.id, config: { x: 1 } })];
    // a: its loss went to inf (after a best of 2), val_loss too; its reward is +inf
    await appendRunEvents([{ runId: a.id, seq: 1, metrics: [{ step: 1, time: 1, values: { loss: 2, val_loss: 3, train_loss: 1, reward: 1 } }, { step: 2, time: 2, values: { loss: Infinity, val_loss: Infinity, reward: Infinity } }] }]);
    // b: finite throughout; a client set its summary's best to -Infinity, then NaN went by at step 2
    await appendRunEvents([{ runId: b.id, seq: 1, metrics: [{ step: 1, time: 1, values: { loss: 0.5, val_loss: 0.7, train_loss: 0.4, reward: 5 } }], summary: { floor: -Infinity } }]);
    await appendRunEvents([{ runId: b.id, seq: 2, metrics: [{ step: 2, time: 2, values: { grad: NaN } }] }]);
    // c: -inf loss at its end, through the run's end (finishRun merges its outcome's summary)
    await appendRunEvents([{ runId: c.id, seq: 1, metrics: [{ step: 1, time: 1, values: { loss: 1, reward: 2 } }] }]);
    await claimNextRun("t", { sweepId: sweep.id });
    await finishRun(c.id, { state: "finished", summary: { loss: -Infinity } });

    const sa = (await getRun(a.id))!.summary;
    assert.equal(sa.loss, "Infinity");
    assert.equal(sa.loss_best, 2, "an infinite value is never a best");
    assert.equal(sa.loss_first_nonfinite_step, 2);
    assert.equal(sa.reward, "Infinity");
    const sb = (await getRun(b.id))!.summary;
    assert.equal(sb.floor, "-Infinity");
    assert.equal(sb.grad, null, "NaN stays null");
    assert.equal(sb.grad_first_nonfinite_step, 2);
    assert.equal((await getRun(c.id))!.summary.loss, "-Infinity");
    // the JSON an API answers carries them
    assert.equal(JSON.parse(JSON.stringify(await getRun(a.id))).summary.loss, "Infinity");

    const columns = ["summary.loss", "summary.floor", "derived.train_val_gap"];
    const table = async (sort: string, desc: boolean, filters: string[] = []) =>
      (await queryRunsTable({ sweepId: sweep.id, columns, sort: { field: sort, desc }, filters: filters.map((f) => RunFilter.parse(f)) })).rows;
    const byId = new Map((await table("summary.loss", false)).map((r) => [r.id, r.values]));
    assert.deepEqual(byId.get(a.id), { "summary.loss": "Infinity", "summary.floor": null, "derived.train_val_gap": "Infinity" });
    assert.deepEqual(byId.get(b.id), { "summary.loss": 0.5, "summary.floor": "-Infinity", "derived.train_val_gap": 0.7 - 0.4 });
    assert.equal(byId.get(c.id)!["summary.loss"], "-Infinity");
    assert.deepEqual((await table("summary.loss", false)).map((r) => r.id), [c.id, b.id, a.id], "ascending: -inf, 0.5, inf");
    assert.deepEqual((await table("summary.loss", true)).map((r) => r.id), [a.id, b.id, c.id]);
    assert.deepEqual((await table("derived.train_val_gap", true)).map((r) => r.id).slice(0, 2), [a.id, b.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.loss>1"])).map((r) => r.id), [a.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.loss<0"])).map((r) => r.id), [c.id]);
    // a filter names them as the table writes them
    assert.deepEqual((await table("summary.loss", false, ["summary.loss=Infinity"])).map((r) => r.id), [a.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.loss=-Infinity"])).map((r) => r.id), [c.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.loss!=Infinity"])).map((r) => r.id), [c.id, b.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.loss>=Infinity"])).map((r) => r.id), [a.id]);
    assert.deepEqual((await table("summary.loss", false, ["summary.floor<=-Infinity"])).map((r) => r.id), [b.id]);
    assert.deepEqual((await table("summary.loss", false, ["config.x=Infinity"])).map((r) => r.id), [b.id], "the string a client stores for inf");
    assert.deepEqual((await table("summary.loss", false, ["config.x!=Infinity"])).map((r) => r.id), [c.id, a.id]);

    const csv = (await exportRunsCsv({ sweepId: sweep.id, sort: { field: "summary.loss", desc: false } }, ["name", "summary.loss", "summary.floor"])).trim().split("\n");
    assert.deepEqual(csv.slice(1).map((line) => line.split(",").slice(1)), [["-Infinity", ""], ["0.5", "-Infinity"], ["Infinity", ""]]);

    // the sweep's best by a maximized metric is the run whose reward is +inf
    const progress = await sweepProgress((await getSweep(sweep.id))!);
    assert.equal(progress.best?.id, a.id);
  });
});

describe("requeue", () => {
  it("puts an interrupted run back in the queue with a log line; a stop request ends it stopped; too many interruptions crash it", async () => {
    const sweep = await createSweep(sweepInput);
    const a = await createRun({ sweepId: sweep.id, index: 0, config: {} });
    const b = await createRun({ sweepId: sweep.id, index: 1, config: {} });
    await claimNextRun("local:1:x", { sweepId: sweep.id });
    await claimNextRun("local:1:x", { sweepId: sweep.id });
    await appendRunEvents([{ runId: a.id, seq: 1, metrics: [{ step: 40, time: 1, values: { val_loss: 1 } }], checkpoint: 40 }]);
    await requestStop(b.id);
    const changed = await requeueRuns([a.id, b.id], "the server stopped", { maxInterruptions: 2 });
    const byId = new Map(changed.map((r) => [r.id, r]));
    assert.equal(byId.get(a.id)!.state, "queued");
    assert.equal(byId.get(a.id)!.claimedBy, null);
    assert.equal(byId.get(a.id)!.interruptions, 1);
    assert.equal(byId.get(b.id)!.state, "stopped");
    assert.deepEqual((await listLogs(a.id)).map((l) => l.message), ["interrupted at step 40: the server stopped; it resumes from its checkpoint at step 40"]);
    // claimed again it keeps its first start time; interrupted twice more it is crashed
    const firstStart = (await getRun(a.id))!.startedAt;
    for (let i = 0; i < 2; i++) {
      const again = await claimNextRun("local:2:y", { sweepId: sweep.id });
      assert.equal(again!.id, a.id);
      assert.equal(again!.startedAt, firstStart);
      await requeueRuns([a.id], "the server stopped", { maxInterruptions: 2 });
    }
    const crashed = (await getRun(a.id))!;
    assert.equal(crashed.state, "crashed");
    assert.match(crashed.error!, /^crashed: interrupted 3 times/);
    assert.deepEqual(await requeueRuns([a.id], "again", { maxInterruptions: 2 }), [], "only running runs are requeued");
  });
});

describe("storage errors", () => {
  it("recognises a full disk, a busy database and an I/O error in the driver's error, and says so", () => {
    const driver = (code: string, message: string) => Object.assign(new Error(message), { name: "DriverAdapterError", cause: { originalCode: code, originalMessage: message, kind: "sqlite" } });
    assert.match(asStorageError(driver("SQLITE_FULL", "database or disk is full"), "/x.db")!.message, /^disk full: the database cannot grow \(SQLITE_FULL: \/x\.db\)$/);
    assert.match(asStorageError(driver("SQLITE_BUSY", "database is locked"))!.message, /^database busy/);
    assert.match(asStorageError(driver("SQLITE_IOERR_WRITE", "disk I/O error"))!.message, /^I\/O error/);
    assert.equal(asStorageError(new Error("run x does not exist")), null);
  });
});

describe("a metric whose last value was NaN", () => {
  it("reads NaN in the table and both CSVs, apart from a metric never logged (empty) and one that recovered; it sorts and filters as missing", async () => {
    const sweep = await createSweep({ ...sweepInput, name: "nan-last" });
    const [a, b, c] = [await createRun({ sweepId: sweep.id, name: "went-nan", config: {} }), await createRun({ sweepId: sweep.id, name: "recovered", config: {} }), await createRun({ sweepId: sweep.id, name: "never", config: {} })];
    // a: its loss went NaN at step 2 and stayed; b: NaN at 2, then 0.25 at 3; c: logged no loss
    await appendRunEvents([{ runId: a.id, seq: 1, metrics: [{ step: 1, time: 1, values: { loss: 2, acc: 0.5 } }, { step: 2, time: 2, values: { loss: NaN, acc: 0.6 } }] }]);
    await appendRunEvents([{ runId: b.id, seq: 1, metrics: [{ step: 1, time: 1, values: { loss: 1, acc: 0.7 } }, { step: 2, time: 2, values: { loss: NaN } }, { step: 3, time: 3, values: { loss: 0.25 } }] }]);
    await appendRunEvents([{ runId: c.id, seq: 1, metrics: [{ step: 1, time: 1, values: { acc: 0.8 } }] }]);
    assert.equal((await getRun(a.id))!.summary.loss, null, "the store keeps NaN as null");

    const columns = ["summary.loss", "summary.acc", "summary.loss_best"];
    const table = async (desc: boolean, filters: string[] = []) =>
      (await queryRunsTable({ sweepId: sweep.id, columns, sort: { field: "summary.loss", desc }, filters: filters.map((f) => RunFilter.parse(f)) })).rows;
    const values = new Map((await table(false)).map((r) => [r.name, r.values]));
    assert.deepEqual(values.get("went-nan"), { "summary.loss": "NaN", "summary.acc": 0.6, "summary.loss_best": 2 });
    assert.deepEqual(values.get("recovered"), { "summary.loss": 0.25, "summary.acc": 0.7, "summary.loss_best": 0.25 });
    assert.deepEqual(values.get("never"), { "summary.loss": null, "summary.acc": 0.8, "summary.loss_best": null });
    // NaN sorts with the missing values (last, either way) and matches no comparison
    for (const desc of [false, true]) assert.deepEqual((await table(desc)).map((r) => r.name)[0], "recovered");
    assert.deepEqual((await table(false, ["summary.loss<100"])).map((r) => r.name), ["recovered"]);
    assert.deepEqual((await table(false, ["summary.loss>-100"])).map((r) => r.name), ["recovered"]);

    const rows = await table(false);
    const shown = tableToCsv(rows, columns, false).trim().split("\n").map((line) => line.split(","));
    const at = (header: string) => shown[0].indexOf(header);
    assert.deepEqual(Object.fromEntries(shown.slice(1).map((l) => [l[at("name")], l[at("summary.loss")]])), { "went-nan": "NaN", recovered: "0.25", never: "" });
    const all = (await exportRunsCsv({ sweepId: sweep.id }, ["name", "summary.loss", "summary.acc"])).trim().split("\n");
    assert.deepEqual(all.slice(1).sort(), ["never,,0.8", "recovered,0.25,0.7", "went-nan,NaN,0.6"]);
  });
});
