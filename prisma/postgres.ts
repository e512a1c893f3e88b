import crypto from "node:crypto";
import path from "node:path";
import pg from "pg";
import { DatabaseError, redact } from "./database";
import { Prisma } from "./generated/client";
import { listMigrations, type Migration } from "./migrate";

// PostgreSQL, the scale-out store (DATABASE_URL=postgresql://…): its migrations, applied at
// first connection as SQLite's are (recorded in Prisma's _prisma_migrations with the same
// checksums, under an advisory lock so servers starting together apply each once), and the
// pool prisma/store's typed reads use (prisma/store/sql.ts).

export const POSTGRES_MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "postgres", "migrations");

/** A database to create scratch databases from (migrate:new's shadow, the tests' fresh ones). */
export function postgresAdminUrl(): string {
  return process.env.SWEEPLAB_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

// Prisma's DateTime is `timestamp(3)` (no time zone) holding UTC: read it as UTC, whatever TZ says.
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID ? (s: string) => new Date(s.replace(" ", "T") + "Z") : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** The advisory-lock keys this store takes (pg_advisory_lock's bigint space; arbitrary, fixed). */
export const LOCKS = { migrate: 7_741_001, write: 7_741_002, sweep: 7_741_003, ingest: 7_741_004 } as const;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Apply pending Postgres migrations, each in a transaction; returns the names applied. */
export async function migratePostgres(url: string, dir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseError(`cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message} (is it running? pg_ctlcluster --skip-systemctl-redirect 15 main start)`);
  }
  const applied: string[] = [];
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCKS.migrate})`);
    await client.query(MIGRATIONS_TABLE);
    for (const m of listMigrations(dir)) if (await applyOne(client, m, url)) applied.push(m.name);
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${LOCKS.migrate})`).catch(() => {});
    await client.end();
  }
  return applied;
}

async function applyOne(client: pg.Client, m: Migration, url: string): Promise<boolean> {
  const { rows } = await client.query(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`, [m.name]);
  if (rows.length > 0) {
    if (rows[0].checksum !== m.checksum) throw new DatabaseError(`migration ${m.name} was changed after it was applied to ${redact(url)}; create a new migration instead of editing an applied one`);
    return false;
  }
  const startedAt = new Date();
  try {
    await client.query("BEGIN");
    await client.query(m.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
      [crypto.randomUUID(), m.checksum, m.name, startedAt],
    );
    await client.query("COMMIT");
    return true;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new DatabaseError(`migration ${m.name} failed on ${redact(url)}: ${(error as Error).message} (nothing of it was applied)`);
  }
}


type Global = typeof globalThis & { __sweeplabPgPools?: Map<string, { pool: pg.Pool; ready: Promise<void> }> };

/**
 * Every connection's settings. JIT off: the store's statements are short, and a wide one (the
 * runs table over 100,000 runs) spent 400 ms compiling to save nothing (measured, bench scale).
 */
export const SESSION_OPTIONS = "-c jit=off";

/** The process's pool for `url` (typed reads), once its migrations are applied. */
export async function pgPool(url: string): Promise<pg.Pool> {
  const g = globalThis as Global;
  g.__sweeplabPgPools ??= new Map();
  let entry = g.__sweeplabPgPools.get(url);
  if (!entry) {
    const pool = new pg.Pool({ connectionString: url, types, max: 8, options: SESSION_OPTIONS });
    // an idle connection the server ends (a restart, a dropped database) is replaced on next use
    pool.on("error", (error) => console.warn(`sweeplab: PostgreSQL connection lost (${error.message})`));
    entry = { pool, ready: migrated(url) };
    g.__sweeplabPgPools.set(url, entry);
  }
  await entry.ready;
  return entry.pool;
}

/**
 * The statement every write transaction of the store starts with: one writer at a time across
 * every server and agent sharing the database, as SQLite's one writer (prisma/client.ts
 * writeTransaction), by a transaction-level advisory lock released at commit or rollback. A
 * `shared` writer — metric ingestion, whose reports order themselves by their runs' row locks
 * (prisma/store/metrics.ts) — runs beside other shared ones, and still excludes and waits for
 * every other writer (a waiting exclusive writer is not overtaken by later shared ones).
 */
export function writeLockSql(shared = false): string {
  return `SELECT pg_advisory_xact_lock${shared ? "_shared" : ""}(${LOCKS.write})`;
}

/**
 * A write transaction on a connection of the store's pool, for the writer that needs the
 * connection itself (metric ingestion COPYs its points, which Prisma's transactions cannot):
 * the write lock first, rolled back on any error, a connection that failed under it discarded.
 */
export async function pgWriteTransaction<T>(url: string, fn: (client: pg.PoolClient) => Promise<T>, options: { shared?: boolean } = {}): Promise<T> {
  const client = await (await pgPool(url)).connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; ${writeLockSql(options.shared)}`); // (one round trip: under load each is dear, bench scale)
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}

const migrations = new Map<string, Promise<void>>();
/** Migrations applied once per process and URL (the Prisma adapter and the pool both wait on it). */
export function migrated(url: string): Promise<void> {
  let p = migrations.get(url);
  if (!p) {
    p = migratePostgres(url).then(() => undefined);
    p.catch(() => migrations.delete(url)); // a failed attempt is retried by the next caller
    migrations.set(url, p);
  }
  return p;
}

export async function closePgPools(): Promise<void> {
  const g = globalThis as Global;
  const pools = [...(g.__sweeplabPgPools?.values() ?? [])];
  g.__sweeplabPgPools?.clear();
  migrations.clear();
  await Promise.all(pools.map((p) => p.pool.end().catch(() => {})));
}

/**
 * The data model's names that Postgres would fold to lower case unquoted: its tables and its
 * camelCase columns (from the generated client, so a new column is covered without a list here).
 */
const MIXED_CASE = new Set(
  [
    ...Object.values(Prisma.ModelName),
    ...Object.entries(Prisma)
      .filter(([k]) => k.endsWith("ScalarFieldEnum"))
      .flatMap(([, v]) => Object.values(v as Record<string, string>)),
  ].filter((name) => /[A-Z]/.test(name)),
);
const WORD = /\b[A-Za-z_][A-Za-z0-9_]*\b/g;

/**
 * A statement the store writes once for both databases (SQLite's spelling: bare camelCase
 * names, `?` placeholders) as Postgres reads it: the data model's mixed-case names double-quoted,
 * placeholders numbered ($1, $2, …). String literals and names already quoted are left alone;
 * no `?` may sit in a literal.
 */
export function toPostgres(sql: string): string {
  let text = translated.get(sql);
  if (text === undefined) {
    if (translated.size >= 500) translated.delete(translated.keys().next().value!);
    translated.set(sql, (text = translate(sql)));
  }
  return text;
}

/** The store's statements repeat (a poll runs the same few): each is rewritten once. */
const translated = new Map<string, string>();

function translate(sql: string): string {
  let i = 0;
  // split into 'literals', "quoted names" and the rest; only the rest is rewritten
  return sql.replace(/('(?:[^']|'')*')|("(?:[^"]|"")*")|([^'"]+)/g, (_all, literal: string, quoted: string, rest: string) => {
    if (literal !== undefined || quoted !== undefined) return literal ?? quoted;
    return rest.replace(WORD, (w) => (MIXED_CASE.has(w) ? `"${w}"` : w)).replace(/\?/g, () => `$${++i}`);
  });
}

/**
 * A fresh, empty database (migrate:new's scratch, each test file's own), and how to drop it:
 * `drop` ends other connections to it first.
 */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new DatabaseError(`cannot connect to PostgreSQL at ${redact(postgresAdminUrl())}: ${(error as Error).message} (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start, or set SWEEPLAB_PG_ADMIN_URL)`);
  }
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
