import { after } from "node:test";
import { disconnectPrisma } from "../client";
import { createScratchDatabase } from "../postgres";

// The database a store test runs on: a SQLite file at `file` (the default), or — with
// SWEEPLAB_TEST_DATABASE=postgresql (scripts/test.mjs runs the store and executor suites a
// second time so) — a fresh PostgreSQL database of its own, dropped when the file's tests end.
export async function testDatabaseUrl(file: string): Promise<string> {
  if (process.env.SWEEPLAB_TEST_DATABASE !== "postgresql") return `file:${file}`;
  const db = await createScratchDatabase("sweeplab_test");
  after(async () => {
    await disconnectPrisma(); // (the file's own after() may come later: a second call is a no-op)
    await db.drop();
  });
  return db.url;
}
