import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { asSweepController } from "./sweeps";
import { createSweep, disconnectPrisma } from "./index";

// A sweep's controller (prisma/store/sweeps.ts asSweepController): the one process deciding its
// next run. On PostgreSQL several servers on several machines share the database, so this rests
// on PostgreSQL's advisory locks: real processes, a real server, a kill -9.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-controller-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "c.db"));
const onPostgres = process.env.DATABASE_URL.startsWith("postgresql:");
after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const newSweep = () => createSweep({ config: {}, rawConfig: "", method: "random", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a sweep's controller", () => {
  it("gives back the decision's result, or its error, and is free again after either", async () => {
    const sweep = await newSweep();
    assert.equal(await asSweepController(sweep.id, async () => 42), 42);
    await assert.rejects(asSweepController(sweep.id, async () => Promise.reject(new Error("the plan failed"))), /the plan failed/);
    assert.equal(await asSweepController(sweep.id, async () => "again"), "again");
  });

  const pgOnly = onPostgres ? false : "PostgreSQL only (SQLite is one machine: its writes are serialised by the file's lock)";

  it("decides one at a time in one process", async () => {
    const sweep = await newSweep();
    let inside = 0;
    let most = 0;
    const decide = async () => {
      most = Math.max(most, ++inside);
      await sleep(20);
      inside--;
    };
    await Promise.all(Array.from({ length: 4 }, () => asSweepController(sweep.id, decide)));
    assert.equal(most, 1);
  });

  it("is one process at a time across processes, and a holder killed -9 hands over at once", { skip: pgOnly }, async () => {
    const [sweep, other] = [await newSweep(), await newSweep()];
    const holder = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "../testdata/hold-sweep-controller.ts"), sweep.id], { env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d: Buffer) => d.toString().includes("holding") && resolve());
        holder.on("exit", (code) => reject(new Error(`the holder exited (${code}) before holding`)));
      });
      let decided = false;
      const waiting = asSweepController(sweep.id, async () => {
        decided = true;
      });
      await sleep(800);
      assert.equal(decided, false, "waits while another process is the sweep's controller");
      let otherDecided = false;
      await asSweepController(other.id, async () => {
        otherDecided = true;
      });
      assert.equal(otherDecided, true, "another sweep is not held up");
      const killed = Date.now();
      holder.kill("SIGKILL");
      await waiting;
      assert.equal(decided, true);
      assert.ok(Date.now() - killed < 5000, `took over ${Date.now() - killed} ms after the kill (no lease to expire)`);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});
