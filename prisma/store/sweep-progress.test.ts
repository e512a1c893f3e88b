import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { createRun, createSweep, disconnectPrisma, finishRun, sweepProgress } from "./index";
import { rerunRun } from "./sweep-control";

// A re-run of a finished sweep's run is not one more run of the sweep ("10/9", issue 17 §7):
// the progress counts the sweep's own runs against its budget and re-runs apart.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-progress-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "progress.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("sweep progress", () => {
  it("counts re-runs apart from the sweep's own runs", async () => {
    const sweep = await createSweep({ name: "grid-3", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, runCap: 3, state: "finished" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await createRun({ sweepId: sweep.id, index: i, config: { seed: i }, claimedBy: "t" });
      await finishRun(run.id, { state: "finished", summary: { val_loss: 3 - i, val_loss_best: 3 - i } });
      ids.push(run.id);
    }
    const rerun = await rerunRun(ids[0]);
    assert.ok(rerun.ok);
    const p = await sweepProgress(sweep);
    assert.equal(p.total, 3);
    assert.equal(p.counts.finished, 3);
    assert.equal(p.counts.queued, 0);
    assert.equal(p.reruns.queued, 1);
    assert.equal(p.best?.id, ids[2], "the best run is still found among all runs");
  });

  it("of runs that tie on the best value, names the one that reached it first (its step, then its place in the sweep)", async () => {
    const sweep = await createSweep({ name: "ties", config: {}, rawConfig: "", method: "grid", metricName: "val_acc", metricGoal: "maximize", concurrency: 1, seed: 1, runCap: 4, state: "finished" });
    const make = async (index: number, summary: Record<string, number>) => {
      const run = await createRun({ sweepId: sweep.id, index, config: { seed: index }, claimedBy: "t" });
      await finishRun(run.id, { state: "finished", summary });
      return run.id;
    };
    await make(0, { val_acc: 0.9, val_acc_best: 0.9, val_acc_best_step: 100 });
    await make(1, { val_acc: 1, val_acc_best: 1, val_acc_best_step: 450 });
    const sooner = await make(2, { val_acc: 1, val_acc_best: 1, val_acc_best_step: 200 });
    await make(3, { val_acc: 1, val_acc_best: 1, val_acc_best_step: 200 });
    assert.equal((await sweepProgress(sweep)).best?.id, sooner);
  });
});
