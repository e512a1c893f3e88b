import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createRun, createSweep, disconnectPrisma, finishRun, listRuns, queryRunsTable, sweepProgress } from "./index";
import type { RunFilter } from "./query";

// A config or summary key sits in the SQL text: in a JSON path on SQLite (`$."val loss"`), as a
// jsonb key on PostgreSQL. The name rule (sweeps/names.ts) keeps quotes and backslashes out of
// the keys users can name, but the SQL must not lean on it: any key is escaped so that it names
// itself and nothing else — a space, a quote that would end the path's label or the literal, a
// backslash, brackets and dots that would be path syntax, a key written as an injection. Run on
// SQLite, then (SWEEPLAB_TEST_DATABASE=postgresql) on PostgreSQL.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-json-keys-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "json-keys.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const KEYS = ["val loss", 'a"b', "it's", "a\\b", "x[0]", "$.y", "a.b", 'q"', "'); DROP TABLE Run; --", '" || 1 || "', "\\u0022"];

/** Three runs: run i has value i + 1 under every key, in config and summary alike. */
const ids: string[] = [];
let sweep: Awaited<ReturnType<typeof createSweep>>;
let sweepId = "";

before(async () => {
  sweep = await createSweep({ name: "keys", config: {}, rawConfig: "", method: "grid", metricName: 'a"b', metricGoal: "minimize", concurrency: 1, seed: 1, runCap: 3, state: "finished" });
  sweepId = sweep.id;
  for (let i = 0; i < 3; i++) {
    const values = Object.fromEntries(KEYS.map((k) => [k, i + 1]));
    const run = await createRun({ sweepId, index: i, config: { ...values, seed: i }, claimedBy: "t" });
    await finishRun(run.id, { state: "finished", summary: values });
    ids.push(run.id);
  }
});

const filter = (field: string, op: RunFilter["op"], value: number | string): RunFilter => ({ field, op, value, text: `${field}${op}${value}` });

describe("keys that are path or SQL syntax", () => {
  for (const key of KEYS) {
    it(`${JSON.stringify(key)} names its own value: filters, sort and the table's columns`, async () => {
      for (const source of ["config", "summary"]) {
        const field = `${source}.${key}`;
        const listed = async (...filters: RunFilter[]) => (await listRuns({ sweepId, filters, sort: { field, desc: true } })).runs.map((r) => r.id);
        assert.deepEqual(await listed(), [ids[2], ids[1], ids[0]], `sort by ${field}`);
        assert.deepEqual(await listed(filter(field, ">", 1)), [ids[2], ids[1]], `${field}>1`);
        assert.deepEqual(await listed(filter(field, "=", 2)), [ids[1]], `${field}=2`);
        assert.deepEqual(await listed(filter(field, "!=", 2)), [ids[2], ids[0]], `${field}!=2`);
        assert.deepEqual(await listed(filter(field, "~", "3")), [ids[2]], `${field}~3`);
        const table = await queryRunsTable({ sweepId, columns: ["name", field], sort: { field, desc: false }, filters: [filter(field, "<=", 2)] });
        assert.deepEqual(table.rows.map((r) => [r.id, r.values[field]]), [[ids[0], 1], [ids[1], 2]], `the table's ${field}`);
      }
    });
  }

  it("the sweep's best run is found by a metric named with a quote", async () => {
    assert.equal((await sweepProgress(sweep)).best?.id, ids[0]);
  });

  it("left the tables as they were", async () => {
    assert.equal((await listRuns({ sweepId })).total, 3);
  });
});
