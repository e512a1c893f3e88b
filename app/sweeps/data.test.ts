import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { testDatabaseUrl } from "../../prisma/testdata/test-database";
import { appendRunEvents, createRun, createSweep, disconnectPrisma, getSweep, listRuns } from "../../prisma/store";
import { parseSweepConfig } from "../../sweeps/config";
import { MAX_MODELLED } from "../../sweeps/importance";
import { computedImportance, loadImportance } from "./data";

// The sweep page's importance loader against a real SQLite file: computed once per change of
// the runs' values (every open page refetches it when a run ends), again when one changes.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-sweep-data-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "data.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A finished grid sweep of 6 runs (learning_rate × dropout), each with a val_loss. */
async function gridSweep(seed: number) {
  const parsed = parseSweepConfig({ method: "grid", parameters: { learning_rate: { values: [0.001, 0.01, 0.1] }, dropout: { values: [0, 0.5] } } });
  assert.ok(parsed.ok);
  const sweep = await createSweep({ config: parsed.config, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed });
  const runs = [];
  for (const [i, [lr, dropout]] of [[0.001, 0], [0.01, 0], [0.1, 0], [0.001, 0.5], [0.01, 0.5], [0.1, 0.5]].entries()) {
    const run = await createRun({ sweepId: sweep.id, index: i, config: { learning_rate: lr, dropout }, params: { learning_rate: lr, dropout } });
    await appendRunEvents([{ runId: run.id, metrics: [{ step: 10, time: 1, values: { val_loss: 2 - Math.log10(lr) * 0.3 + dropout * 0.1 } }] }]);
    runs.push(run);
  }
  const stored = (await getSweep(sweep.id))!;
  return { sweep, runs, stored };
}

test("importance: the same body while the runs' values stay, a new one computed when a value changes", async () => {
  const { sweep, runs, stored } = await gridSweep(3);
  const first = await loadImportance(stored);
  assert.equal(first.runs, 6);
  assert.equal(first.params.length, 2);
  assert.equal(first.modelled, null, "6 configurations: the model takes them all");
  assert.equal(await loadImportance(stored), first, "nothing changed: the body computed before");
  // a run's value changes: computed again, from the new value
  await appendRunEvents([{ runId: runs[5].id, metrics: [{ step: 20, time: 2, values: { val_loss: 0.01 } }] }]);
  const second = await loadImportance(stored);
  assert.notEqual(second, first);
  assert.notDeepEqual(second.params.map((p) => p.importance), first.params.map((p) => p.importance));
  assert.equal(await loadImportance(stored), second);
});

test("importance of a sweep past MAX_MODELLED configurations says the model took a sample of them, and still finds the driver", async () => {
  const parsed = parseSweepConfig({ method: "random", run_cap: 60, metric: { name: "val_loss" }, parameters: { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 0.1 }, dropout: { min: 0, max: 0.5 } } });
  assert.ok(parsed.ok);
  const sweep = await createSweep({ config: parsed.config, rawConfig: "", method: "random", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 5 });
  for (let i = 0; i < 45; i++) {
    const [lr, dropout] = [10 ** (-4 + (3 * ((i * 7) % 45)) / 45), (0.5 * ((i * 11) % 45)) / 45];
    const run = await createRun({ sweepId: sweep.id, index: i, config: { learning_rate: lr, dropout }, params: { learning_rate: lr, dropout } });
    await appendRunEvents([{ runId: run.id, metrics: [{ step: 10, time: 1, values: { val_loss: 1 + (Math.log10(lr) + 2.5) ** 2 + 0.05 * dropout } }] }]);
  }
  const body = await loadImportance((await getSweep(sweep.id))!);
  assert.equal(body.configurations, 45);
  assert.equal(body.modelled, MAX_MODELLED);
  assert.equal(body.params[0].param, "learning_rate");
});

// The sweep page renders the importance panel's first answer when it is computed: the runs as the
// page lists them give the memo's inputs. Not computed, the page does not wait: it starts the
// computation, which the panel's request then finds under way or done.
test("the page's importance: null and started when not computed, the computed body once it is, again when a value changes", async () => {
  const { sweep, runs, stored } = await gridSweep(4);
  const listed = async () => (await listRuns({ sweepId: sweep.id, sort: { field: "index", desc: false }, limit: 100_000 })).runs;
  // the page's answer once the computation it started has finished (nothing else asks for one)
  const computedByPage = async () => {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const body = computedImportance(stored, await listed());
      if (body) return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the page's importance was not computed in 20 s");
  };
  assert.equal(computedImportance(stored, await listed()), null, "not computed yet");
  const body = await computedByPage();
  assert.equal(body.params.length, 2);
  // the panel's request gets that answer, not one computed again
  assert.equal(await loadImportance(stored), body);
  // a run's value changes: no answer for the new values until it is computed, started by the page
  await appendRunEvents([{ runId: runs[5].id, metrics: [{ step: 20, time: 2, values: { val_loss: 0.01 } }] }]);
  assert.equal(computedImportance(stored, await listed()), null);
  const next = await computedByPage();
  assert.notDeepEqual(next.params.map((p) => p.importance), body.params.map((p) => p.importance));
  assert.equal(await loadImportance(stored), next);
  // the memo is the process's, whichever bundle of Next's imports this module (the page and the route)
  assert.equal((globalThis as { __sweeplabImportance?: Map<string, { done?: unknown }> }).__sweeplabImportance?.get(sweep.id)?.done, next);
});
