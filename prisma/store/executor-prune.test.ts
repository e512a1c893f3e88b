import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { LocalExecutor, outcomeOf, type PlanFactory } from "../../sweeps/executor";
import { processLauncher } from "../../sweeps/launcher";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { until } from "../../sweeps/testdata/until";
import { executorStore } from "./executor-store";
import { createSweep, disconnectPrisma, getSweep, sweepRuns } from "./index";

// Hyperband on very short runs (issue 17 §7): a run that finishes is not logged as pruned, and
// a run is never marked pruned at its last step. Real SQLite, real child processes (the fake
// worker of sweeps/testdata).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-prune-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "prune.db"));
after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every run is condemned by the stopping rule as soon as it logs the metric. */
const alwaysPrune = (configs: Record<string, unknown>[]): PlanFactory => () => ({
  earlyTermination: true,
  propose: (index) => (index >= configs.length ? { done: "search done" } : { params: {}, config: { task: "quadrant", log_every: 5, seed: index + 1, ...configs[index] } }),
  shouldStop: () => "worse than every other run",
});

async function runSweep(configs: Record<string, unknown>[]) {
  const sweep = await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
  const logs: string[] = [];
  const ex = new LocalExecutor({
    store: executorStore(),
    planFor: alwaysPrune(configs),
    launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "5" } }),
    concurrency: 2,
    sweepId: sweep.id,
    pollMs: 50,
    maintainEveryMs: 300,
    stopGraceMs: 3000,
    log: (m) => logs.push(m),
  });
  await ex.start();
  await until("the sweep to end", async () => {
    const s = await getSweep(sweep.id);
    return s && s.state !== "running" ? s : null;
  });
  await ex.stop();
  return { runs: await sweepRuns(sweep.id), logs };
}

describe("hyperband on short runs", () => {
  it("a run whose only evaluation is its last step finishes, and nothing logs it as pruned", async () => {
    const { runs, logs } = await runSweep([{ steps: 20, eval_every: 20 }, { steps: 20, eval_every: 20 }]);
    assert.deepEqual(runs.map((r) => [r.state, r.lastStep]), [["finished", 20], ["finished", 20]]);
    assert.ok(!logs.some((l) => /pruning/.test(l)), logs.join("\n"));
  });

  it("a run condemned before its end is pruned before its last step, and logged once", async () => {
    const { runs, logs } = await runSweep([{ steps: 2000, eval_every: 10 }]);
    assert.equal(runs[0].state, "pruned");
    assert.ok(runs[0].lastStep < 2000, `pruned at ${runs[0].lastStep}`);
    assert.match(runs[0].error ?? "", /^pruned: worse than every other run \(decided at evaluation 1, step 10\)$/);
    assert.equal(logs.filter((l) => /^pruning run /.test(l)).length, 1, logs.join("\n"));
  });

  it("a worker that completed its run before the stop reached it ends finished, not pruned", () => {
    const done = { type: "done" as const, state: "finished" as const, step: 200, summary: { val_loss: 1 } };
    const run = { id: "r", name: "r", sweepId: null, index: 0, config: { steps: 200 } };
    const exit = { code: 0, signal: null, stderrTail: "" };
    const base = { done, error: null, stopReason: "pruned" as const, silenceKilled: false, lastStep: 200, run };
    assert.equal(outcomeOf(base, exit, 1000).state, "finished");
    assert.equal(outcomeOf({ ...base, done: { ...done, state: "stopped", step: 200 } }, { ...exit, code: 3 }, 1000).state, "finished", "stopped after its last step: all its steps ran");
    assert.equal(outcomeOf({ ...base, done: { ...done, state: "stopped", step: 120 }, lastStep: 120 }, { ...exit, code: 3 }, 1000).state, "pruned");
    assert.equal(outcomeOf({ ...base, done: { ...done, state: "diverged", step: 150 } }, { ...exit, code: 4 }, 1000).state, "diverged");
  });
});
