import { testDatabaseUrl } from "../../prisma/testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { getSweep, sweepRuns } from "../../prisma/store";
import { assertWholeCurves, loggedSteps } from "../../sweeps/testdata/curves";
import { until } from "../../sweeps/testdata/until";
import { durableServers, type RouteServer } from "./testdata/start-route-server";

// Issue 15's "done when": two servers on one database share a 12-run grid sweep; one is killed
// -9 midway and the other finishes it — 12 finished runs, one per grid point, whole curves. Real
// server processes (route handlers and executor, testdata/route-server.ts), real workers, and the
// database npm test gives this file: a SQLite file, then (SWEEPLAB_TEST_DATABASE=postgresql) a
// PostgreSQL database of its own. Which server runs what rests on the database alone: claims
// (FOR UPDATE SKIP LOCKED on Postgres), the sweep's next index under the store's write lock,
// and a dead server noticed by its pid on its own machine or by its runs' heartbeats elsewhere.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-two-"));
const dbUrl = await testDatabaseUrl(path.join(dir, "two.db"));
process.env.DATABASE_URL = dbUrl;
const STEPS = 3000;
/** Start a server process on this file's database (route handlers and executor, as `next start` runs them). */
const startServer = durableServers(dbUrl, dir, 1);

const YAML = `
name: shared
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  task: { value: repeated_ones }
  steps: { value: ${STEPS} }
  eval_every: { value: 100 }
  log_every: { value: 10 }
  hidden_size: { values: [16, 32] }
  cell: { values: [rnn, lstm] }
  learning_rate: { values: [0.01, 0.02, 0.03] }
`;

/** Two servers share the sweep; A is killed -9 with a run in progress; B must finish the sweep. */
async function shareAndKill(envA: Record<string, string>, envB: Record<string, string>): Promise<void> {
  const a = await startServer(envA);
  const b = await startServer(envB);
  const res = await fetch(`${a.base}/api/sweeps`, { method: "POST", body: YAML, headers: { "content-type": "application/yaml" } });
  assert.equal(res.status, 201, await res.clone().text());
  const sweepId = ((await res.json()) as { id: string }).id;
  const ownerOf = (s: RouteServer) => `local:${s.server.pid}:`;

  // both servers take runs of it; then A dies with a run in progress
  const inProgress = await until("both servers training, A mid-run", async () => {
    const runs = await sweepRuns(sweepId);
    const byA = runs.filter((r) => r.claimedBy?.startsWith(ownerOf(a)) && r.state === "running" && r.lastStep >= 100 && r.lastStep < STEPS - 500);
    return byA.length >= 1 && runs.some((r) => r.claimedBy?.startsWith(ownerOf(b))) ? byA : null;
  }, 120_000, 20);
  a.server.kill("SIGKILL");
  // until then neither took the other's live runs (a pid on another machine means nothing here)
  assert.deepEqual((await sweepRuns(sweepId)).filter((r) => r.interruptions > 0).map((r) => r.name), [], "no run was requeued while both servers lived");

  const ended = await until("the sweep to end", async () => {
    const s = await getSweep(sweepId);
    return s && s.state !== "running" ? s : null;
  }, 240_000, 200);
  assert.equal(ended.state, "finished", ended.stateReason ?? "");
  const runs = await sweepRuns(sweepId);
  assert.equal(runs.length, 12, "no run proposed twice");
  assert.deepEqual(runs.map((r) => r.state), Array(12).fill("finished"), runs.map((r) => `${r.name}: ${r.state} ${r.error}`).join("\n"));
  const points = new Set(runs.map((r) => `${r.params.hidden_size}/${r.params.cell}/${r.params.learning_rate}`));
  assert.equal(points.size, 12, "one run per grid point");
  for (const r of inProgress) {
    const now = runs.find((x) => x.id === r.id)!;
    assert.ok(now.claimedBy?.startsWith(ownerOf(b)), `${r.name}, A's run in progress, was finished by B`);
    assert.ok(now.interruptions >= 1, `${r.name} counts its interruption`);
  }
  for (const run of runs) await assertWholeCurves(run.id, { train_loss: loggedSteps(STEPS, 10), val_loss: loggedSteps(STEPS, 100) }, run.name);
  b.server.kill("SIGKILL"); // (the next case's servers have the database to themselves)
}

describe("two servers on one database", () => {
  it("on one machine: share a 12-run sweep; one killed -9 midway, the other finishes it (its pid is gone): 12 finished runs, one per grid point", async () => {
    await shareAndKill({}, {});
  });

  it("on two machines (SWEEPLAB_HOST differs): the survivor notices the dead server by its runs' heartbeats, not its pid", async () => {
    // 3 s without a heartbeat marks a host gone: long against the runners' 1 s reports, short for a test
    await shareAndKill({ SWEEPLAB_HOST: "machine-a", SWEEPLAB_STALE_AFTER_MS: "3000" }, { SWEEPLAB_HOST: "machine-b", SWEEPLAB_STALE_AFTER_MS: "3000" });
  });
});
