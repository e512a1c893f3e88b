import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, it } from "node:test";
import type { WorkerInput, WorkerMessage } from "../engine/protocol";
import { EXIT } from "../engine/protocol";
import { defaultWorkerCommand, IDLE_WORKER_MS, processLauncher, type Launcher } from "./launcher";

// A launcher that reuses its workers (engine/worker.ts --serve): the next run goes to a worker
// whose run has ended, with the real worker (the bundle, rebuilt when stale). Each run sees its
// own messages and exit code as from a process of its own, and trains the same numbers.

delete process.env.SWEEPLAB_WORKER;
const command = defaultWorkerCommand();
/** Long enough to be stopped or killed at its first metric. */
const endless = { config: { task: "quadrant", steps: 200_000, eval_every: 10_000, log_every: 10 } } as unknown as WorkerInput;
const quadrant = (steps: number, seed = 1) => ({ config: { task: "quadrant", steps, eval_every: 10, log_every: 5, seed } }) as unknown as WorkerInput;

async function runOn(launcher: Launcher, input: WorkerInput, onMessage?: (m: WorkerMessage, handle: ReturnType<Launcher["launch"]>) => void) {
  const messages: WorkerMessage[] = [];
  let handle!: ReturnType<Launcher["launch"]>;
  handle = launcher.launch(input, (m) => {
    messages.push(m);
    onMessage?.(m, handle);
  });
  const exit = await handle.exited;
  return { messages, exit, pid: handle.pid, spawned: handle.spawned };
}

const doneOf = (messages: WorkerMessage[]) => messages.filter((m) => m.type === "done");
const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a launcher that reuses workers", () => {
  it("runs the next run in the same process, each with its own messages, exit code and the same numbers as a fresh process", async () => {
    const launcher = processLauncher({ command, reuse: true });
    const a = await runOn(launcher, quadrant(20));
    const b = await runOn(launcher, quadrant(30, 7));
    assert.equal(a.exit.code, EXIT.finished);
    assert.equal(b.exit.code, EXIT.finished);
    assert.equal(b.pid, a.pid, "the second run went to the first run's worker");
    // what the run-time calibration prices apart (summary system/spawn_ms)
    assert.deepEqual([a.spawned, b.spawned], [true, false]);
    for (const r of [a, b]) {
      assert.equal(doneOf(r.messages).length, 1);
      assert.equal(r.messages.at(-1)!.type, "done", "nothing of another run after a run's done");
      assert.ok(r.messages.every((m) => (m as { type: string }).type !== "served"), "the served line is the launcher's, never a run's message");
    }
    const [doneB] = doneOf(b.messages);
    assert.ok(doneB.type === "done" && doneB.step === 30);
    // the same config and seed trains the same curve in a process of its own
    const fresh = await runOn(processLauncher({ command, reuse: false }), quadrant(30, 7));
    assert.notEqual(fresh.pid, a.pid);
    assert.equal(fresh.spawned, true);
    const [doneFresh] = doneOf(fresh.messages);
    assert.ok(doneFresh.type === "done");
    const { runtime: _r1, throughput: _t1, ...reused } = doneB.summary;
    const { runtime: _r2, throughput: _t2, ...own } = doneFresh.summary;
    const losses = (ms: WorkerMessage[]) => ms.flatMap((m) => (m.type === "metric" && m.values.val_loss !== undefined ? [m.values.val_loss] : []));
    assert.deepEqual(losses(b.messages), losses(fresh.messages));
    assert.equal(reused.val_loss_best, own.val_loss_best);
    assert.equal(reused.train_loss, own.train_loss);
  });

  it("keeps a worker after a run that failed on its input, and starts a new one after a run it was told to stop", async () => {
    const launcher = processLauncher({ command, reuse: true });
    const bad = await runOn(launcher, { config: { task: "quadrant", hidden_size: -1 } } as unknown as WorkerInput);
    assert.equal(bad.exit.code, EXIT.badInput);
    assert.ok(bad.messages.some((m) => m.type === "error" && /hidden_size/.test(m.message)));
    const ok = await runOn(launcher, quadrant(10));
    assert.equal(ok.exit.code, EXIT.finished);
    assert.equal(ok.pid, bad.pid, "a bad input does not cost the worker");

    const stopped = await runOn(launcher, endless, (m, handle) => {
      if (m.type === "metric") handle.terminate();
    });
    assert.equal(stopped.pid, ok.pid);
    assert.equal(stopped.exit.code, EXIT.stopped);
    const [done] = doneOf(stopped.messages);
    assert.ok(done?.type === "done" && done.state === "stopped");
    const next = await runOn(launcher, quadrant(10));
    assert.notEqual(next.pid, stopped.pid, "a worker told to stop is not given another run");
    assert.equal(next.exit.code, EXIT.finished);
  });

  it("reports a run whose worker was killed as killed, and the next run gets a new worker", async () => {
    const launcher = processLauncher({ command, reuse: true });
    const first = await runOn(launcher, quadrant(10));
    const killed = await runOn(launcher, endless, (m, handle) => {
      if (m.type === "metric") handle.kill();
    });
    assert.equal(killed.pid, first.pid);
    assert.equal(killed.exit.signal, "SIGKILL");
    assert.equal(doneOf(killed.messages).length, 0);
    const next = await runOn(launcher, quadrant(10));
    assert.notEqual(next.pid, first.pid);
    assert.equal(next.exit.code, EXIT.finished);
  });

  it("lets an idle worker go after IDLE_WORKER_MS", async () => {
    const launcher = processLauncher({ command, reuse: true });
    const r = await runOn(launcher, quadrant(10));
    assert.ok(alive(r.pid), "idle, waiting for a next run");
    await new Promise((resolve) => setTimeout(resolve, IDLE_WORKER_MS + 1500));
    assert.ok(!alive(r.pid), "gone once idle for IDLE_WORKER_MS");
  });

  it("prewarms: workers started before any run take the first runs; none beyond those asked for, none without reuse", async () => {
    /** This process's worker children, alive (Linux /proc). */
    const children = () =>
      fs
        .readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid && fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("worker") && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
          } catch {
            return false; // (gone meanwhile)
          }
        })
        .map(Number);
    const before = new Set(children());
    processLauncher({ command, reuse: false }).prewarm!(2);
    assert.deepEqual(children().filter((p) => !before.has(p)), [], "a launcher starting one process per run starts none ahead");
    const launcher = processLauncher({ command, reuse: true });
    launcher.prewarm!(2);
    const warm = children().filter((p) => !before.has(p));
    assert.equal(warm.length, 2);
    launcher.prewarm!(2);
    assert.equal(children().filter((p) => !before.has(p)).length, 2, "two are waiting already");
    const runs = await Promise.all([runOn(launcher, quadrant(10)), runOn(launcher, quadrant(10, 2))]);
    assert.deepEqual(runs.map((r) => r.exit.code), [EXIT.finished, EXIT.finished]);
    assert.deepEqual(runs.map((r) => r.pid).sort(), [...warm].sort(), "the first runs went to the workers started ahead");
  });

  it("is on by default for the engine's own worker, off for another command or SWEEPLAB_WORKER_REUSE=0", async () => {
    const pids = async (launcher: Launcher) => [(await runOn(launcher, quadrant(5))).pid, (await runOn(launcher, quadrant(5))).pid];
    const [a, b] = await pids(processLauncher());
    assert.equal(a, b);
    const [c, d] = await pids(processLauncher({ command }));
    assert.notEqual(c, d);
    process.env.SWEEPLAB_WORKER_REUSE = "0";
    try {
      const [e, f] = await pids(processLauncher());
      assert.notEqual(e, f);
    } finally {
      delete process.env.SWEEPLAB_WORKER_REUSE;
    }
  });
});
