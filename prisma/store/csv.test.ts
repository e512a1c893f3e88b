import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { createRun, createSweep, disconnectPrisma, exportRunsCsv, finishRun, queryRunsTable, tableToCsv, updateRunMeta } from "./index";
import { prisma } from "../client";
import { csvHeader, neutralise, toCsv } from "./csv";
import { DEFAULT_RUN_CONFIG } from "../../engine/config";

// CSV export (issue 11 §5, issue 17 §7): every cell a spreadsheet could run as a formula is
// neutralised — headers too, and cells with line breaks — in both CSVs the app writes; the
// column names say what each column is and carry units.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-csv-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "csv.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1", "  =1+1", "ok\n=HYPERLINK(\"http://x\")", "a\r\nb"];

describe("CSV cells a spreadsheet reads as data", () => {
  it("prefixes formula-like text with ' and turns line breaks into spaces", () => {
    for (const text of FORMULAS) {
      const out = neutralise(text);
      assert.equal(typeof out, "string");
      assert.ok(!/[\r\n]/.test(out as string), JSON.stringify(text));
      const first = (out as string).trimStart()[0];
      assert.ok(!["=", "+", "-", "@", "\t"].includes(first) || (out as string).startsWith("'"), `${JSON.stringify(text)} → ${JSON.stringify(out)}`);
    }
    assert.equal(neutralise("ok\n=HYPERLINK(1)"), "ok =HYPERLINK(1)");
    assert.equal(neutralise("=1+1"), "'=1+1");
  });

  it("leaves numbers alone, negative ones and non-finite ones included", () => {
    assert.equal(neutralise(-0.5), -0.5);
    assert.equal(neutralise("-0.5"), "-0.5");
    assert.equal(neutralise(Number.NEGATIVE_INFINITY), "-Infinity");
    assert.equal(neutralise("-Infinity"), "-Infinity");
    assert.equal(neutralise(Number.NaN), "NaN");
    assert.equal(neutralise(true), true);
    assert.equal(neutralise(null), "");
  });

  it("writes an integer past 2^53 as digits (those that read back to the double), as the tables show it", () => {
    assert.equal(toCsv(["config.seed"], [[12345678901234567890]]), "config.seed\n12345678901234567000\n");
  });

  it("neutralises header cells like any other", () => {
    const text = toCsv(["=cmd|' /C calc'!A0", "ok"], [["-2+3", 1]]);
    const [header, row] = parse(text) as string[][];
    assert.equal(header[0], "'=cmd|' /C calc'!A0");
    assert.equal(row[0], "'-2+3");
    assert.equal(row[1], "1");
  });

  it("names columns by source, with units: runtime_s, summary.train_time_s, config.learning_rate next to summary.lr", () => {
    assert.equal(csvHeader("runtime"), "runtime_s");
    assert.equal(csvHeader("summary.runtime"), "summary.train_time_s");
    assert.equal(csvHeader("config.learning_rate"), "config.learning_rate");
    assert.equal(csvHeader("summary.lr"), "summary.lr");
    assert.equal(csvHeader("derived.train_val_gap"), "derived.train_val_gap");
  });

  it("both CSVs of the app neutralise what runs carry: names, config values, summary keys, errors", async () => {
    const sweep = await createSweep({ name: "csv-injection", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    for (const [i, text] of FORMULAS.entries()) {
      const run = await createRun({ sweepId: sweep.id, index: i, name: text, config: { note: text, lr: 0.5, [`k${i}`]: text }, claimedBy: "test" });
      await finishRun(run.id, { state: "finished", summary: { runtime: 12.5, lr: 0.25 }, lastStep: 1 });
    }
    const all = parse(await exportRunsCsv({ sweepId: sweep.id, sort: { field: "index", desc: false } }), { columns: true, relax_column_count: false }) as Record<string, string>[];
    const page = await queryRunsTable({ sweepId: sweep.id, columns: ["state", "config.note", "summary.lr", "summary.runtime", "runtime"], sort: { field: "index", desc: false } });
    const shown = parse(tableToCsv(page.rows, ["state", "config.note", "summary.lr", "summary.runtime", "runtime"], false), { columns: true }) as Record<string, string>[];
    for (const records of [all, shown]) {
      assert.equal(records.length, FORMULAS.length, "one record per run: no line break splits a row");
      for (const [i, r] of records.entries()) {
        for (const cell of [r.name, r["config.note"]]) {
          assert.ok(!/[\r\n]/.test(cell));
          assert.ok(!/^\s*[=+\-@\t]/.test(cell), `${JSON.stringify(FORMULAS[i])} → ${JSON.stringify(cell)}`);
        }
        assert.equal(r["summary.lr"], "0.25");
        assert.equal(r["summary.train_time_s"], "12.5");
        assert.ok(Number(r.runtime_s) >= 0);
        assert.ok(r.started.endsWith("Z") && r.finished.endsWith("Z"), "start and finish times, in UTC");
      }
    }
    assert.equal(all[0]["config.lr"], "0.5");
  });
});

describe("runtime in the CSVs", () => {
  it("a configuration row's runtime is its runs' mean to the last digit, as the API gives it; a run's to the millisecond", async () => {
    const sweep = await createSweep({ name: "csv-runtime", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    const started = Date.parse("2026-01-01T00:00:00Z");
    // three seeds of one configuration: 12.9 s, 12.9 s and 12.899 s → a mean of 12.899666…
    for (const [i, ms] of [12_900, 12_900, 12_899].entries()) {
      const run = await createRun({ sweepId: sweep.id, index: i, config: { lr: 0.5, seed: i }, params: { lr: 0.5, seed: i }, claimedBy: "test" });
      await finishRun(run.id, { state: "finished", summary: { val_loss: 1 }, lastStep: 1 });
      await prisma().run.update({ where: { id: run.id }, data: { startedAt: new Date(started), finishedAt: new Date(started + ms) } });
    }
    const columns = ["runtime"];
    const grouped = await queryRunsTable({ sweepId: sweep.id, columns, groupSeeds: true, sort: { field: "index", desc: false } });
    assert.equal(grouped.rows.length, 1);
    assert.equal(grouped.rows[0].runtime, (12.9 + 12.9 + 12.899) / 3);
    const [row] = parse(tableToCsv(grouped.rows, columns, false), { columns: true }) as Record<string, string>[];
    assert.equal(row.runtime_s, String(grouped.rows[0].runtime), "the mean in full, not rounded to 12.9");
    const runs = parse(await exportRunsCsv({ sweepId: sweep.id, sort: { field: "index", desc: false } }), { columns: true }) as Record<string, string>[];
    assert.deepEqual(runs.map((r) => r.runtime_s), ["12.9", "12.9", "12.899"]);
  });
});

describe("a grouped row's sweep", () => {
  it("is the sweep of its runs when they share one, and none (an empty CSV cell) when they come from several", async () => {
    const [a, b] = await Promise.all(["csv-tags-a", "csv-tags-b"].map((name, seed) => createSweep({ name, config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed, state: "finished" })));
    const tagged = async (sweepId: string, index: number, tags: string[]) => {
      const run = await createRun({ sweepId, index, config: { lr: 0.1 * (index + 1) }, claimedBy: "test" });
      await finishRun(run.id, { state: "finished", summary: { val_loss: 1 + index }, lastStep: 1 });
      await updateRunMeta(run.id, { tags });
    };
    await tagged(a.id, 0, ["csv-both"]);
    await tagged(b.id, 0, ["csv-both", "csv-only-b"]);
    await tagged(b.id, 1, ["csv-only-b"]);
    const columns = ["sweep", "summary.val_loss"];
    const page = await queryRunsTable({ columns, groupTags: true, sort: { field: "created", desc: false } });
    const row = (tag: string) => page.rows.find((r) => r.group?.tag === tag)!;
    assert.equal(row("csv-both").sweepId, null, "runs of two sweeps");
    assert.equal(row("csv-both").sweepName, null);
    assert.equal(row("csv-only-b").sweepId, b.id);
    const csv = parse(tableToCsv([row("csv-both"), row("csv-only-b")], columns, false), { columns: true }) as Record<string, string>[];
    assert.deepEqual(csv.map((r) => r.sweep), ["", b.id]);
  });
});

describe("cells of keys that did not apply (issue 16)", () => {
  it("leaves momentum empty for an adam run, unlike a default, and keeps it for a momentum run", async () => {
    const sweep = await createSweep({ name: "csv-conditional", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    const full = (over: Record<string, unknown>) => ({ ...DEFAULT_RUN_CONFIG, ...over });
    await createRun({ sweepId: sweep.id, index: 0, name: "adam-run", config: full({ optimizer: "adam" }), params: { optimizer: "adam" }, claimedBy: "test" });
    await createRun({ sweepId: sweep.id, index: 1, name: "momentum-run", config: full({ optimizer: "momentum", momentum: 0.5 }), params: { optimizer: "momentum", momentum: 0.5 }, claimedBy: "test" });
    const rows = parse(await exportRunsCsv({ sweepId: sweep.id }), { columns: true }) as Record<string, string>[];
    const byName = new Map(rows.map((r) => [r.name, r]));
    assert.equal(byName.get("adam-run")!["config.momentum"], "");
    assert.equal(byName.get("momentum-run")!["config.momentum"], "0.5");
    // a default that applies is written: the learning rate of both
    assert.equal(byName.get("adam-run")!["config.learning_rate"], String(DEFAULT_RUN_CONFIG.learning_rate));
  });

  it("leaves a key of another task empty (delay and vocab_size of a charlm run, cell of a quadrant run), as the run's page leaves it out", async () => {
    const sweep = await createSweep({ name: "csv-task-keys", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    const full = (over: Record<string, unknown>) => ({ ...DEFAULT_RUN_CONFIG, ...over });
    await createRun({ sweepId: sweep.id, index: 0, name: "charlm-run", config: full({ task: "charlm", cell: "lstm" }), params: {}, claimedBy: "test" });
    await createRun({ sweepId: sweep.id, index: 1, name: "recall-run", config: full({ task: "delayed_recall", cell: "gru", delay: 7 }), params: {}, claimedBy: "test" });
    await createRun({ sweepId: sweep.id, index: 2, name: "quadrant-run", config: full({ task: "quadrant" }), params: {}, claimedBy: "test" });
    const rows = new Map((parse(await exportRunsCsv({ sweepId: sweep.id }), { columns: true }) as Record<string, string>[]).map((r) => [r.name, r]));
    assert.deepEqual(["config.delay", "config.vocab_size", "config.cell", "config.sample_every"].map((c) => rows.get("charlm-run")![c]), ["", "", "lstm", String(DEFAULT_RUN_CONFIG.sample_every)]);
    assert.deepEqual(["config.delay", "config.vocab_size", "config.cell", "config.sample_every"].map((c) => rows.get("recall-run")![c]), ["7", String(DEFAULT_RUN_CONFIG.vocab_size), "gru", ""]);
    assert.deepEqual(["config.delay", "config.cell", "config.num_layers", "config.learning_rate"].map((c) => rows.get("quadrant-run")![c]), ["", "", "", String(DEFAULT_RUN_CONFIG.learning_rate)]);
  });
});

describe("the runs table's CSV: what a row is, then the columns shown, then housekeeping", () => {
  it("writes name and id first, the chosen columns in the table's order, then started, finished, tags and group; numbers in full", async () => {
    const sweep = await createSweep({ name: "csv-order", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    const run = await createRun({ sweepId: sweep.id, index: 0, name: "ordered", config: { lr: 0.1 + 0.2 }, claimedBy: "test", runGroup: "baseline" });
    await finishRun(run.id, { state: "finished", summary: { val_loss: 1 / 3 }, lastStep: 7 });
    const columns = ["state", "runtime", "config.lr", "summary.val_loss", "step"];
    const page = await queryRunsTable({ sweepId: sweep.id, columns, sort: { field: "index", desc: false } });
    const [header, row] = parse(tableToCsv(page.rows, columns, false)) as string[][];
    assert.deepEqual(header, ["name", "id", "state", "runtime_s", "config.lr", "summary.val_loss", "step", "started", "finished", "tags", "group"]);
    const cell = Object.fromEntries(header.map((h, i) => [h, row[i]]));
    assert.deepEqual([cell.name, cell.id, cell.state, cell.group, cell.step], ["ordered", run.id, "finished", "baseline", "7"]);
    assert.equal(Number(cell["config.lr"]), 0.1 + 0.2, "every digit: 0.30000000000000004");
    assert.equal(Number(cell["summary.val_loss"]), 1 / 3);
    // a housekeeping column the user chose stays where the table shows it, once
    const chosen = ["started", "config.lr"];
    const [again] = parse(tableToCsv((await queryRunsTable({ sweepId: sweep.id, columns: chosen })).rows, chosen, false)) as string[][];
    assert.deepEqual(again, ["name", "id", "started", "config.lr", "finished", "tags", "group"]);
  });
});
