import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { checkDatabaseFile, DatabaseError, databasePath } from "./database";

// The migration runner: applies prisma/migrations/*/migration.sql in name order, each once,
// in a transaction, recording it in Prisma's own _prisma_migrations table (same columns and
// checksum as `prisma migrate deploy`), so the file stays usable by Prisma's CLI elsewhere.
// Called by the server at start (instrumentation.ts) and by every CLI.

export const MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "checksum" TEXT NOT NULL,
  "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL,
  "logs" TEXT,
  "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Open the database file with the pragmas every connection uses. */
export function openDatabase(file = databasePath()): Database.Database {
  checkDatabaseFile(file);
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
  } catch (error) {
    throw explain(error, file);
  }
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

function explain(error: unknown, file: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/readonly|read-only|SQLITE_CANTOPEN|unable to open/i.test(message)) {
    return new DatabaseError(`cannot write the database ${file}: ${message} (check the file's and its folder's permissions, or set DATABASE_URL)`);
  }
  if (/not a database|file is encrypted|SQLITE_NOTADB/i.test(message)) {
    return new DatabaseError(`database file ${file} is not a SQLite database (refusing to touch it; set DATABASE_URL to another file)`);
  }
  return error instanceof Error ? error : new Error(message);
}

/** Apply pending migrations; returns the names applied. Safe to call from several processes. */
export function migrate(file = databasePath(), dir = MIGRATIONS_DIR): string[] {
  const db = openDatabase(file);
  try {
    return applyMigrations(db, listMigrations(dir), file);
  } finally {
    db.close();
  }
}

function applyMigrations(db: Database.Database, migrations: Migration[], file: string): string[] {
  const applied: string[] = [];
  try {
    db.exec(MIGRATIONS_TABLE);
  } catch (error) {
    throw explain(error, file);
  }
  for (const m of migrations) {
    // Table redefinitions begin with PRAGMA foreign_keys=OFF, which is a no-op inside a
    // transaction: switch foreign keys off around it and check them afterwards.
    db.pragma("foreign_keys = OFF");
    try {
      const done = db.transaction(() => {
        const row = db
          .prepare(`SELECT checksum FROM _prisma_migrations WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`)
          .get(m.name) as { checksum: string } | undefined;
        if (row) {
          if (row.checksum !== m.checksum) {
            throw new DatabaseError(`migration ${m.name} was changed after it was applied to ${file}; create a new migration instead of editing an applied one`);
          }
          return false;
        }
        const startedAt = new Date().toISOString();
        db.exec(m.sql);
        const violations = db.pragma("foreign_key_check") as unknown[];
        if (violations.length > 0) throw new DatabaseError(`migration ${m.name} leaves ${violations.length} foreign-key violations`);
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
        ).run(crypto.randomUUID(), m.checksum, new Date().toISOString(), m.name, startedAt);
        return true;
      }).immediate();
      if (done) applied.push(m.name);
    } catch (error) {
      const explained = explain(error, file);
      if (explained instanceof DatabaseError) throw explained;
      throw new DatabaseError(`migration ${m.name} failed on ${file}: ${explained.message} (nothing of it was applied)`);
    } finally {
      db.pragma("foreign_keys = ON");
    }
  }
  return applied;
}
