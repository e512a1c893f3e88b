import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { RunConfig } from "../../engine/config";
import { train } from "../../engine/train";
import { getSweep, listLogs, sweepRuns } from "../../prisma/store";
import { assertWholeCurves, loggedSteps } from "../../sweeps/testdata/curves";
import { pidAlive as alive, until } from "../../sweeps/testdata/until";
import { durableServers } from "./testdata/start-route-server";

// Issue 11's "done when": a sweep of six runs survives one kill -9 of the server during its
// first runs and one SIGTERM later. A real server process (the route handlers and the
// executor of app/_server, as `next start` runs them: testdata/route-server.ts), real engine
// workers (dist/worker.cjs) and a real SQLite file. At the end the sweep is finished with six
// finished runs, one per grid point; no curve repeats or misses a step; and every stored value
// is the one an uninterrupted run of the same config gives, bit for bit.

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-durable-"));
const dbUrl = `file:${path.join(dir, "durable.db")}`;
process.env.DATABASE_URL = dbUrl;
const STEPS = 600;
/** Start a server process on this file's database (route handlers and executor, as `next start` runs them). */
const startServer = durableServers(dbUrl, dir, 2);

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(p.exitCode) : p.once("exit", (code) => resolve(code))));


const YAML = `
name: durable
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  task: { value: charlm }
  hidden_size: { value: 48 }
  embedding_dim: { value: 8 }
  batch_size: { value: 8 }
  seq_length: { value: 32 }
  steps: { value: ${STEPS} }
  eval_every: { value: 50 }
  log_every: { value: 10 }
  sample_every: { value: 100 }
  sample_length: { value: 20 }
  dropout: { values: [0.0, 0.2] }
  learning_rate: { values: [0.003, 0.01, 0.03] }
concurrency: 2
`;

describe("a sweep through a kill -9 and a SIGTERM of its server", () => {
  it("ends finished: six finished runs, one per grid point, every curve whole and bit for bit the uninterrupted one", async () => {
    let { server, base } = await startServer();
    const res = await fetch(`${base}/api/sweeps`, { method: "POST", body: YAML, headers: { "content-type": "application/yaml" } });
    assert.equal(res.status, 201);
    const sweepId = ((await res.json()) as { id: string }).id;

    // 1. kill -9 during the first runs: each run in progress has checkpointed past its start and
    // is far from its end (two of them unless the machine is so busy that one ran alone)
    const first = await until("the runs in progress to checkpoint", async () => {
      const running = (await sweepRuns(sweepId)).filter((r) => r.state === "running");
      return running.length >= 1 && running.every((r) => r.checkpointStep !== null && r.checkpointStep >= 30 && r.lastStep < STEPS - 150) ? running : null;
    }, 60_000, 20);
    server.kill("SIGKILL");
    await exited(server);
    await until("its workers to go (their pipe is closed)", async () => first.every((r) => r.pid !== null && !alive(r.pid)), 10_000);
    const afterKill = await sweepRuns(sweepId);
    for (const r of first) assert.equal(afterKill.find((x) => x.id === r.id)!.state, "running", `${r.name} left running by the dead server`);

    ({ server, base } = await startServer());
    // 2. SIGTERM later, with runs in progress again
    const inProgress = await until("two finished runs, and the runs in progress mid-way", async () => {
      const runs = await sweepRuns(sweepId);
      const running = runs.filter((r) => r.state === "running");
      return runs.filter((r) => r.state === "finished").length >= 2 && running.length >= 1 && running.every((r) => r.pid !== null && r.lastStep >= 60 && r.lastStep < STEPS - 150) ? running : null;
    }, 120_000, 20);
    const t0 = Date.now();
    server.kill("SIGTERM");
    assert.equal(await exited(server), 143);
    const exitMs = Date.now() - t0;
    assert.ok(exitMs < 6000, `the server exited ${exitMs} ms after SIGTERM`);
    const afterTerm = await sweepRuns(sweepId);
    assert.equal(afterTerm.filter((r) => r.state === "running").length, 0, "no run left running");
    // (on a busy machine a run may reach its last step between our look and the signal: it ends
    // finished, whole; every other run in progress goes back to the queue)
    const requeued = inProgress.filter((r) => afterTerm.find((x) => x.id === r.id)!.state !== "finished");
    assert.ok(requeued.length >= 1, "a run in progress went back to the queue");
    for (const r of inProgress.filter((x) => !requeued.includes(x))) assert.equal(afterTerm.find((x) => x.id === r.id)!.lastStep, STEPS, `${r.name} ended finished only at its last step`);
    for (const r of requeued) {
      const now = afterTerm.find((x) => x.id === r.id)!;
      assert.equal(now.state, "queued", `${now.name} is back in the queue`);
      assert.ok(now.checkpointStep !== null && now.checkpointStep >= now.lastStep, `${now.name} checkpointed where it stopped (${now.checkpointStep} ≥ ${now.lastStep})`);
      assert.ok(r.pid !== null && !alive(r.pid), "its worker exited with the server");
    }
    assert.equal((await getSweep(sweepId))!.state, "running", "an interruption never fails a sweep");

    ({ server } = await startServer());
    const ended = await until("the sweep to end", async () => {
      const s = await getSweep(sweepId);
      return s && s.state !== "running" ? s : null;
    }, 180_000, 200);
    server.kill("SIGTERM");
    await exited(server);

    assert.equal(ended.state, "finished", ended.stateReason ?? "");
    const runs = await sweepRuns(sweepId);
    assert.equal(runs.length, 6);
    assert.deepEqual(runs.map((r) => r.state), Array(6).fill("finished"), runs.map((r) => `${r.name}: ${r.error}`).join("\n"));
    const points = runs.map((r) => `${r.params.dropout}/${r.params.learning_rate}`).sort();
    assert.deepEqual(points, ["0.2/0.003", "0.2/0.01", "0.2/0.03", "0/0.003", "0/0.01", "0/0.03"], "one run per grid point");
    const interrupted = runs.filter((r) => r.interruptions > 0);
    const interruptions = interrupted.reduce((n, r) => n + r.interruptions, 0);
    assert.ok(interruptions >= first.length + requeued.length, `runs interrupted: ${interrupted.map((r) => `${r.name} ×${r.interruptions}`)}`);
    // the runs seen checkpointed before a signal resumed from their checkpoint; a run claimed a
    // moment before the SIGTERM had none yet: it starts over, and says so
    const checkpointed = new Set([...first, ...requeued].map((r) => r.id));
    for (const r of interrupted) {
      const logs = (await listLogs(r.id)).map((l) => l.message);
      const fromCheckpoint = logs.some((m) => /^resumed from the checkpoint at step \d+$/.test(m));
      const fromStart = logs.some((m) => /; it resumes from the start \(no checkpoint yet\)$/.test(m));
      assert.ok(fromCheckpoint || (!checkpointed.has(r.id) && fromStart), `${r.name} resumed from a checkpoint:\n${logs.join("\n")}`);
    }

    for (const run of runs) {
      const stored = await assertWholeCurves(run.id, { train_loss: loggedSteps(STEPS, 10), val_loss: loggedSteps(STEPS, 50), grad_norm: loggedSteps(STEPS, 10) }, run.name);
      if (run.interruptions === 0) continue;
      // the uninterrupted run of the same config, trained in this process
      const reference = new Map<string, number | null>();
      for (const e of train(RunConfig.parse(run.config))) if (e.type === "metric") for (const [k, v] of Object.entries(e.values)) reference.set(`${k}@${e.step}`, v);
      for (const [name, series] of Object.entries(stored)) for (const p of series) assert.equal(p.value, reference.get(`${name}@${p.step}`), `${run.name} ${name} at step ${p.step}`);
    }
  });
});
