import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import { PrismaClient } from "./generated/client";
import { PrismaClient as PostgresPrismaClient } from "./generated-pg/client";
import { databasePath, DEFAULT_DATABASE_URL } from "./database";
import { migrate } from "./migrate";
import { closePgPools, migrated, SESSION_OPTIONS, writeLockSql } from "./postgres";
import { providerOf } from "./provider";

// The one Prisma client of a process, kept on globalThis so hot reloads and repeated imports
// share it. Only prisma/store/ imports this module. DATABASE_URL picks the database: a SQLite
// file (the default) or PostgreSQL (postgresql://…, prisma/postgres.ts); the two clients are
// generated from one data model and typed alike, so nothing above prisma/store knows which.

type Global = typeof globalThis & {
  __sweeplabPrisma?: { url: string; client: PrismaClient };
  __sweeplabReader?: { url: string; db: Database.Database };
};

/** The process's Prisma client for DATABASE_URL; migrations are applied before first use. */
export function prisma(): PrismaClient {
  const g = globalThis as Global;
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (providerOf(url) === "postgresql") {
    if (g.__sweeplabPrisma?.url === url) return g.__sweeplabPrisma.client;
    const client = new PostgresPrismaClient({ adapter: migratingPg(url), transactionOptions: { maxWait: 30_000, timeout: 60_000 } }) as unknown as PrismaClient;
    g.__sweeplabPrisma = { url, client };
    return client;
  }
  const file = databasePath();
  if (g.__sweeplabPrisma?.url === file) return g.__sweeplabPrisma.client;
  migrate(file);
  // maxWait: a transaction may queue behind this process's others (the adapter runs one at a
  // time); timeout: it may wait up to the busy timeout for another process's write lock first
  const client = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }), transactionOptions: { maxWait: 30_000, timeout: 60_000 } });
  g.__sweeplabPrisma = { url: file, client };
  return client;
}

/** Prisma's Postgres adapter, connecting only once the migrations are applied (prisma() stays synchronous). */
function migratingPg(url: string) {
  const base = new PrismaPg({ connectionString: url, max: 10, options: SESSION_OPTIONS });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => {
      await migrated(url);
      return base.connect();
    },
  } as unknown as PrismaPg;
}

/**
 * A read-only better-sqlite3 connection to the same file, for the few wide reads where
 * Prisma's per-row conversion is most of the cost (listing thousands of runs). WAL lets it
 * read while the Prisma connection writes; it never writes.
 */
export function reader(): Database.Database {
  const g = globalThis as Global;
  const file = databasePath();
  if (g.__sweeplabReader?.url === file) return g.__sweeplabReader.db;
  prisma(); // creates the file and applies migrations first
  const db = new Database(file, { readonly: true, timeout: 10_000 });
  db.pragma("temp_store = MEMORY");
  g.__sweeplabReader = { url: file, db };
  return db;
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * A transaction that writes. The adapter's BEGIN is deferred, and SQLite refuses at once —
 * SQLITE_BUSY, without waiting out the busy timeout — to turn a transaction that has read into
 * one that writes while another process (a second server, `npm run seed`, `npm run train --
 * --track`) holds the write lock: waiting could deadlock. So the write lock is taken first, by
 * a statement that writes nothing, and the rest of the transaction runs behind it.
 */
export function writeTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const postgres = providerOf(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL) === "postgresql";
  return prisma().$transaction(async (tx) => {
    // Postgres: the same one-writer-at-a-time rule across every server and agent sharing the
    // database (postgres.ts writeLockSql)
    if (postgres) await tx.$executeRawUnsafe(writeLockSql());
    else await tx.$executeRawUnsafe("UPDATE Run SET id = id WHERE 0");
    return fn(tx);
  });
}

/** Close the client (CLIs and tests call this before exiting). */
export async function disconnectPrisma(): Promise<void> {
  const g = globalThis as Global;
  const current = g.__sweeplabPrisma;
  g.__sweeplabPrisma = undefined;
  g.__sweeplabReader?.db.close();
  g.__sweeplabReader = undefined;
  await current?.client.$disconnect();
  await closePgPools();
}
