import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { migrate } from "./migrate";

// `npm run seed` against a database a running server uses (issue 17 §7): the seed wrote each
// sweep as running and each run as queued, then claimed and finished it; a failure half-way
// (the server holding the write lock) left sweeps marked running, and meanwhile the server's
// executor took their runs and proposed more. Here another connection plays the busy server —
// it holds the write lock for 5.5 s at a time, twice — while the seed runs in its own process;
// and all the while we look at the database as an executor would: nothing may ever be
// claimable, and the seed must finish.

const ROOT = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-seed-"));
const file = path.join(dir, "shared.db");

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("npm run seed beside a busy server", () => {
  it("finishes, and never leaves a sweep or a run an executor would pick up", async () => {
    migrate(file);
    const server = new Database(file, { timeout: 10_000 });
    const watcher = new Database(file, { readonly: true });
    const claimable: string[] = [];
    let done = false;
    const watch = (async () => {
      while (!done) {
        const sweeps = watcher.prepare(`SELECT count(*) AS n FROM Sweep WHERE state IN ('running', 'paused')`).get() as { n: number };
        const runs = watcher.prepare(`SELECT count(*) AS n FROM Run WHERE state IN ('queued', 'running')`).get() as { n: number };
        if (sweeps.n > 0 || runs.n > 0) claimable.push(`${sweeps.n} live sweeps, ${runs.n} queued/running runs`);
        await sleep(50);
      }
    })();
    // the busy server: the write lock held 5.5 s at a time (the seed's statements wait for it)
    const busy = (async () => {
      for (let i = 0; i < 2; i++) {
        server.prepare("BEGIN IMMEDIATE").run();
        await sleep(5500);
        server.prepare("COMMIT").run();
        await sleep(250);
      }
    })();
    const seed = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["prisma/seed.ts", "--sweeps", "2", "--runs", "4", "--points", "60"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    seed.stdout.on("data", (d) => (output += d));
    seed.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
    await busy;
    done = true;
    await watch;
    server.close();

    assert.equal(code, 0, output);
    assert.match(output, /seeded 2 sweeps, 8 runs/);
    assert.deepEqual(claimable, [], "a live sweep or a queued/running run was visible while seeding");
    const sweeps = watcher.prepare(`SELECT state FROM Sweep`).all() as { state: string }[];
    assert.deepEqual(sweeps.map((s) => s.state), ["finished", "finished"]);
    const runs = watcher.prepare(`SELECT state, lastStep, (SELECT count(*) FROM Metric m WHERE m.runId = Run.id) AS points FROM Run`).all() as { state: string; lastStep: number; points: number }[];
    assert.equal(runs.length, 8);
    for (const r of runs) {
      assert.ok(["finished", "pruned", "diverged", "failed"].includes(r.state), r.state);
      assert.ok(r.points > 0 && r.lastStep > 0, "every run has its points");
    }
    watcher.close();
  });
});
