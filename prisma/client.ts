import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/client";
import { databasePath } from "./database";
import { migrate } from "./migrate";

// The one Prisma client of a process, kept on globalThis so hot reloads and repeated imports
// share it. Only prisma/store/ imports this module.

type Global = typeof globalThis & { __sweeplabPrisma?: { url: string; client: PrismaClient } };

/** The process's Prisma client for DATABASE_URL; migrations are applied before first use. */
export function prisma(): PrismaClient {
  const g = globalThis as Global;
  const file = databasePath();
  if (g.__sweeplabPrisma?.url === file) return g.__sweeplabPrisma.client;
  migrate(file);
  const client = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
  g.__sweeplabPrisma = { url: file, client };
  return client;
}

/** Close the client (CLIs and tests call this before exiting). */
export async function disconnectPrisma(): Promise<void> {
  const g = globalThis as Global;
  const current = g.__sweeplabPrisma;
  g.__sweeplabPrisma = undefined;
  await current?.client.$disconnect();
}
