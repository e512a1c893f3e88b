import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, createRun, disconnectPrisma, finishRun, getRun, listLogs, readSeries } from "./index";
import { requeueRuns } from "./executor-store";

// Another process holding the SQLite write lock — a second server on the same file, `npm run
// seed`, `npm run train -- --track` — must make the store's read-then-write transactions wait
// out the busy timeout, not fail at once: SQLite refuses to turn a read transaction into a
// write transaction while another connection writes (SQLITE_BUSY, no waiting), which is what
// the adapter's deferred BEGIN did before every transaction took the write lock first.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-lock-"));
const file = path.join(dir, "lock.db");
process.env.DATABASE_URL = `file:${file}`;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A child process that holds the write lock for `ms`; resolves once it holds it, with its end. */
async function holdWriteLock(ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)});
    db.prepare("BEGIN IMMEDIATE").run();
    process.stdout.write("locked\\n");
    setTimeout(() => { db.prepare("COMMIT").run(); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", script], { cwd: path.resolve(import.meta.dirname, "../.."), stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.on("exit", (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return { released: new Promise((resolve) => child.on("exit", () => resolve())) };
}

describe("store transactions beside another process's write lock", () => {
  it("ingestion, finishing and requeueing wait for the lock and then succeed", async () => {
    const ingested = await createRun({ config: {}, claimedBy: "test:lock" });
    const finished = await createRun({ config: {}, claimedBy: "test:lock" });
    const requeued = await createRun({ config: {}, claimedBy: "test:lock" });

    let { released } = await holdWriteLock(700);
    const started = Date.now();
    const result = await appendRunEvents([{ runId: ingested.id, metrics: [{ step: 1, time: 0.1, values: { loss: 1.5 } }] }]);
    assert.ok(Date.now() - started >= 300, `it waited for the lock (${Date.now() - started} ms)`);
    assert.deepEqual(result.unknownRuns, []);
    await released;
    assert.deepEqual((await readSeries(ingested.id, "loss")).map((p) => p.value), [1.5]);

    ({ released } = await holdWriteLock(700));
    assert.equal((await finishRun(finished.id, { state: "finished" }))?.state, "finished");
    await released;
    assert.equal((await getRun(finished.id))?.state, "finished");

    ({ released } = await holdWriteLock(700));
    assert.deepEqual((await requeueRuns([requeued.id], "server restarted", { maxInterruptions: 3 })).map((r) => r.state), ["queued"]);
    await released;
    assert.ok((await listLogs(requeued.id)).some((l) => l.message.includes("server restarted")));
  });
});
