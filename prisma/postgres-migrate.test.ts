import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pg from "pg";
import { createScratchDatabase, migratePostgres, POSTGRES_MIGRATIONS_DIR } from "./postgres";

// A PostgreSQL database that holds points when a migration reshapes their table: every point
// stays as it was, its storage order (seq) included, and the sequence goes on after them.

const db = await createScratchDatabase("sweeplab_migrate");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-migrate-"));
after(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const PARTITIONED = "20261204100000_metric_partitioned_by_run";

describe("PostgreSQL migrations over stored points", () => {
  it(`${PARTITIONED}: every point kept with its seq, Metric partitioned by run, new points numbered after the old`, async () => {
    // the database as it was before: every migration up to this one
    const before = path.join(dir, "before");
    for (const name of fs.readdirSync(POSTGRES_MIGRATIONS_DIR)) {
      if (name >= PARTITIONED && !name.endsWith(".toml")) continue;
      fs.cpSync(path.join(POSTGRES_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
    }
    const applied = await migratePostgres(db.url, before);
    assert.ok(applied.length > 0 && !applied.includes(PARTITIONED));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const read = async () => (await client.query(`SELECT "runId", name, step, value::text AS value, "wallTime", seq::text AS seq FROM "Metric" ORDER BY seq`)).rows;
      // points of several runs, interleaved as reports store them, with NaN as NULL and ±Infinity
      for (let step = 1; step <= 40; step++)
        for (const run of ["run-a", "run-b", "run-c"])
          await client.query(`INSERT INTO "Metric" ("runId", name, step, value, "wallTime") VALUES ($1, 'loss', $2, $3, $4)`, [run, step, step % 7 === 0 ? null : step % 11 === 0 ? "Infinity" : 1 / step, step / 3]);
      const stored = await read();
      assert.equal(stored.length, 120);

      assert.deepEqual(await migratePostgres(db.url), [PARTITIONED, ...fs.readdirSync(POSTGRES_MIGRATIONS_DIR).filter((n) => n > PARTITIONED && !n.endsWith(".toml"))]);
      assert.deepEqual(await read(), stored, "every point as it was, in its order");
      const { rows: parts } = await client.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = '"Metric"'::regclass`);
      assert.equal(parts[0].n, 16);
      const { rows: next } = await client.query(`INSERT INTO "Metric" ("runId", name, step, value, "wallTime") VALUES ('run-d', 'loss', 1, 0.5, 0) RETURNING seq::text AS seq`);
      assert.ok(BigInt(next[0].seq) > BigInt(stored[stored.length - 1].seq), "the sequence goes on after the points carried over");
      assert.deepEqual(await migratePostgres(db.url), [], "applied once");
    } finally {
      await client.end();
    }
  });
});
