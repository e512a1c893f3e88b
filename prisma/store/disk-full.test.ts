import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { LocalExecutor, type PlanFactory } from "../../sweeps/executor";
import { localCheckpoints } from "../../sweeps/checkpoints";
import { processLauncher } from "../../sweeps/launcher";
import { assertWholeCurves, loggedSteps } from "../../sweeps/testdata/curves";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { pidAlive, until } from "../../sweeps/testdata/until";
import { executorStore } from "./executor-store";
import { createSweep, disconnectPrisma, getSweep, sweepRuns } from "./index";

// A real full disk: the database and the checkpoints on a small tmpfs, filled up while two runs
// train (mounting one needs root: without it the test is skipped, and the simulated SQLITE_FULL
// of executor-store.test.ts still runs). Both runs finish training while nothing can be
// written; once space is freed they are recorded finished with every point.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-full-"));
const mounted = process.getuid?.() === 0 && spawnSync("mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", dir]).status === 0;
process.env.DATABASE_URL = `file:${path.join(dir, "full.db")}`;
process.env.SWEEPLAB_DATA_DIR = dir;
const filler = path.join(dir, "filler");

after(async () => {
  await disconnectPrisma();
  if (mounted) spawnSync("umount", ["-l", dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Write zeros until the file system is full. */
function fillDisk(): void {
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(16 << 10);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, "ENOSPC");
  } finally {
    fs.closeSync(fd);
  }
}

const plan: PlanFactory = () => ({
  earlyTermination: false,
  propose: (index) => (index >= 2 ? { done: "search done" } : { params: {}, config: { task: "quadrant", steps: 1500, log_every: 1, eval_every: 10, seed: index + 1 } }),
  shouldStop: () => null,
});

describe("a full disk (tmpfs)", { skip: mounted ? false : "needs root to mount a small tmpfs" }, () => {
  it("keeps every point of runs that finish training while the disk is full, and records them finished once there is space", async () => {
    const sweep = await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
    const logs: string[] = [];
    const ex = new LocalExecutor({
      store: executorStore(),
      planFor: plan,
      launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "2" } }),
      checkpoints: localCheckpoints({ everyMs: 100 }),
      concurrency: 2,
      pollMs: 100,
      maintainEveryMs: 300,
      staleAfterMs: 1000,
      log: (m) => logs.push(m),
    });
    await ex.start();
    const running = await until("two runs mid-way", async () => {
      const runs = (await sweepRuns(sweep.id)).filter((r) => r.state === "running" && r.lastStep >= 100 && r.pid);
      return runs.length === 2 ? runs : null;
    });
    fillDisk();
    await until("both workers to finish training", async () => running.every((r) => !pidAlive(r.pid!)), 30_000);
    await until("a failed write", async () => logs.some((m) => /^cannot store reports: disk full/.test(m)), 10_000);
    await new Promise((r) => setTimeout(r, 2000)); // the stale-heartbeat rule (1 s) has had its chance
    assert.ok((await sweepRuns(sweep.id)).every((r) => r.state === "running"), "nothing was marked crashed or put back while the disk was full");
    fs.rmSync(filler);
    const ended = await until("the sweep to end", async () => {
      const s = await getSweep(sweep.id);
      return s && s.state !== "running" ? s : null;
    }, 30_000);
    await ex.stop();
    assert.equal(ended.state, "finished");
    for (const run of await sweepRuns(sweep.id)) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      await assertWholeCurves(run.id, { train_loss: loggedSteps(1500, 1), val_loss: loggedSteps(1500, 10) }, run.name);
    }
    assert.match(logs.find((m) => /^cannot store reports/.test(m))!, /disk full: the database cannot grow \(SQLITE_FULL/);
    assert.ok(logs.some((m) => /^storing again after \d+ s; nothing was lost$/.test(m)), logs.join("\n"));
    assert.ok(!logs.some((m) => /host is gone|crashed|back in the queue/.test(m)), logs.join("\n"));
  });
});
