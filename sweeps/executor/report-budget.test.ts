import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_REPORT_POINTS, ReportRequest, reportPoints } from "../agent-protocol";
import type { Launcher, WorkerExit } from "../launcher";
import { fullBudget, MAX_REPORT_CHARS, takeWithin, type Pending } from "./report-budget";
import { Runner } from "./runner";
import type { ClaimedRun, Report, RunOutcome, RunQueue } from "./types";

// Reports are bounded: the server refuses a report of more than MAX_REPORT_POINTS points (one
// report must not hold it up for seconds), so the Runner sends what its workers buffered in
// slices, oldest first, and loses nothing.

const metric = (step: number) => ({ step, time: step / 1000, values: { train_loss: 1 / step, lr: 0.01 } });

describe("report budget", () => {
  it("takes the oldest items that fit and leaves the rest in order", () => {
    const pending: Pending = { metrics: Array.from({ length: 30_000 }, (_, i) => metric(i + 1)), samples: [], logs: [], diagnostics: [] };
    const budget = fullBudget();
    const { taken, rest } = takeWithin(pending, budget);
    assert.equal(reportPoints([taken]), MAX_REPORT_POINTS);
    assert.equal(taken.metrics[0].step, 1);
    assert.equal(rest.metrics[0].step, taken.metrics.length + 1);
    assert.equal(taken.metrics.length + rest.metrics.length, 30_000);
  });

  it("bounds the characters too, and never blocks on one item larger than a whole report", () => {
    const big = { level: "info" as const, message: "x".repeat(MAX_REPORT_CHARS + 10) };
    const pending: Pending = { metrics: [], samples: [], logs: [big, big], diagnostics: [] };
    const first = takeWithin(pending, fullBudget());
    assert.equal(first.taken.logs.length, 1, "an oversized item still goes, alone");
    assert.equal(first.rest.logs.length, 1);
    const samples = Array.from({ length: 100 }, (_, i) => ({ step: i, temperature: 1, text: "y".repeat(50_000) }));
    const second = takeWithin({ metrics: [], samples, logs: [], diagnostics: [] }, fullBudget());
    assert.ok(JSON.stringify(second.taken).length <= MAX_REPORT_CHARS + 100);
    assert.equal(second.taken.samples.length + second.rest.samples.length, 100);
  });

  it("the server's schema refuses a report over the budget, naming events", () => {
    const events = [{ runId: "abcd1234", metrics: Array.from({ length: MAX_REPORT_POINTS / 2 + 1 }, (_, i) => metric(i + 1)) }];
    const parsed = ReportRequest.safeParse({ agent: "a", events, alive: [] });
    assert.equal(parsed.success, false);
    assert.equal(parsed.error?.issues[0].path.join("."), "events");
    assert.equal(ReportRequest.safeParse({ agent: "a", events: [{ ...events[0], metrics: events[0].metrics.slice(1) }], alive: [] }).success, true);
  });

  it("a Runner that buffered 100,000 points through an outage sends them in bounded reports, all of them, in order", async () => {
    const STEPS = 50_000; // 2 values each
    const run: ClaimedRun = { id: "run1", name: "run1", sweepId: null, index: 0, config: { task: "quadrant" } };
    // a worker that writes every point at once, then ends
    const launcher: Launcher = {
      launch(_input, onMessage) {
        let exit!: (e: WorkerExit) => void;
        const exited = new Promise<WorkerExit>((resolve) => (exit = resolve));
        setTimeout(() => {
          for (let step = 1; step <= STEPS; step++) onMessage({ type: "metric", ...metric(step) });
          onMessage({ type: "done", state: "finished", step: STEPS, summary: {} });
          exit({ code: 0, signal: null, stderrTail: "" });
        }, 10);
        return { pid: 1, spawnedAt: Date.now(), terminate() {}, kill() {}, exited };
      },
    };
    const reports: Report[] = [];
    let failures = 2; // the server is unreachable for the first reports
    let claimed = false;
    let ended!: (o: RunOutcome) => void;
    const outcome = new Promise<RunOutcome>((resolve) => (ended = resolve));
    const queue: RunQueue = {
      claim: async () => (claimed ? null : ((claimed = true), run)),
      started: async () => {},
      report: async (_owner, report) => {
        if (report.events.length > 0 && failures-- > 0) throw new Error("connection refused");
        reports.push(structuredClone(report));
        return {};
      },
      finish: async (_owner, _id, o) => ended(o),
    };
    const runner = new Runner({ queue, launcher, owner: "test", concurrency: 1, flushMs: 5, pollMs: 1000 });
    runner.start();
    assert.equal((await outcome).state, "finished");
    await runner.shutdown();
    const steps = reports.flatMap((r) => r.events.flatMap((e) => (e.metrics ?? []).map((m) => m.step)));
    assert.deepEqual(steps, Array.from({ length: STEPS }, (_, i) => i + 1), "every point once, in order");
    assert.ok(reports.filter((r) => r.events.length > 0).length >= (2 * STEPS) / MAX_REPORT_POINTS);
    for (const r of reports) {
      assert.ok(reportPoints(r.events) <= MAX_REPORT_POINTS, `a report of ${reportPoints(r.events)} points`);
      assert.ok(JSON.stringify(r.events).length <= MAX_REPORT_CHARS + 1000);
    }
  });
});
