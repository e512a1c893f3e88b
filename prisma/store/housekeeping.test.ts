import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { LocalExecutor, type PlanFactory } from "../../sweeps/executor";
import { checkpointPathFor, localCheckpoints } from "../../sweeps/checkpoints";
import { processLauncher } from "../../sweeps/launcher";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { pidAlive, until } from "../../sweeps/testdata/until";
import { executorStore } from "./executor-store";
import { runCheckpointFiles } from "./housekeeping";
import { createEndedRun, createSweep, deleteRun, disconnectPrisma, forkRun, getRun, getSweep, readPoints, readSeries, sweepRuns } from "./index";

// Deleting a run while its worker trains, with the real executor and real child processes
// (the fake worker of sweeps/testdata): the run is stopped, what its worker still reports is
// dropped, the checkpoint it writes on the way out is removed, and its sweep goes on to its end.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-housekeeping-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "hk.db"));
process.env.SWEEPLAB_DATA_DIR = dir;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = (steps: number[]): PlanFactory => () => ({
  earlyTermination: false,
  propose: (index) => (index >= steps.length ? { done: "search done" } : { params: {}, config: { task: "quadrant", steps: steps[index], eval_every: 10, log_every: 5, seed: index + 1 } }),
  shouldStop: () => null,
});

describe("deleting a run of a live sweep", () => {
  it("stops its worker, drops its late reports, removes its checkpoints, and the sweep finishes", async () => {
    const sweep = await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
    const executor = new LocalExecutor({
      store: executorStore(),
      checkpoints: localCheckpoints({ everyMs: 50 }),
      planFor: plan([100_000, 60]),
      launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "5" } }),
      concurrency: 2,
      pollMs: 100,
      maintainEveryMs: 300,
      stopGraceMs: 3000,
    });
    await executor.start();
    try {
      // the long run trains, logs, and has a committed checkpoint
      const long = await until("the long run to train and commit a checkpoint", async () => {
        const [run] = await sweepRuns(sweep.id);
        return run && run.state === "running" && run.pid && run.checkpointStep !== null && fs.existsSync(checkpointPathFor(run.id)) ? run : null;
      }, 60_000, 50);
      const pid = long.pid!;
      const result = await deleteRun(long.id);
      assert.ok(result.ok && result.value.stopped.includes(long.id));
      assert.equal(await getRun(long.id), null);

      await until("its worker to exit", async () => !pidAlive(pid), 60_000, 50);
      await until("the sweep to finish", async () => ((await getSweep(sweep.id))?.state === "finished" ? true : null), 60_000, 50);
      assert.equal(await getRun(long.id), null, "no late report re-created it");
      assert.deepEqual(await readSeries(long.id, "train_loss"), [], "nothing it sent after the delete was stored");
      // (its end is recorded at the runner's next flush, which removes what its worker wrote on the way out:
      // the sweep may finish first, through its other run)
      await until("the checkpoint its worker wrote on the way out to be gone", async () => runCheckpointFiles(long.id).length === 0 || null, 10_000, 50);
      const [other] = await sweepRuns(sweep.id);
      assert.equal(other.state, "finished");
      assert.equal((await readSeries(other.id, "train_loss")).at(-1)?.step, 60, "the other run's curve is whole");
    } finally {
      await executor.stop({ stopWorkers: true });
    }
  });
});

describe("fork from a checkpoint", () => {
  it("a fork starts from its parent's checkpoint with the changed settings, and its curve continues after the parent's step", async () => {
    const now = new Date();
    const parent = await createEndedRun({ config: { task: "quadrant", steps: 30, eval_every: 10, log_every: 5, seed: 3, learning_rate: 0.01 }, state: "finished", lastStep: 30, startedAt: now, finishedAt: now });
    fs.mkdirSync(path.dirname(checkpointPathFor(parent.id)), { recursive: true });
    fs.writeFileSync(checkpointPathFor(parent.id), JSON.stringify({ step: 30 }));

    const refused = [
      await forkRun(parent.id, { changes: { steps: 30 } }),
      await forkRun(parent.id, { changes: { learning_rate: -1 } }),
      await forkRun("nosuchrun", { changes: {} }),
    ];
    assert.deepEqual(refused.map((r) => !r.ok && r.status), [400, 400, 404]);

    const result = await forkRun(parent.id, { changes: { steps: 60, learning_rate: 0.001 } });
    assert.ok(result.ok);
    const fork = result.value;
    assert.deepEqual([fork.forkOf, fork.forkStep, fork.checkpointStep, fork.config.learning_rate, fork.config.steps, fork.sweepId], [parent.id, 30, 30, 0.001, 60, null]);
    assert.equal(fs.readFileSync(checkpointPathFor(fork.id), "utf8"), JSON.stringify({ step: 30 }), "its own copy of the parent's checkpoint");

    const starts = path.join(dir, "fork-starts.log");
    const executor = new LocalExecutor({
      store: executorStore(),
      checkpoints: localCheckpoints({ everyMs: 50 }),
      planFor: plan([]),
      launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "2", FAKE_WORKER_LOG: starts } }),
      concurrency: 1,
      pollMs: 100,
      maintainEveryMs: 300,
    });
    await executor.start();
    try {
      await until("the fork to finish", async () => ((await getRun(fork.id))?.state === "finished" ? true : null), 60_000, 50);
    } finally {
      await executor.stop({ stopWorkers: true });
    }
    assert.match(fs.readFileSync(starts, "utf8"), /^3 \d+ 30$/m, "its worker resumed from step 30");
    const steps = (await readPoints(fork.id, "train_loss")).map((p) => p.step);
    assert.deepEqual(steps, [35, 40, 45, 50, 55, 60], "its curve goes on after step 30, none before");
    assert.equal((await getRun(parent.id))!.state, "finished", "the parent is left as it was");
  });
});
