import fs from "node:fs";
import path from "node:path";

// Where the SQLite file lives: DATABASE_URL ("file:./data/x.db", "file:/abs/x.db" or a plain
// path), relative to the project root (the working directory of every entry point).
export const DEFAULT_DATABASE_URL = "file:./data/sweeplab.db";

export function databasePath(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): string {
  // a PostgreSQL URL is never a file name (read as one, it left a SQLite file in a folder named "postgresql:")
  if (/^postgres(ql)?:\/\//i.test(url)) throw new DatabaseError(`DATABASE_URL "${redact(url)}" names a PostgreSQL server, not a SQLite file`);
  const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
  const withoutQuery = raw.split("?")[0];
  if (!withoutQuery) throw new DatabaseError(`DATABASE_URL "${url}" names no file`);
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), withoutQuery);
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** A problem with the database file itself, with a message a person can act on. */
export class DatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseError";
  }
}

const SQLITE_MAGIC = "SQLite format 3\0";

/** Check the file before opening: its folder can be created, it is SQLite (or empty/absent). */
export function checkDatabaseFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new DatabaseError(`cannot write the database ${file}: cannot create its folder (${(error as NodeJS.ErrnoException).code}); set DATABASE_URL to a writable place`);
  }
  if (!fs.existsSync(file)) return;
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw new DatabaseError(`database path ${file} is a directory, not a SQLite file`);
  if (stat.size === 0) return;
  const fd = fs.openSync(file, "r");
  try {
    const header = Buffer.alloc(16);
    fs.readSync(fd, header, 0, 16, 0);
    if (header.toString("latin1") !== SQLITE_MAGIC) {
      throw new DatabaseError(`database file ${file} is not a SQLite database (refusing to touch it; set DATABASE_URL to another file)`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The database could not store something for a reason that passes: a full disk, a lock held too
 * long by another process, an I/O error. Its message says which, for the person who must act;
 * whoever was writing keeps the data and tries again (sweeps/executor/runner.ts).
 */
export class StorageError extends DatabaseError {
  readonly transient = true;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

const STORAGE_PROBLEMS: [RegExp, string][] = [
  [/SQLITE_FULL|database or disk is full|ENOSPC|no space left|\b53100\b/i, "disk full: the database cannot grow"],
  [/SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked|\b55P03\b|\b40P01\b|\b40001\b/i, "database busy: another process held it locked too long"],
  // PostgreSQL out of reach: refused, restarting, a connection ended under a query
  [/ECONNREFUSED|ECONNRESET|\b57P0[123]\b|Connection terminated|terminating connection|the database system is (starting up|shutting down)/i, "database unreachable: PostgreSQL refused or dropped the connection"],
  [/SQLITE_IOERR|disk I\/O error|EIO\b/i, "I/O error writing the database"],
  [/SQLITE_READONLY|attempt to write a readonly database|EROFS/i, "the database is read-only"],
];

/** `error` as a StorageError when a database write failed for one of the reasons above (its cause chain is searched), else null. */
export function asStorageError(error: unknown, file = databaseLabel()): StorageError | null {
  if (error instanceof StorageError) return error;
  const texts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const o = e as { code?: unknown; originalCode?: unknown; message?: unknown; originalMessage?: unknown };
    for (const v of [o.originalCode, o.code, o.originalMessage, o.message]) if (typeof v === "string") texts.push(v);
  }
  const all = texts.join(" | ");
  for (const [pattern, what] of STORAGE_PROBLEMS) {
    if (!pattern.test(all)) continue;
    const code = /SQLITE_[A-Z_]+|E[A-Z]{2,}|\b(?:53100|55P03|40P01|40001|57P0[123])\b/.exec(all)?.[0] ?? "error";
    return new StorageError(`${what} (${code}${file ? `: ${file}` : ""})`, code);
  }
  return null;
}

/** Where the data lives, for messages: the SQLite file's path, or the PostgreSQL URL without its password. */
export function databaseLabel(): string | null {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (/^postgres(ql)?:\/\//i.test(url)) return redact(url);
  try {
    return databasePath();
  } catch {
    return null;
  }
}
