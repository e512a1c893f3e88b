import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { processLauncher } from "../launcher";
import { fakeWorkerCommand } from "../testdata/fake-launcher";
import { Runner, silenceLimitMs, STEP_ALLOWANCE } from "./runner";
import type { ClaimedRun, RunOutcome, RunQueue, StopReason } from "./types";

// The Runner's patience with a silent worker, against real child processes (the fake worker
// of sweeps/testdata): a worker that announced long steps may stay silent longer than the
// silence timeout; one that hangs is still killed, within the bound its announcement sets.

const SILENCE_MS = 500;
const SLOW_STEP_MS = 1500; // 3× the silence timeout: killed as hung before workers announced steps

/** Run one config through a Runner with a queue in memory; its outcome and how long it took. */
async function runOne(config: Record<string, unknown>, during?: () => void): Promise<{ outcome: RunOutcome; ms: number; logs: string[] }> {
  const run: ClaimedRun = { id: "r1", name: "r1", sweepId: null, index: 0, config: { task: "quadrant", steps: 6, log_every: 1, eval_every: 3, ...config } };
  let claimed = false;
  let ended!: (outcome: RunOutcome) => void;
  const outcome = new Promise<RunOutcome>((resolve) => (ended = resolve));
  const queue: RunQueue = {
    claim: async () => (claimed ? null : ((claimed = true), run)),
    started: async () => {},
    report: async () => ({}),
    finish: async (_owner, _id, o) => ended(o),
    release: async () => {},
  };
  const logs: string[] = [];
  const runner = new Runner({
    queue,
    launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "5", FAKE_SLOW_STEP_MS: String(SLOW_STEP_MS) } }),
    owner: "test",
    concurrency: 1,
    pollMs: 50,
    flushMs: 50,
    silenceTimeoutMs: SILENCE_MS,
    log: (m) => logs.push(m),
  });
  const started = Date.now();
  runner.start();
  if (during) setTimeout(() => setImmediate(during), 300); // (blocked in the check phase: the timers run before the pipes are read)
  const result = await outcome;
  const ms = Date.now() - started;
  await runner.shutdown({ stopWorkers: true });
  return { outcome: result, ms, logs };
}

describe("runner: silent workers", () => {
  it("lets a worker that announced a long step stay silent longer than the silence timeout", async () => {
    const { outcome, ms } = await runOne({ hidden_size: 14 });
    assert.equal(outcome.state, "finished", outcome.error ?? "");
    assert.equal(outcome.lastStep, 6);
    assert.ok(ms > SLOW_STEP_MS, `the slow step happened (${ms} ms)`);
  });

  it("kills a worker that announced a long step and then hangs, within the bound the announcement sets", async () => {
    const { outcome, ms, logs } = await runOne({ hidden_size: 15 });
    const limit = silenceLimitMs(SILENCE_MS, SLOW_STEP_MS);
    assert.equal(limit, SILENCE_MS + STEP_ALLOWANCE * SLOW_STEP_MS);
    assert.equal(outcome.state, "crashed");
    assert.match(outcome.error!, /^crashed: the worker wrote nothing for 5 s \(its steps take up to 2 s\) and was killed/);
    assert.equal(outcome.lastStep, 2);
    assert.ok(ms >= limit && ms < limit + 2000, `killed after ${ms} ms (limit ${limit} ms)`);
    assert.match(logs.join("\n"), /run r1: no message for 5 s \(its steps take up to 2 s\), killing its worker/);
  });

  it("kills a worker that hangs without announcing anything after the silence timeout", async () => {
    const { outcome, ms } = await runOne({ hidden_size: 13 });
    assert.equal(outcome.state, "crashed");
    assert.match(outcome.error!, /^crashed: the worker wrote nothing for 1 s and was killed/);
    assert.ok(ms < SILENCE_MS + 2000, `killed after ${ms} ms`);
  });

  it("does not blame workers for its own stall: a parent blocked 4× the silence timeout kills no worker", async () => {
    const { outcome } = await runOne({ steps: 300, log_every: 10 }, () => {
      const until = Date.now() + 4 * SILENCE_MS;
      while (Date.now() < until); // this process blocked; the worker's lines wait in its pipe
    });
    assert.equal(outcome.state, "finished", outcome.error ?? "");
  });
});

describe("runner: early termination's metric", () => {
  /** One run whose queue orders it pruned on the first val_loss it is told of; reports are flushed every minute only. */
  async function prunedAt(pruneMetric: string | null): Promise<{ outcome: RunOutcome; reportsWithValLoss: number }> {
    const run: ClaimedRun = { id: "r1", name: "r1", sweepId: "s1", index: 0, config: { task: "quadrant", steps: 600, log_every: 10, eval_every: 100 }, pruneMetric };
    let claimed = false;
    let reportsWithValLoss = 0;
    let ended!: (outcome: RunOutcome) => void;
    const outcome = new Promise<RunOutcome>((resolve) => (ended = resolve));
    const queue: RunQueue = {
      claim: async () => (claimed ? null : ((claimed = true), run)),
      started: async () => {},
      report: async (_owner, report) => {
        const seen = report.events.some((b) => b.metrics?.some((m) => "val_loss" in m.values));
        if (seen) reportsWithValLoss++;
        const orders: Record<string, StopReason> = seen && report.alive.includes("r1") ? { r1: "pruned" } : {};
        return orders;
      },
      finish: async (_owner, _id, o) => ended(o),
      release: async () => {},
    };
    const runner = new Runner({ queue, launcher: processLauncher({ command: fakeWorkerCommand(), env: { FAKE_STEP_MS: "5" } }), owner: "test", concurrency: 1, pollMs: 50, flushMs: 60_000, silenceTimeoutMs: 10_000 });
    runner.start();
    const result = await outcome;
    await runner.shutdown({ stopWorkers: true });
    return { outcome: result, reportsWithValLoss };
  }

  it("reports each value of the metric early termination decides on at once: the stop order comes before more training", async () => {
    const { outcome, reportsWithValLoss } = await prunedAt("val_loss");
    assert.equal(outcome.state, "pruned", outcome.error ?? "");
    assert.equal(reportsWithValLoss, 1);
    assert.ok(outcome.lastStep! < 300, `stopped at step ${outcome.lastStep}, soon after its first val_loss (step 100), not at its next flush`);
  });

  it("a run of a sweep without early termination waits for its flush (here: it ends first)", async () => {
    const { outcome } = await prunedAt(null);
    assert.equal(outcome.state, "finished");
    assert.equal(outcome.lastStep, 600);
  });
});
