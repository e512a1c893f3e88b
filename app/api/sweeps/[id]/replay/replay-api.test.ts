import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectPrisma, getSweep, sweepRuns, type RunRecord, type SweepRecord } from "../../../../../prisma/store";
import { executorStore } from "../../../../../prisma/store/executor-store";
import { launchSweep } from "../../../../../prisma/store/sweep-control";
import { parseSweepConfig } from "../../../../../sweeps/config";
import { LocalExecutor } from "../../../../../sweeps/executor";
import { planFor } from "../../../../../sweeps/executor/strategy";
import { processLauncher } from "../../../../../sweeps/launcher";
import { until } from "../../../../../sweeps/testdata/until";
import type { ReplayBody } from "../../../../sweeps/replay";
import * as replayRoute from "./route";

// Issue 14's key promise: a replay of a stored sweep with its own settings reproduces exactly
// what the live sweep pruned. A real sweep (the engine's worker processes, two at a time)
// runs through the executor with hyperband into a real SQLite file; the route then replays it.
// Which runs hyperband stops depends on which other curves existed when it decided, so this
// holds only because both sides feed the same ledger in the order points were stored.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-replay-"));
process.env.DATABASE_URL = `file:${path.join(dir, "replay.db")}`;
after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const OWN = { type: "hyperband", min_iter: 3, eta: 3 }; // brackets at evaluations 3, 9, 27; strict
const CONFIG = {
  method: "grid",
  metric: { name: "val_loss", goal: "minimize" },
  early_terminate: OWN,
  parameters: {
    task: { value: "quadrant" },
    hidden_size: { value: 32 },
    steps: { value: 6000 },
    eval_every: { value: 200 },
    seed: { value: 7 },
    learning_rate: { values: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3] },
  },
};

const post = (id: string, body: unknown) =>
  replayRoute.POST(new Request(`http://x/api/sweeps/${id}/replay`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), {
    params: Promise.resolve({ id }),
  });

interface LiveDecision {
  id: string;
  reason: string;
  evaluation: number;
  step: number;
}

describe("POST /api/sweeps/:id/replay on a sweep the executor ran", () => {
  let sweep: SweepRecord;
  let runs: RunRecord[];
  const live: LiveDecision[] = [];

  before(async () => {
    const parsed = parseSweepConfig(CONFIG);
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
    sweep = await launchSweep(parsed.config, JSON.stringify(CONFIG), { concurrency: 2 });
    const ex = new LocalExecutor({
      store: executorStore(),
      planFor,
      launcher: processLauncher(),
      concurrency: 2,
      sweepId: sweep.id,
      pollMs: 50,
      maintainEveryMs: 300,
      log: (m) => {
        const d = /^pruning run (\w+): (.*) \(decided at evaluation (\d+), step (\d+)\)$/.exec(m);
        if (d) live.push({ id: d[1], reason: d[2], evaluation: Number(d[3]), step: Number(d[4]) });
      },
    });
    await ex.start();
    await until(
      "the sweep to end",
      async () => {
        const s = await getSweep(sweep.id);
        return s && s.state !== "running" ? s : null;
      },
      120_000,
    );
    await ex.stop();
    runs = await sweepRuns(sweep.id);
  });

  it("the live rule condemned some runs and kept others; those it reached in time ended pruned", () => {
    assert.equal(runs.length, 8);
    // (which of the condemned runs end `pruned` depends on how fast the stop reaches their worker)
    assert.ok(live.length > 0 && live.length < 8, `${live.length} decisions`);
    assert.ok(runs.some((r) => r.state === "finished"), runs.map((r) => r.state).join(" "));
    for (const r of runs.filter((x) => x.state === "pruned")) {
      const d = live.find((x) => x.id === r.id);
      assert.ok(d, `${r.name} ended pruned, so the executor decided it`);
      assert.equal(r.error, `pruned: ${d.reason} (decided at evaluation ${d.evaluation}, step ${d.step})`);
      assert.ok(r.lastStep >= d.step && r.lastStep < 6000, `${r.name} stopped at ${r.lastStep}, after its decision at ${d.step}`);
    }
    // a run decided so late that its worker completed before the stop reached it ended finished
    for (const d of live) assert.ok(["pruned", "finished"].includes(runs.find((r) => r.id === d.id)!.state));
  });

  it("a replay with the sweep's own settings stops exactly the runs the executor decided, at the same evaluations, in the same order", async () => {
    const res = await post(sweep.id, { early_terminate: OWN });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ReplayBody;
    assert.deepEqual(
      body.stopped.map((s) => ({ id: s.id, reason: s.reason, evaluation: s.evaluation, step: s.step })),
      live,
    );
    assert.deepEqual(body.own, { ...OWN, strict: true });
    assert.deepEqual(body.decided_live, body.stopped);
    assert.deepEqual(body.unknown, []);
    assert.equal(body.runs, 8);
    // what happened: the runs that ended pruned, each where its training stopped
    const pruned = runs.filter((r) => r.state === "pruned");
    assert.deepEqual(
      body.actual.stopped.map((s) => [s.id, s.step]),
      pruned.map((r) => [r.id, r.lastStep]),
    );
    const expectedSaved = pruned.reduce((a, r) => a + (6000 - r.lastStep), 0) / (8 * 6000);
    assert.ok(Math.abs(body.actual.steps_saved - expectedSaved) < 1e-12, `${body.actual.steps_saved} vs ${expectedSaved}`);
    // the replay counts from the deciding evaluation, so it saves at least as much as the live stops did
    assert.ok(body.steps_saved >= body.actual.steps_saved && body.steps_saved < 1);
    // the best the sweep reported is the best stored value of a run
    const bestStored = Math.min(...runs.map((r) => r.summary.val_loss_best as number));
    assert.equal(body.actual.best, bestStored);
    // the grid's cell of these settings is this replay
    const cell = body.grid.cells.find((c) => c.eta === 3 && c.min_iter === 3)!;
    assert.deepEqual(cell, { eta: 3, min_iter: 3, stopped: body.stopped.length, steps_saved: body.steps_saved, best_survived: body.best_survived, best: body.best, unknown: 0 });
    assert.equal(body.grid.cells.length, body.grid.etas.length * body.grid.min_iters.length);
  });

  it("other settings: each grid cell is what a replay with those settings answers", async () => {
    const res = await post(sweep.id, { early_terminate: { type: "hyperband", eta: 2, min_iter: 1 } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ReplayBody;
    assert.deepEqual(body.early_terminate, { type: "hyperband", eta: 2, min_iter: 1, strict: true });
    assert.deepEqual(
      body.decided_live?.map((d) => [d.id, d.evaluation, d.step]),
      live.map((d) => [d.id, d.evaluation, d.step]),
      "what the live rule decided does not depend on the settings replayed",
    );
    const cell = body.grid.cells.find((c) => c.eta === 2 && c.min_iter === 1)!;
    assert.equal(cell.stopped, body.stopped.length);
    assert.equal(cell.steps_saved, body.steps_saved);
    for (const s of body.stopped) assert.ok(s.evaluation >= 1 && s.step === 200 * s.evaluation, `${s.name} at evaluation ${s.evaluation}, step ${s.step}`);
    const median = (await (await post(sweep.id, { early_terminate: { type: "median", min_iter: 2, min_runs: 2 } })).json()) as ReplayBody;
    assert.deepEqual(median.early_terminate, { type: "median", min_iter: 2, min_runs: 2 });
    assert.equal(typeof median.best_survived, "boolean");
  });

  it("400 naming the field for settings the sweep schema refuses; 404 for an unknown sweep", async () => {
    const cases: [unknown, string][] = [
      [{ early_terminate: { type: "hyperband", eta: 1, min_iter: 2 } }, "early_terminate.eta"],
      [{ early_terminate: { type: "median", min_runs: 0 } }, "early_terminate.min_runs"],
      [{ early_terminate: { type: "hyperband", eta: 3 } }, "early_terminate.min_iter"],
      [{ early_terminate: { type: "hyperband", min_iter: 2, etaa: 3 } }, "early_terminate"],
      [{ early_terminate: { type: "asha" } }, "early_terminate.type"],
      [{}, "early_terminate"],
      [{ early_terminate: OWN, extra: 1 }, ""],
    ];
    for (const [body, field] of cases) {
      const res = await post(sweep.id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const answer = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
      assert.ok(
        answer.issues.some((i) => i.path === field || (field && i.path.startsWith(field))),
        `${JSON.stringify(body)}: ${JSON.stringify(answer.issues)}`,
      );
    }
    assert.equal((await post("nosuchsweep", { early_terminate: OWN })).status, 404);
  });
});
