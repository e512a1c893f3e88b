import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { byCreation, colorAt, runColors } from "../../app/_lib/colors";
import { createRun, createSweep, creationRank, disconnectPrisma, getRun, sweepRuns } from "./index";

// A run's colour in its sweep's view is its place in creation order; the sweeps list reads that
// place from the store (creationRank) and must give the colour the sweep page computes.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-rank-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "rank.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("creationRank is the run's place in the sweep page's colour order, re-runs included", async () => {
  const sweep = await createSweep({ config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
  const other = await createSweep({ config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
  for (let i = 0; i < 4; i++) await createRun({ sweepId: sweep.id, index: i, config: {} });
  await createRun({ sweepId: other.id, index: 0, config: {} });
  const first = (await sweepRuns(sweep.id)).find((r) => r.index === 1)!;
  // a re-run shares its original's index and comes later
  await createRun({ sweepId: sweep.id, index: 1, config: {}, rerunOf: first.id });
  await createRun({ sweepId: sweep.id, index: 4, config: {} });

  const runs = await sweepRuns(sweep.id);
  const colors = runColors([...runs].sort(byCreation).map((r) => r.id));
  for (const r of runs) assert.equal(colorAt(await creationRank((await getRun(r.id))!)), colors.get(r.id), `run ${r.index}${r.rerunOf ? " (re-run)" : ""}`);
  assert.deepEqual((await Promise.all(runs.map((r) => creationRank(r)))).sort(), [0, 1, 2, 3, 4, 5]);
});
