import fs from "node:fs";
import path from "node:path";

// Where the SQLite file lives: DATABASE_URL ("file:./data/x.db", "file:/abs/x.db" or a plain
// path), relative to the project root (the working directory of every entry point).
export const DEFAULT_DATABASE_URL = "file:./data/sweeplab.db";

export function databasePath(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): string {
  const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
  const withoutQuery = raw.split("?")[0];
  if (!withoutQuery) throw new DatabaseError(`DATABASE_URL "${url}" names no file`);
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), withoutQuery);
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
