import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Coordinator, LocalExecutor, type PlanFactory, type MetricHistory, type SweepStore } from "../../sweeps/executor";
import { thisHost } from "../../sweeps/executor/coordinator";
import { localCheckpoints } from "../../sweeps/checkpoints";
import { processLauncher } from "../../sweeps/launcher";
import { assertWholeCurves, loggedSteps } from "../../sweeps/testdata/curves";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { executorStore, withStorageErrors } from "./executor-store";
import { createSweep, disconnectPrisma, getRun, getSweep, listLogs, readSeries, requestStop, setSweepState, sweepRuns } from "./index";
import { cancelSweep } from "./sweep-control";
import { pidAlive as alive, until as untilEvery } from "../../sweeps/testdata/until";
const until = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000) => untilEvery(what, fn, timeoutMs, 50);

// The executor against a real SQLite file and real child processes (the fake worker of
// sweeps/testdata, which speaks the engine's protocol on a synthetic curve).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-exec-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "exec.db"));
process.env.SWEEPLAB_DATA_DIR = dir;
const workerLog = path.join(dir, "starts.log");

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A plan that runs the given configs in order, then is done; optional pruning rule. */
function listPlan(configs: Record<string, unknown>[], shouldStop?: (runId: string, h: ReadonlyMap<string, MetricHistory>) => boolean): PlanFactory {
  return () => ({
    earlyTermination: Boolean(shouldStop),
    propose: (index) => {
      if (index >= configs.length) return { done: "search done" };
      const config = { task: "quadrant", steps: 40, eval_every: 10, log_every: 5, seed: index + 1, ...configs[index] };
      return { params: configs[index], config };
    },
    shouldStop: (runId, h) => (shouldStop?.(runId, h) ? "worse than the rule allows" : null),
  });
}

async function newSweep(concurrency = 2) {
  return createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency, seed: 1 });
}

function executor(
  planFor: PlanFactory,
  options: { concurrency?: number; stepMs?: number; silenceTimeoutMs?: number; sweepId?: string; store?: SweepStore; staleAfterMs?: number; maxHeldPoints?: number; log?: (m: string) => void } = {},
) {
  return new LocalExecutor({
    store: options.store ?? executorStore(),
    checkpoints: localCheckpoints({ everyMs: 50 }),
    staleAfterMs: options.staleAfterMs,
    maxHeldPoints: options.maxHeldPoints,
    planFor,
    launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: String(options.stepMs ?? 5), FAKE_WORKER_LOG: workerLog } }),
    concurrency: options.concurrency ?? 2,
    sweepId: options.sweepId,
    pollMs: 100,
    maintainEveryMs: 300,
    silenceTimeoutMs: options.silenceTimeoutMs ?? 10_000,
    stopGraceMs: 3000,
    log: (m) => {
      options.log?.(m);
      if (process.env.EXEC_DEBUG) console.error(m);
    },
  });
}

const onPostgres = process.env.DATABASE_URL!.startsWith("postgresql:");
/** The adapter's error for a write on a full disk, as better-sqlite3 (or pg: SQLSTATE 53100) under Prisma throws it. */
const sqliteFull = () =>
  onPostgres
    ? Object.assign(new Error('could not extend file "base/16384/16400": No space left on device'), { name: "DriverAdapterError", cause: { originalCode: "53100", originalMessage: 'could not extend file "base/16384/16400": No space left on device', kind: "postgres" } })
    : Object.assign(new Error("database or disk is full"), { name: "DriverAdapterError", cause: { originalCode: "SQLITE_FULL", originalMessage: "database or disk is full", kind: "sqlite", extendedCode: 13 } });

/** The executor's store, whose writes fail as on a full disk while `disk.full`. */
function fillableStore(disk: { full: boolean; failures: number }): SweepStore {
  const store = executorStore();
  const writes = new Set(["appendRunEvents", "heartbeat", "finishRun", "requeueRuns", "crashRuns", "setRunPid", "setSweepState", "createRun", "reserveRunIndex", "claimRun", "claimLooseRun", "stopQueuedRuns", "requestStopForSweep"]);
  const failing = Object.fromEntries(
    Object.entries(store).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        if (disk.full && writes.has(name)) {
          disk.failures++;
          throw sqliteFull();
        }
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  ) as unknown as SweepStore;
  return withStorageErrors(failing);
}


const sweepEnded = (id: string) => until(`sweep ${id} to end`, async () => {
  const s = await getSweep(id);
  return s && s.state !== "running" && s.state !== "paused" ? s : null;
});

describe("dead executors", () => {
  it("a server on another machine is judged by its runs' heartbeats, never by a pid that means nothing here", async () => {
    const sweep = await newSweep(2);
    const store = executorStore();
    const coordinator = new Coordinator({ store, planFor: listPlan([{}, {}]), staleAfterMs: 1500 });
    // pid 999999 is no process on this machine: the same id here is an executor that is gone
    const there = await coordinator.claim("local:999999:abc@machine-z", { sweepId: sweep.id });
    const here = await coordinator.claim(`local:999999:abc@${thisHost()}`, { sweepId: sweep.id });
    assert.ok(there && here);
    await store.heartbeat([there.id, here.id]);
    await coordinator.maintain();
    assert.equal((await getRun(here.id))!.state, "queued", "this machine's dead pid: requeued at once");
    assert.equal((await getRun(there.id))!.state, "running", "another machine's run stays while its heartbeats are fresh");
    await new Promise((resolve) => setTimeout(resolve, 1700)); // its heartbeats stop
    await coordinator.maintain();
    const run = (await getRun(there.id))!;
    assert.deepEqual([run.state, run.interruptions, run.claimedBy], ["queued", 1, null], "requeued to resume elsewhere once they stop");
    await cancelSweep(sweep.id); // (the executors below serve every running sweep)
  });
});

describe("reports", () => {
  it("read no sweep: whether a run's sweep terminates early is known from its claim, and pruning still decides", async () => {
    const reads = { getSweep: 0 };
    const base = executorStore();
    const store: SweepStore = { ...base, getSweep: (id) => (reads.getSweep++, base.getSweep(id)) };
    const owner = `local:${process.pid}:reads@${thisHost()}`;
    const report = (runId: string, step: number) =>
      coordinator.report(owner, { events: [{ runId, seq: step / 10, metrics: [{ step, time: step / 100, values: { val_loss: 1 / step } }] }], alive: [runId] });
    const plain = await newSweep(1);
    const pruning = await newSweep(1);
    const coordinator = new Coordinator({ store, planFor: (s) => listPlan([{}], s.id === pruning.id ? () => true : undefined)(s) });
    const kept = await coordinator.claim(owner, { sweepId: plain.id });
    const condemned = await coordinator.claim(owner, { sweepId: pruning.id });
    assert.ok(kept && condemned);
    assert.equal(kept.pruneMetric, null);
    assert.equal(condemned.pruneMetric, "val_loss");
    const readsAtClaims = reads.getSweep;
    for (let step = 10; step <= 50; step += 10) assert.deepEqual(await report(kept.id, step), {});
    assert.deepEqual(await report(condemned.id, 10), { [condemned.id]: "pruned" }, "the rule still sees the sweep's points");
    assert.equal(reads.getSweep, readsAtClaims, "six reports, no read of a sweep");
    assert.equal((await getRun(kept.id))!.lastStep, 50, "the reports were stored");
    for (const s of [plain, pruning]) await cancelSweep(s.id);
  });
});

describe("local executor", () => {
  it("runs every proposal once with `concurrency` workers, streams metrics, finishes the sweep", async () => {
    fs.writeFileSync(workerLog, "");
    const sweep = await newSweep(2);
    const ex = executor(listPlan([0.01, 0.003, 0.03, 0.1, 0.001].map((learning_rate) => ({ learning_rate }))));
    let maxActive = 0;
    const probe = setInterval(() => (maxActive = Math.max(maxActive, ex.runner.activeCount)), 5);
    await ex.start();
    const ended = await sweepEnded(sweep.id);
    clearInterval(probe);
    await ex.stop();
    assert.equal(ended.state, "finished");
    assert.equal(ended.stateReason, "search done");
    const runs = await sweepRuns(sweep.id);
    assert.deepEqual(runs.map((r) => [r.index, r.state]), [0, 1, 2, 3, 4].map((i) => [i, "finished"]));
    assert.equal(maxActive, 2);
    const seeds = fs.readFileSync(workerLog, "utf8").trim().split("\n").map((l) => l.split(" ")[0]);
    assert.deepEqual(seeds.sort(), ["1", "2", "3", "4", "5"], "each run started exactly once");
    const series = await readSeries(runs[0].id, "val_loss");
    assert.deepEqual(series.map((p) => p.step), [10, 20, 30, 40]);
    assert.equal(runs[0].lastStep, 40);
    assert.equal(typeof runs[0].summary.val_loss_best, "number");
    // a worker of its own for each run (this launcher does not reuse): each run says how long it took to start
    for (const r of runs) assert.ok((r.summary["system/spawn_ms"] as number) > 0, JSON.stringify(r.summary));
  });

  it("marks a kill -9'd worker crashed within 10 s, keeps its data, and the sweep goes on", async () => {
    const sweep = await newSweep(2);
    const ex = executor(listPlan([{ steps: 4000 }, { steps: 40 }, { steps: 40 }]), { stepMs: 5 });
    await ex.start();
    const victim = await until("run 0 to log metrics", async () => {
      const runs = await sweepRuns(sweep.id);
      const r = runs.find((x) => x.index === 0);
      return r && r.pid && r.lastStep >= 20 ? r : null;
    });
    const killedAt = Date.now();
    process.kill(victim.pid!, "SIGKILL");
    const crashed = await until("the crash to be recorded", async () => {
      const r = await getRun(victim.id);
      return r?.state === "crashed" ? r : null;
    });
    assert.ok(Date.now() - killedAt < 10_000, `crash recorded after ${Date.now() - killedAt} ms`);
    assert.match(crashed.error!, /SIGKILL/);
    assert.ok((await readSeries(victim.id, "train_loss")).length >= 4, "what it logged is kept");
    const ended = await sweepEnded(sweep.id);
    await ex.stop();
    assert.equal(ended.state, "finished");
    assert.deepEqual((await sweepRuns(sweep.id)).map((r) => r.state), ["crashed", "finished", "finished"]);
  });

  it("kills a worker that stops writing and marks its run crashed", async () => {
    const sweep = await newSweep(1);
    const ex = executor(listPlan([{ hidden_size: 13 }, { steps: 20 }]), { silenceTimeoutMs: 1500, concurrency: 1 });
    await ex.start();
    await sweepEnded(sweep.id);
    await ex.stop();
    const runs = await sweepRuns(sweep.id);
    assert.equal(runs[0].state, "crashed");
    assert.match(runs[0].error!, /wrote nothing for 2 s/);
    assert.equal(runs[1].state, "finished");
  });

  it("stops a sweep whose first runs all fail, with the reason", async () => {
    const sweep = await newSweep(2);
    const ex = executor(listPlan([{ hidden_size: 66 }, { hidden_size: 77 }, { hidden_size: 66 }, {}, {}, {}]));
    await ex.start();
    const ended = await sweepEnded(sweep.id);
    await until("every run to end", async () => (await sweepRuns(sweep.id)).every((r) => r.state !== "running" && r.state !== "queued"));
    await ex.stop();
    assert.equal(ended.state, "failed");
    assert.match(ended.stateReason!, /first 3 runs all failed/);
    const runs = await sweepRuns(sweep.id);
    assert.equal(runs[0].state, "failed");
    assert.equal(runs[0].error, "fake failure at step 3");
    assert.equal(runs[1].state, "crashed");
    assert.match(runs[1].error!, /code 139[\s\S]*Segmentation fault/);
    assert.ok(runs.length <= 4, "no new runs after the sweep failed");
  });

  it("prunes a run when the stopping rule says so (SIGTERM, state pruned)", async () => {
    const sweep = await newSweep(2);
    // prune the run with the worse learning rate after its second evaluation
    const plan = listPlan([{ learning_rate: 0.01, steps: 200 }, { learning_rate: 1, steps: 200 }], (runId, h) => {
      const mine = h.get(runId)!;
      return mine.values.length >= 2 && (mine.values[mine.values.length - 1] ?? Infinity) > 2.5;
    });
    const ex = executor(plan);
    await ex.start();
    await sweepEnded(sweep.id);
    await ex.stop();
    const runs = await sweepRuns(sweep.id);
    assert.equal(runs[0].state, "finished");
    assert.equal(runs[1].state, "pruned");
    assert.ok(runs[1].lastStep < 200 && runs[1].lastStep >= 20, `pruned at ${runs[1].lastStep}`);
  });

  it("stops a run on request, pauses, resumes and cancels a sweep", async () => {
    const sweep = await newSweep(1);
    const ex = executor(listPlan([{ steps: 4000 }, { steps: 30 }, { steps: 30 }, { steps: 4000 }, { steps: 4000 }]), { concurrency: 1 });
    await ex.start();
    const first = await until("run 0 running", async () => (await sweepRuns(sweep.id)).find((r) => r.state === "running" && r.lastStep > 0));
    await requestStop(first.id);
    const stopped = await until("run 0 stopped", async () => {
      const r = await getRun(first.id);
      return r?.state === "stopped" ? r : null;
    });
    assert.ok(stopped.lastStep > 0, "it had logged steps");
    await until("run 1 running", async () => (await sweepRuns(sweep.id)).find((r) => r.index === 1 && r.state === "running"));
    await setSweepState(sweep.id, "paused", { from: ["running"] });
    await until("runs 1 finished", async () => (await sweepRuns(sweep.id)).find((r) => r.index === 1 && r.state === "finished"));
    await new Promise((r) => setTimeout(r, 500));
    const paused = await sweepRuns(sweep.id);
    assert.ok(paused.every((r) => r.state !== "running"), "pause launches nothing new");
    await setSweepState(sweep.id, "running", { from: ["paused"] });
    await until("run 3 running", async () => (await sweepRuns(sweep.id)).find((r) => r.index === 3 && r.state === "running" && r.lastStep > 0));
    const result = await cancelSweep(sweep.id);
    assert.equal(result.ok, true);
    const ended = await sweepEnded(sweep.id);
    await until("run 3 stopped", async () => (await sweepRuns(sweep.id)).find((r) => r.index === 3 && r.state === "stopped"));
    await ex.stop();
    assert.equal(ended.state, "cancelled");
    const runs = await sweepRuns(sweep.id);
    assert.deepEqual(runs.map((r) => r.state), ["stopped", "finished", "finished", "stopped"]);
  });

  it("a full disk: the points are kept and retried, a run that finished training is recorded finished with all of them, never crashed", async () => {
    const sweep = await newSweep(2);
    const disk = { full: false, failures: 0 };
    const logs: string[] = [];
    const ex = executor(listPlan([{ steps: 400 }, { steps: 600 }]), { store: fillableStore(disk), staleAfterMs: 1000, log: (m) => logs.push(m) });
    await ex.start();
    const running = await until("both runs mid-way", async () => {
      const runs = (await sweepRuns(sweep.id)).filter((r) => r.state === "running" && r.lastStep >= 40 && r.pid);
      return runs.length === 2 ? runs : null;
    });
    disk.full = true;
    // both workers finish training while nothing can be written, and the stale-heartbeat rule (1 s) has its chance
    await until("both workers to exit", async () => running.every((r) => !alive(r.pid!)), 15_000);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(ex.runner.activeCount, 2, "their slots stay taken until their ends are recorded");
    assert.ok((await sweepRuns(sweep.id)).every((r) => r.state === "running"), "nothing crashed while the disk was full");
    assert.ok(ex.runner.heldPoints > 0, "the points are kept");
    disk.full = false;
    const done = await sweepEnded(sweep.id);
    await ex.stop();
    assert.equal(done.state, "finished");
    const runs = await sweepRuns(sweep.id);
    for (const run of runs) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      assert.equal(run.error, null);
      await assertWholeCurves(run.id, { val_loss: loggedSteps(run.config.steps as number, 10), train_loss: loggedSteps(run.config.steps as number, 5) }, run.name);
    }
    const message = logs.find((m) => /^cannot store reports: /.test(m))!;
    const where = onPostgres ? /53100: postgresql:\/\/postgres@127\.0\.0\.1:5432\/sweeplab_test_\w+/ : /SQLITE_FULL: .*exec\.db/;
    assert.match(message, new RegExp(`^cannot store reports: disk full: the database cannot grow \\(${where.source}\\) — \\d+ points kept in memory, retrying$`));
    assert.ok(logs.some((m) => /^storing again after \d+ s; nothing was lost$/.test(m)));
    assert.ok(!logs.some((m) => /worker host is gone|crashed/.test(m)), logs.join("\n"));
  });

  it("a long outage: past the points it may hold, the runner interrupts its runs; they resume once storing works", async () => {
    const sweep = await newSweep(2);
    const disk = { full: false, failures: 0 };
    const logs: string[] = [];
    const ex = executor(listPlan([{ steps: 1200 }, { steps: 1200 }]), { store: fillableStore(disk), maxHeldPoints: 300, log: (m) => logs.push(m) });
    await ex.start();
    await until("both runs mid-way", async () => (await sweepRuns(sweep.id)).filter((r) => r.state === "running" && r.lastStep >= 40).length === 2);
    disk.full = true;
    await until("the runs to be interrupted", async () => logs.some((m) => /^\d+ points held: interrupting 2 runs until storing works again$/.test(m)));
    await new Promise((r) => setTimeout(r, 1000));
    const held = ex.runner.heldPoints;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(ex.runner.heldPoints, held, "no more points pile up");
    disk.full = false;
    const done = await until(`sweep ${sweep.id} to end`, async () => {
      const s = await getSweep(sweep.id);
      return s && s.state !== "running" ? s : null;
    }, 60_000);
    await ex.stop();
    assert.equal(done.state, "finished");
    for (const run of await sweepRuns(sweep.id)) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      assert.equal(run.interruptions, 1);
      assert.match((await listLogs(run.id)).find((l) => l.message.startsWith("interrupted"))!.message, /: its points could not be stored \(disk full/);
      await assertWholeCurves(run.id, { val_loss: loggedSteps(1200, 10), train_loss: loggedSteps(1200, 5) }, run.name);
    }
  });

  it("stopped with interrupt: runs checkpoint and go back to the queue; the next executor resumes them where they stopped", async () => {
    const sweep = await newSweep(2);
    const plan = listPlan([{ steps: 3000 }, { steps: 3000 }, { steps: 40 }]);
    const first = executor(plan, { stepMs: 2 });
    await first.start();
    await until("two runs mid-way", async () => (await sweepRuns(sweep.id)).filter((r) => r.state === "running" && r.lastStep >= 100).length === 2);
    const t0 = Date.now();
    await first.stop({ interrupt: "the server stopped (SIGTERM)", graceMs: 3000, deadlineMs: 5000 });
    assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
    const interrupted = (await sweepRuns(sweep.id)).filter((r) => r.interruptions === 1);
    assert.equal(interrupted.length, 2);
    for (const r of interrupted) {
      assert.equal(r.state, "queued");
      assert.ok(r.checkpointStep! >= r.lastStep, "its checkpoint is where it stopped");
      assert.match((await listLogs(r.id)).at(-1)!.message, /^interrupted at step \d+: the server stopped \(SIGTERM\); it resumes from its checkpoint at step \d+$/);
    }
    const second = executor(plan, { stepMs: 1 });
    await second.start();
    const done = await sweepEnded(sweep.id);
    await second.stop();
    assert.equal(done.state, "finished");
    for (const run of await sweepRuns(sweep.id)) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      await assertWholeCurves(run.id, { val_loss: loggedSteps(run.config.steps as number, 10), train_loss: loggedSteps(run.config.steps as number, 5) }, run.name);
    }
  });
});
