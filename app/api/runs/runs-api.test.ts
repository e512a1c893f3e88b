import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { appendRunEvents, createEndedRun, createRun, createSweep, disconnectPrisma, getRun, getSweep } from "../../../prisma/store";
import { checkpointPathFor } from "../../../sweeps/checkpoints";
import * as runsRoute from "./route";
import * as runRoute from "./[id]/route";
import * as exportRoute from "./export.csv/route";
import * as checkpointRoute from "./[id]/checkpoint/route";
import * as activationsRoute from "./[id]/activations/route";
import * as forkRoute from "./[id]/fork/route";
import * as sweepRoute from "../sweeps/[id]/route";
import * as sweepsRoute from "../sweeps/route";
import * as tableCsvRoute from "../compare/table.csv/route";
import * as tableRoute from "../compare/table/route";

// Housekeeping through the route handlers, in-process, against a real SQLite file and a real
// data folder: PATCH (rename, tags, notes, archive), the tag filter and the tags in both CSVs,
// and DELETE of runs and sweeps with everything they logged and their checkpoint files.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-runs-api-"));
const dbFile = path.join(dir, "api.db");
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.SWEEPLAB_DATA_DIR = dir;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const patch = (id: string, body: unknown, route: typeof runRoute | typeof sweepRoute = runRoute) =>
  route.PATCH(new Request(`http://x/api/x/${id}`, { method: "PATCH", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }), ctx(id));
const del = (id: string, route: typeof runRoute | typeof sweepRoute = runRoute) => route.DELETE(new Request(`http://x/api/x/${id}`, { method: "DELETE" }), ctx(id));
const list = async (query: string) => {
  const res = await runsRoute.GET(new Request(`http://x/api/runs?${query}`));
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { runs: { id: string; tags: string[] }[] }).runs.map((r) => r.id);
};

/** Rows each table holds for a run, counted straight from the file. */
function rowsOf(runId: string): Record<string, number> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const table of ["Metric", "MetricBucket", "Sample", "LogLine", "Diagnostic"]) out[table] = (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE runId = ?`).get(runId) as { n: number }).n;
    out.Run = (db.prepare(`SELECT count(*) AS n FROM Run WHERE id = ?`).get(runId) as { n: number }).n;
    return out;
  } finally {
    db.close();
  }
}

/** An ended run with metrics, a sample, a log line, a diagnostic and checkpoint files. */
async function fullRun(sweepId: string | null = null) {
  const now = new Date();
  const run = await createEndedRun({ sweepId, config: { task: "quadrant", learning_rate: 0.1 }, state: "finished", startedAt: now, finishedAt: now });
  await appendRunEvents([
    {
      runId: run.id,
      metrics: [1, 2, 3].map((step) => ({ step, time: step, values: { train_loss: 1 / step, val_loss: 2 / step } })),
      samples: [{ step: 3, temperature: 1, text: "abc" }],
      logs: [{ level: "info", message: "hello", step: 1 }],
      diagnostics: [{ step: 3, kind: "grad_norms", data: [1, 2] }],
    },
  ]);
  const ckpt = checkpointPathFor(run.id);
  fs.mkdirSync(path.dirname(ckpt), { recursive: true });
  fs.writeFileSync(ckpt, "{}");
  fs.writeFileSync(ckpt.replace(/\.json$/, ".step-9.json"), "{}");
  return run;
}

describe("PATCH /api/runs/:id", () => {
  it("renames, tags and annotates a run; the listing filters by tag; both CSVs carry the tags", async () => {
    const a = await fullRun();
    const b = await fullRun();
    const res = await patch(a.id, { name: "baseline lstm", tags: ["baseline", "lr/high", "baseline"], notes: "the reference run\nsecond line" });
    assert.equal(res.status, 200);
    const { run } = (await res.json()) as { run: { name: string; tags: string[]; notes: string } };
    assert.deepEqual([run.name, run.tags, run.notes], ["baseline lstm", ["baseline", "lr/high"], "the reference run\nsecond line"], "duplicates dropped, order kept");
    assert.deepEqual((await getRun(a.id))!.tags, ["baseline", "lr/high"]);
    await patch(b.id, { tags: ["lr/high"] });

    assert.deepEqual(await list("tag=baseline"), [a.id]);
    assert.deepEqual((await list("tag=lr/high")).sort(), [a.id, b.id].sort());
    assert.deepEqual(await list("tag=baseline,lr/high"), [a.id], "several tags: runs carrying all of them");
    assert.deepEqual(await list("tag=nosuchtag"), []);

    const csv = parse(await (await exportRoute.GET(new Request("http://x/api/runs/export.csv?tag=lr/high"))).text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.fromEntries(csv.map((r) => [r.id, r.tags])), { [a.id]: "baseline,lr/high", [b.id]: "lr/high" });
    const table = parse(await (await tableCsvRoute.GET(new Request("http://x/api/compare/table.csv?tag=baseline"))).text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(table.map((r) => [r.id, r.name, r.tags]), [[a.id, "baseline lstm", "baseline,lr/high"]]);

    // clearing
    await patch(a.id, { tags: [], notes: "" });
    assert.deepEqual([(await getRun(a.id))!.tags, (await getRun(a.id))!.notes], [[], ""]);
  });

  it("400 names the field of a bad patch and changes nothing; 404 for an unknown run", async () => {
    const run = await fullRun();
    const before = await getRun(run.id);
    const cases: [unknown, string][] = [
      [{ tags: ["ok", "a,b"] }, "tags.1"],
      [{ tags: ["ok", "two  spaces"] }, "tags.1"],
      [{ tags: "baseline" }, "tags"],
      [{ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, "tags"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(121) }, "name"],
      [{ notes: "x".repeat(20_001) }, "notes"],
      [{ colour: "red" }, ""],
      [{}, ""],
      [{ archived: "yes" }, "archived"],
    ];
    for (const [body, field] of cases) {
      const res = await patch(run.id, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      const err = (await res.json()) as { error: string; issues: { path: string }[] };
      assert.equal(err.issues[0].path, field, JSON.stringify(err));
      assert.match(err.error, /^invalid run patch: /);
    }
    assert.equal((await patch(run.id, "{not json")).status, 400);
    assert.equal((await patch(run.id, JSON.stringify({ notes: "x".repeat(200 * 1024) }))).status, 413, "the body is bounded");
    assert.deepEqual(await getRun(run.id), before);
    assert.equal((await patch("zzzzzzzz", { name: "x" })).status, 404);
  });

  it("archive hides a run from the listing (and a sweep's runs outside its own view) until restored", async () => {
    const sweep = await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" });
    const inSweep = await fullRun(sweep.id);
    const loose = await fullRun();
    await patch(loose.id, { tags: ["arch"] });
    await patch(inSweep.id, { tags: ["arch"] });
    assert.equal((await patch(loose.id, { archived: true })).status, 200);
    assert.ok((await getRun(loose.id))!.archivedAt);
    assert.deepEqual(await list("tag=arch"), [inSweep.id], "hidden by default");
    assert.deepEqual((await list("tag=arch&archived=include")).sort(), [inSweep.id, loose.id].sort());
    assert.deepEqual(await list("tag=arch&archived=only"), [loose.id]);
    assert.deepEqual(await list(`ids=${loose.id}`), [loose.id], "named by id, it is shown");

    const archivedSweep = await patch(sweep.id, { archived: true, name: "old sweep", tags: ["old"], notes: "superseded" }, sweepRoute);
    assert.equal(archivedSweep.status, 200);
    assert.deepEqual((await getSweep(sweep.id))!.tags, ["old"]);
    assert.deepEqual(await list("tag=arch"), [], "a sweep archived hides its runs from the listing");
    const sweepIds = async (q: string) => ((await (await sweepsRoute.GET(new Request(`http://x/api/sweeps?${q}`))).json()) as { sweeps: { id: string }[] }).sweeps.map((x) => x.id);
    assert.ok(!(await sweepIds("")).includes(sweep.id), "and itself from the sweeps listing");
    assert.deepEqual(await sweepIds("archived=only"), [sweep.id]);
    assert.ok((await sweepIds("archived=include")).includes(sweep.id));
    assert.deepEqual(await list(`tag=arch&sweep=${sweep.id}`), [inSweep.id], "but not from its own view");

    await patch(loose.id, { archived: false });
    await patch(sweep.id, { archived: false }, sweepRoute);
    assert.deepEqual((await list("tag=arch")).sort(), [inSweep.id, loose.id].sort(), "restored");
    assert.equal((await runsRoute.GET(new Request("http://x/api/runs?archived=maybe"))).status, 400);
  });
});

describe("GET /api/sweeps pages", () => {
  it("gives a page of sweeps newest first with the total, by project; bad paging is a 400 naming the field", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await createSweep({ name: `paged ${i}`, config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: i, project: "paging" })).id);
      await new Promise((r) => setTimeout(r, 2)); // distinct creation times: a tie is ordered by id, not by creation
    }
    const page = async (q: string) => (await (await sweepsRoute.GET(new Request(`http://x/api/sweeps?${q}`))).json()) as { sweeps: { id: string; project: string }[]; total: number };
    const newest = [...made].reverse();
    const first = await page("project=paging&limit=2");
    assert.deepEqual([first.sweeps.map((x) => x.id), first.total], [newest.slice(0, 2), 5]);
    assert.deepEqual((await page("project=paging&limit=2&offset=4")).sweeps.map((x) => x.id), newest.slice(4));
    assert.ok((await page("limit=500")).total >= 5);
    for (const [q, field] of [["limit=0", "limit"], ["offset=-1", "offset"], ["project=a b", "project"]]) {
      const res = await sweepsRoute.GET(new Request(`http://x/api/sweeps?${q}`));
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { issues: { path: string }[] }).issues[0].path, field);
    }
  });
});

describe("DELETE /api/runs/:id and /api/sweeps/:id", () => {
  it("deletes a run with its metrics, samples, logs, diagnostics and checkpoint files, leaving every other run whole", async () => {
    const doomed = await fullRun();
    const kept = await fullRun();
    const keptRows = rowsOf(kept.id);
    assert.deepEqual(rowsOf(doomed.id), { Metric: 6, MetricBucket: 2, Sample: 1, LogLine: 1, Diagnostic: 1, Run: 1 });
    const res = await del(doomed.id);
    assert.equal(res.status, 200);
    const { deleted } = (await res.json()) as { deleted: { runs: string[]; stopped: string[]; files: number } };
    assert.deepEqual(deleted, { runs: [doomed.id], stopped: [], files: 2 });
    assert.deepEqual(rowsOf(doomed.id), { Metric: 0, MetricBucket: 0, Sample: 0, LogLine: 0, Diagnostic: 0, Run: 0 });
    assert.equal(fs.existsSync(checkpointPathFor(doomed.id)), false);
    assert.deepEqual(rowsOf(kept.id), keptRows);
    assert.ok(fs.existsSync(checkpointPathFor(kept.id)), "another run's checkpoint stays");
    assert.equal((await runRoute.GET(new Request("http://x"), ctx(doomed.id))).status, 404);
    assert.equal((await del(doomed.id)).status, 404);
    // what a worker still sends for it is dropped and named
    const late = await appendRunEvents([{ runId: doomed.id, seq: 5, metrics: [{ step: 4, time: 4, values: { train_loss: 0.1 } }] }]);
    assert.deepEqual(late.unknownRuns, [doomed.id]);
    assert.equal(rowsOf(doomed.id).Metric, 0);
  });

  it("deleting a queued or running run stops it first", async () => {
    const queued = await createRun({ config: { task: "quadrant" } });
    const running = await createRun({ config: { task: "quadrant" }, claimedBy: "local:test" });
    for (const run of [queued, running]) {
      const res = await del(run.id);
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { deleted: { stopped: string[] } }).deleted.stopped, [run.id]);
      assert.equal(await getRun(run.id), null);
    }
  });

  it("deletes a sweep with all its runs (a live one is cancelled first)", async () => {
    const sweep = await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
    const a = await fullRun(sweep.id);
    const b = await createRun({ sweepId: sweep.id, index: 1, config: { task: "quadrant" } });
    const other = await fullRun();
    const res = await del(sweep.id, sweepRoute);
    assert.equal(res.status, 200);
    const { deleted } = (await res.json()) as { deleted: { sweep: string; runs: string[]; stopped: string[] } };
    assert.deepEqual([deleted.sweep, deleted.runs.sort(), deleted.stopped], [sweep.id, [a.id, b.id].sort(), [b.id]]);
    assert.equal(await getSweep(sweep.id), null);
    assert.equal(rowsOf(a.id).Metric + rowsOf(a.id).Run + rowsOf(b.id).Run, 0);
    assert.equal(fs.existsSync(checkpointPathFor(a.id)), false);
    assert.equal(rowsOf(other.id).Metric, 6);
    assert.equal((await del(sweep.id, sweepRoute)).status, 404);
  });
});

describe("GET /api/runs/:id/checkpoint", () => {
  it("streams the run's own committed checkpoint as a download, and nothing else", async () => {
    const run = await fullRun();
    const bytes = JSON.stringify({ step: 3, weights: Array.from({ length: 5000 }, (_, i) => i / 7) });
    fs.writeFileSync(checkpointPathFor(run.id), bytes);
    const res = await checkpointRoute.GET(new Request("http://x"), ctx(run.id));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-disposition")!, new RegExp(`^attachment; filename="${run.name}-${run.id}-checkpoint.json"$`));
    assert.equal(res.headers.get("content-length"), String(Buffer.byteLength(bytes)));
    assert.equal(await res.text(), bytes);

    fs.rmSync(checkpointPathFor(run.id));
    const none = await checkpointRoute.GET(new Request("http://x"), ctx(run.id));
    assert.equal(none.status, 404, "the pending .step- file is not the run's checkpoint");
    assert.match(((await none.json()) as { error: string }).error, /has no checkpoint yet/);
    // the cell viewer says a charlm run has no checkpoint yet, without naming a server path
    const now = new Date();
    const charlm = await createEndedRun({ sweepId: null, config: { task: "charlm" }, state: "finished", startedAt: now, finishedAt: now });
    const viewer = await activationsRoute.GET(new Request("http://x/?text=hello"), ctx(charlm.id));
    assert.equal(viewer.status, 409);
    const { error } = (await viewer.json()) as { error: string };
    assert.match(error, /has no checkpoint yet/);
    assert.ok(!error.includes(dir) && !error.includes("checkpoints/"), error);
    // an id that is not a stored run's never becomes a path, whatever file exists
    fs.writeFileSync(path.join(dir, "checkpoints", "secret.json"), "{}");
    for (const id of ["secret", "../api.db", "..%2Fapi.db", `${run.id}/../secret`]) {
      assert.equal((await checkpointRoute.GET(new Request("http://x"), ctx(id))).status, 404, id);
    }
  });
});

describe("POST /api/runs/:id/fork", () => {
  const fork = (id: string, body: unknown) => forkRoute.POST(new Request("http://x", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), ctx(id));

  it("201 with a fork that continues from the run's checkpoint; 400 naming the field; 409 without a checkpoint or while live", async () => {
    const parent = await fullRun(); // config { task: quadrant, learning_rate: 0.1 }: 500 steps by default, checkpoint of step 3
    const res = await fork(parent.id, { changes: { learning_rate: 0.01, steps: 900 }, name: "lower-lr" });
    assert.equal(res.status, 201);
    const { id, run } = (await res.json()) as { id: string; run: { name: string; forkOf: string; forkStep: number; state: string; config: Record<string, unknown> } };
    assert.deepEqual([run.name, run.forkOf, run.forkStep, run.state, run.config.learning_rate, run.config.steps, run.config.task], ["lower-lr", parent.id, 3, "queued", 0.01, 900, "quadrant"]);
    assert.ok(fs.existsSync(checkpointPathFor(id)), "the fork holds its own copy of the checkpoint");

    const bad: [unknown, string][] = [
      [{ changes: { hidden_size: 128 } }, "changes"], // a shape-changing key cannot change
      [{ changes: { learning_rate: -1 } }, "changes.learning_rate"],
      [{ changes: { steps: 2 } }, "changes.steps"],
      [{ changes: {}, colour: 1 }, ""],
    ];
    for (const [body, field] of bad) {
      const r = await fork(parent.id, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(((await r.json()) as { issues: { path: string }[] }).issues[0].path, field, JSON.stringify(body));
    }
    // a key that cannot change says why, and which may
    const shape = (await (await fork(parent.id, { changes: { hidden_size: 128, cell: "gru" } })).json()) as { issues: { message: string }[] };
    assert.match(shape.issues[0].message, /^hidden_size, cell cannot change in a fork: the checkpoint keeps the parent's model shapes, optimizer state and data\. A fork may change learning_rate, .*, steps, /);
    fs.rmSync(checkpointPathFor(parent.id));
    assert.equal((await fork(parent.id, { changes: {} })).status, 409);
    const live = await createRun({ config: { task: "quadrant" }, claimedBy: "local:test" });
    assert.equal((await fork(live.id, { changes: {} })).status, 409);
    assert.equal((await fork("zzzzzzzz", { changes: {} })).status, 404);
    await del(id);
    await del(live.id);
  });
});

describe("run groups (W&B's group)", () => {
  it("PATCH { group } sets and clears it; ?group=runs folds a group's runs into one row with mean ± 95%; it is a CSV column", async () => {
    const [a, b, c] = [await fullRun(), await fullRun(), await fullRun()];
    for (const run of [a, b]) assert.equal((await patch(run.id, { group: "hk-group", tags: ["hk-grouped"] })).status, 200);
    await patch(c.id, { tags: ["hk-grouped"] });
    assert.equal((await getRun(a.id))!.runGroup, "hk-group");
    // a group or a tag may hold a space, as W&B's do; not two in a row
    assert.equal((await patch(b.id, { group: "hk group", tags: ["hk-grouped", "two words"] })).status, 200);
    assert.deepEqual([(await getRun(b.id))!.runGroup, (await getRun(b.id))!.tags], ["hk group", ["hk-grouped", "two words"]]);
    assert.equal((await patch(b.id, { group: "hk-group" })).status, 200);
    const bad = await patch(a.id, { group: "two  words" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { issues: { path: string }[] }).issues[0].path, "group");
    assert.equal((await patch(a.id, { group: "x" }, sweepRoute)).status, 400, "sweeps have no group");

    const res = await tableRoute.GET(new Request("http://x/api/compare/table?tag=hk-grouped&group=runs&columns=summary.val_loss"));
    assert.equal(res.status, 200);
    const page = (await res.json()) as { grouped: boolean; rows: { id: string; runGroup: string | null; group?: { count: number; members: { id: string }[]; stats: Record<string, { mean: number }> } }[] };
    assert.equal(page.grouped, true);
    const byGroup = new Map(page.rows.map((r) => [r.runGroup ?? r.id, r]));
    assert.deepEqual([...byGroup.keys()].sort(), ["hk-group", c.id].sort(), "the group's runs in one row, a run without a group alone");
    assert.deepEqual(byGroup.get("hk-group")!.group!.members.map((m) => m.id).sort(), [a.id, b.id].sort());
    assert.equal(byGroup.get("hk-group")!.group!.stats["summary.val_loss"].mean, 2 / 3);

    const csv = parse(await (await exportRoute.GET(new Request("http://x/api/runs/export.csv?tag=hk-grouped"))).text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.fromEntries(csv.map((r) => [r.id, r.group])), { [a.id]: "hk-group", [b.id]: "hk-group", [c.id]: "" });
    await patch(a.id, { group: null });
    assert.equal((await getRun(a.id))!.runGroup, null);
  });
});
