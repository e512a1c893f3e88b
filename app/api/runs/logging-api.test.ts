import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { appendRunEvents, createRun, createSweep, disconnectPrisma, getRun, getSweep, sweepRuns, listLogs, metricCounts, readPoints } from "../../../prisma/store";
import { startRouteServer, type RouteServer } from "../../_server/testdata/start-route-server";
import { rerunRun } from "../../../prisma/store/sweep-control";
import { parseSweepConfig } from "../../../sweeps/config";
import { until } from "../../../sweeps/testdata/until";

// The logging API over real HTTP (a real server process, its executor's Coordinator) and a real
// SQLite file, read back through the store: a program's run is created, logs numbered batches
// (a resend changes nothing), sets its summary and config, and ends; bad input is a 400 naming
// the field; a client that goes silent leaves its run crashed.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-logging-"));
const dbUrl = `file:${path.join(dir, "logging.db")}`;
process.env.DATABASE_URL = dbUrl;
let srv: RouteServer;

before(async () => {
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0", SWEEPLAB_CLIENT_STALE_AFTER_MS: "4000" });
});

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${srv.base}${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const created = async (body: unknown) => {
  const res = await post("/api/runs", body);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json.run as { id: string; name: string; project: string; state: string; kind: string; config: Record<string, unknown> };
};
const issuePaths = (json: Record<string, unknown>) => (json.issues as { path: string }[]).map((i) => i.path);

describe("the logging API", () => {
  it("creates a program run: config flattened, project and name defaulted, running", async () => {
    const run = await created({ config: { lr: 0.001, optimizer: { name: "adam", betas: [0.9, 0.999] }, epochs: 3 }, tags: ["baseline"] });
    assert.equal(run.kind, "program");
    assert.equal(run.project, "default");
    assert.equal(run.state, "running");
    assert.match(run.name, /^[a-z]+-[a-z]+-\d+$/);
    assert.deepEqual(run.config, { lr: 0.001, "optimizer.name": "adam", "optimizer.betas": [0.9, 0.999], epochs: 3 });
    const stored = await getRun(run.id);
    assert.deepEqual(stored?.tags, ["baseline"]);
    assert.equal(stored?.createdAt, stored?.startedAt, "created as it starts, not a few ms after");
  });

  it("stores every point of numbered batches as sent, NaN and ±Infinity included; a resend is a no-op", async () => {
    const run = await created({ project: "mnist", name: "first", group: "g1", config: { seed: 1 } });
    const lines = [
      { step: 0, time: 0.5, values: { "val/loss": 2.5, acc: 0.1 } },
      { step: 1, time: 1.25, values: { "val/loss": 0.1 + 0.2, acc: "NaN" } },
      { step: 2, time: 2, values: { "val/loss": "Infinity", grad: "-Infinity" } },
    ];
    const first = await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: lines, logs: [{ level: "info", message: "epoch 1" }] });
    assert.deepEqual(first, { status: 200, json: { duplicate: false, stop: false } });
    const again = await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: [{ step: 3, time: 3, values: { "val/loss": 9 } }], logs: [{ level: "info", message: "epoch 1" }] });
    assert.deepEqual(again.json, { duplicate: true, stop: false });
    assert.deepEqual(
      (await readPoints(run.id, "val/loss")).map((p) => [p.step, p.value, p.wallTime]),
      [
        [0, 2.5, 0.5],
        [1, 0.1 + 0.2, 1.25],
        [2, Infinity, 2],
      ],
    );
    assert.deepEqual((await readPoints(run.id, "acc")).map((p) => p.value), [0.1, null]);
    assert.deepEqual((await readPoints(run.id, "grad")).map((p) => p.value), [-Infinity]);
    assert.deepEqual(await metricCounts(run.id), { "val/loss": { points: 3, rollup: 3 }, acc: { points: 2, rollup: 2 }, grad: { points: 1, rollup: 1 } });
    assert.deepEqual((await listLogs(run.id)).map((l) => l.message), ["epoch 1"]);

    // summary keys set win over the folded ones; config updates merge (flattened), and every
    // listing shows them, also one that listed the run before (wandb.config.update mid-run)
    const listedConfig = async () => ((await (await fetch(`${srv.base}/api/runs?project=mnist`)).json()) as { runs: { config: Record<string, unknown> }[] }).runs[0].config;
    assert.deepEqual(await listedConfig(), { seed: 1 });
    const second = await post(`/api/runs/${run.id}/events`, { seq: 2, summary: { "val/loss": 0.25, best_epoch: 1, ceiling: "Infinity", lost: "NaN" }, config: { batch: { size: 64 } } });
    assert.equal(second.status, 200);
    const stored = (await getRun(run.id))!;
    assert.equal(stored.summary["val/loss"], 0.25);
    assert.equal(stored.summary.best_epoch, 1);
    // ±Infinity, folded (grad's last value) or set, is kept and answered as JSON spells it; NaN is null
    assert.equal(stored.summary.grad, "-Infinity");
    assert.equal(stored.summary.ceiling, "Infinity");
    assert.equal(stored.summary.lost, null);
    const listedSummary = ((await (await fetch(`${srv.base}/api/runs?project=mnist`)).json()) as { runs: { summary: Record<string, unknown> }[] }).runs[0].summary;
    assert.deepEqual([listedSummary.grad, listedSummary.ceiling, listedSummary.lost], ["-Infinity", "Infinity", null]);
    assert.equal(stored.summary["val/loss_best"], 0.1 + 0.2);
    assert.equal(stored.summary.acc_first_nonfinite_step, 1);
    assert.deepEqual(stored.config, { seed: 1, "batch.size": 64 });
    assert.deepEqual(await listedConfig(), { seed: 1, "batch.size": 64 });
    assert.equal(stored.runGroup, "g1");
    assert.equal(stored.project, "mnist");
    assert.equal(stored.lastStep, 2);

    // a project named in any script, as W&B takes it
    const cyrillic = await created({ project: "проект-試験" });
    assert.equal(cyrillic.project, "проект-試験");
    const inProject = (await (await fetch(`${srv.base}/api/runs?project=${encodeURIComponent("проект-試験")}`)).json()) as { runs: { id: string }[] };
    assert.deepEqual(inProject.runs.map((r) => r.id), [cyrillic.id]);

    // listed by project
    const listed = (await (await fetch(`${srv.base}/api/runs?project=mnist`)).json()) as { runs: { id: string }[]; total: number };
    assert.deepEqual(listed.runs.map((r) => r.id), [run.id]);

    const done = await post(`/api/runs/${run.id}/finish`, { state: "finished" });
    assert.equal(done.status, 200);
    assert.equal((done.json.run as { state: string }).state, "finished");
    assert.ok((await getRun(run.id))!.finishedAt);
    // finishing again the same way is a no-op; a batch after the end is refused, a resend of an old one is not
    assert.equal((await post(`/api/runs/${run.id}/finish`, { state: "finished" })).status, 200);
    assert.equal((await post(`/api/runs/${run.id}/finish`, { state: "failed" })).status, 409);
    assert.equal((await post(`/api/runs/${run.id}/events`, { seq: 3, metrics: [{ step: 9, time: 9, values: { x: 1 } }] })).status, 409);
    assert.deepEqual((await post(`/api/runs/${run.id}/events`, { seq: 2 })).json, { duplicate: true, stop: true });
  });

  it("numbers a client's batches apart from its runner's (a program sweep's run gets both)", async () => {
    const run = await created({});
    // the runner that started the program has stored its batches 1–3 (the program's output)
    for (const seq of [1, 2, 3]) await appendRunEvents([{ runId: run.id, seq, logs: [{ level: "info", message: `runner ${seq}` }] }]);
    const first = await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: [{ step: 0, time: 0, values: { loss: 1 } }] });
    assert.deepEqual(first.json, { duplicate: false, stop: false });
    assert.deepEqual((await readPoints(run.id, "loss")).map((p) => p.value), [1]);
    await appendRunEvents([{ runId: run.id, seq: 4, logs: [{ level: "info", message: "runner 4" }] }]);
    assert.deepEqual((await listLogs(run.id)).map((l) => l.message), ["runner 1", "runner 2", "runner 3", "runner 4"]);
    const stored = (await getRun(run.id))!;
    assert.deepEqual([stored.ingestSeq, stored.clientSeq], [4, 1]);
  });

  it("answers a client-chosen id again with the same run (resume, offline sync); an engine run's id is a 409", async () => {
    const first = await post("/api/runs", { id: "offline1x", name: "offline", config: { a: 1 } });
    assert.equal(first.status, 201);
    const second = await post("/api/runs", { id: "offline1x", name: "offline", config: { a: 1 } });
    assert.equal(second.status, 200);
    assert.equal((second.json.run as { id: string }).id, "offline1x");
    // once it has ended: answered as it is (a second sync reads it was uploaded); resume: it goes on after its last step
    assert.equal((await post("/api/runs/offline1x/events", { seq: 1, metrics: [{ step: 0, time: 0, values: { x: 1 } }] })).status, 200);
    assert.equal((await post("/api/runs/offline1x/finish", { state: "finished" })).status, 200);
    const ended = await post("/api/runs", { id: "offline1x" });
    assert.equal(ended.status, 200);
    assert.equal((ended.json.run as { state: string }).state, "finished");
    const resumed = await post("/api/runs", { id: "offline1x", resume: true });
    assert.equal(resumed.status, 200);
    assert.deepEqual((({ state, lastStep, clientSeq, finishedAt }) => ({ state, lastStep, clientSeq, finishedAt }))(resumed.json.run as Record<string, unknown>), { state: "running", lastStep: 0, clientSeq: 1, finishedAt: null });
    assert.equal((await post("/api/runs/offline1x/events", { seq: 2, metrics: [{ step: 1, time: 1, values: { x: 2 } }] })).status, 200);
    assert.deepEqual((await readPoints("offline1x", "x")).map((p) => p.value), [1, 2]);
    assert.match((await listLogs("offline1x")).map((l) => l.message).join("\n"), /resumed by its program after step 0 \(it had ended finished\)/);
    // a sweep's run that has ended is not resumed: the sweep has counted it
    const sweep = await createSweep({ config: (parseSweepConfig({ method: "grid", program: "fit.py", parameters: { a: { values: [1, 2] } } }) as { config: Record<string, unknown> }).config as never, rawConfig: "", method: "grid", metricName: "loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
    const sweepRun = await createRun({ id: "sweeprun1", sweepId: sweep.id, kind: "program", config: {}, claimedBy: "client:sweeprun1" });
    assert.equal((await post(`/api/runs/${sweepRun.id}/finish`, { state: "finished" })).status, 200);
    const refused = await post("/api/runs", { id: sweepRun.id, resume: true });
    assert.equal(refused.status, 409);
    assert.deepEqual(issuePaths(refused.json), ["id"]);
    const engine = await createRun({ config: { task: "charlm" } });
    const taken = await post("/api/runs", { id: engine.id });
    assert.equal(taken.status, 409);
    assert.deepEqual(issuePaths(taken.json), ["id"]);
    // an engine run takes no logged events
    assert.equal((await post(`/api/runs/${engine.id}/events`, { seq: 1 })).status, 409);
  });

  it("refuses bad input with a 400 naming the field, and changes nothing", async () => {
    const bad: [unknown, string][] = [
      [{ project: "a b" }, "project"],
      [{ config: { "bad  key": 1 } }, "config.bad  key"],
      [{ config: [1, 2] }, "config"],
      [{ tags: ["no,comma"] }, "tags.0"],
      [{ nme: "typo" }, ""],
    ];
    for (const [body, field] of bad) {
      const res = await post("/api/runs", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(issuePaths(res.json).includes(field), `${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
    }
    assert.equal((await post("/api/runs", "{not json")).status, 400);
    const run = await created({});
    const badBatches: [unknown, string][] = [
      [{ metrics: [] }, "seq"],
      [{ seq: 1, metrics: [{ step: -1, time: 0, values: { a: 1 } }] }, "metrics.0.step"],
      [{ seq: 1, metrics: [{ step: 0, time: 0, values: { "it's": 1 } }] }, "metrics.0.values.it's"],
      [{ seq: 1, metrics: [{ step: 0, time: 0, values: { a: "1.5" } }] }, "metrics.0.values.a"],
      [{ seq: 1, summary: { a: "big" } }, "summary.a"],
    ];
    for (const [body, field] of badBatches) {
      const res = await post(`/api/runs/${run.id}/events`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(issuePaths(res.json).includes(field), `${JSON.stringify(body)}: ${JSON.stringify(res.json)}`);
    }
    const huge = { seq: 1, metrics: Array.from({ length: 2001 }, (_, step) => ({ step, time: step, values: { a: 1, b: 2, c: 3, d: 4, e: 5 } })) };
    assert.equal((await post(`/api/runs/${run.id}/events`, huge)).status, 413);
    assert.equal((await post("/api/runs/nosuchrun/events", { seq: 1 })).status, 404);
    assert.deepEqual(await metricCounts(run.id), {});
    assert.equal((await getRun(run.id))!.clientSeq, 0);
    assert.equal((await post(`/api/runs/${run.id}/finish`, { state: "done" })).status, 400);
  });

  it("keeps an offline run's own times: startedAt when the request creates the run, finishedAt when its client ends it; a time ahead of the clock or an end before the start is a 400 naming it", async () => {
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000);
    const offset = (t: Date) => t.toISOString().replace("Z", "+00:00"); // as the Python client writes it
    for (const [startedAt, why] of [[offset(ago(-10)), /in the future/], ["2026-12-05T10:24:00", /offset/], ["yesterday", /ISO 8601/]] as const) {
      const res = await post("/api/runs", { id: "times0x1", startedAt });
      assert.equal(res.status, 400, startedAt);
      assert.deepEqual(issuePaths(res.json), ["startedAt"]);
      assert.match(JSON.stringify(res.json), why);
    }
    assert.equal(await getRun("times0x1"), null, "refused: nothing created");
    // within the clock skew allowed (5 minutes), a client's clock a little ahead is fine
    assert.equal((await post("/api/runs", { startedAt: offset(ago(-1)) })).status, 201);

    const start = ago(60);
    const run = await created({ id: "times0x2", startedAt: offset(start) });
    const stored = (await getRun(run.id))!;
    assert.deepEqual([stored.createdAt, stored.startedAt], [start.toISOString(), start.toISOString()]);
    // answering the run again (a second sync) keeps its start
    assert.equal((await post("/api/runs", { id: run.id, startedAt: offset(ago(30)) })).status, 200);
    assert.equal((await getRun(run.id))!.startedAt, start.toISOString());

    const early = await post(`/api/runs/${run.id}/finish`, { state: "finished", finishedAt: offset(ago(61)) });
    assert.equal(early.status, 400);
    assert.deepEqual(issuePaths(early.json), ["finishedAt"]);
    const future = await post(`/api/runs/${run.id}/finish`, { state: "finished", finishedAt: offset(ago(-6)) });
    assert.equal(future.status, 400);
    assert.deepEqual(issuePaths(future.json), ["finishedAt"]);
    assert.equal((await getRun(run.id))!.state, "running", "refused: still running");
    const end = ago(58);
    assert.equal((await post(`/api/runs/${run.id}/finish`, { state: "finished", finishedAt: end.toISOString() })).status, 200);
    const ended = (await getRun(run.id))!;
    assert.deepEqual([ended.state, ended.finishedAt, ended.runtime], ["finished", end.toISOString(), 120]);

    // resuming keeps the first start
    assert.equal((await post("/api/runs", { id: run.id, resume: true, startedAt: offset(ago(1)) })).status, 200);
    assert.equal((await getRun(run.id))!.startedAt, start.toISOString());
    // a run an agent started the program for ends when its process does, not at a time its client says
    const agents = await createRun({ id: "times0x3", kind: "program", config: {}, claimedBy: "remote:agent1" });
    assert.equal((await post(`/api/runs/${agents.id}/finish`, { state: "finished", finishedAt: offset(new Date()) })).status, 200);
    assert.deepEqual([(await getRun(agents.id))!.state, (await getRun(agents.id))!.finishedAt], ["running", null]);
  });

  it("tells a client its run was asked to stop; a clean end then says stopped; a failure keeps its exit code", async () => {
    const run = await created({});
    assert.equal((await post(`/api/runs/${run.id}/stop`, {})).status, 200);
    assert.deepEqual((await post(`/api/runs/${run.id}/events`, { seq: 1 })).json, { duplicate: false, stop: true });
    assert.equal(((await post(`/api/runs/${run.id}/finish`, { state: "finished" })).json.run as { state: string }).state, "stopped");
    const failing = await created({});
    const failed = (await post(`/api/runs/${failing.id}/finish`, { state: "failed", exitCode: 3, error: "ValueError: boom" })).json.run as { state: string; error: string };
    assert.equal(failed.state, "failed");
    assert.equal(failed.error, "ValueError: boom; exit code 3");
    // the server re-runs only the engine's runs: a program's is run again by its user
    const rerun = await rerunRun(failing.id);
    assert.ok(!rerun.ok && rerun.status === 409 && /your own program/.test(rerun.error));
  });

  it("marks crashed a run whose client went silent; one that keeps sending stays running", async () => {
    const silent = await created({});
    const alive = await created({});
    let seq = 0;
    const beat = setInterval(() => void post(`/api/runs/${alive.id}/events`, { seq: ++seq }).catch(() => {}), 200);
    try {
      const crashed = await until("the silent run to crash", async () => ((await getRun(silent.id))!.state === "crashed" ? getRun(silent.id) : null), 30_000);
      assert.match(crashed!.error ?? "", /its program sent nothing for 4 s/);
      assert.equal((await getRun(alive.id))!.state, "running");
    } finally {
      clearInterval(beat);
    }
  });

  it("a run crashed for its client's silence runs again when its client is heard from again: what it sends meanwhile is kept, and its own finish ends it", async () => {
    // a laptop asleep: the client spilled its batches, and sends them when it wakes
    const run = await created({});
    assert.deepEqual((await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: [{ step: 0, time: 0.1, values: { loss: 2 } }] })).json, { duplicate: false, stop: false });
    await until("the silent run to crash", async () => (await getRun(run.id))!.state === "crashed", 30_000);
    // a resend of a batch it stored before is the no-op it was, and says nothing of the run
    assert.deepEqual((await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: [{ step: 0, time: 0.1, values: { loss: 2 } }] })).json, { duplicate: true, stop: true });
    assert.equal((await getRun(run.id))!.state, "crashed");
    const woke = await post(`/api/runs/${run.id}/events`, { seq: 2, metrics: [{ step: 1, time: 400, values: { loss: 1.5 } }, { step: 2, time: 401, values: { loss: 1 } }] });
    assert.equal(woke.status, 200, JSON.stringify(woke.json));
    assert.deepEqual(woke.json, { duplicate: false, stop: false });
    const running = (await getRun(run.id))!;
    assert.equal(running.state, "running");
    assert.equal(running.finishedAt, null);
    assert.equal(running.error, null);
    assert.deepEqual((await readPoints(run.id, "loss")).map((p) => [p.step, p.value]), [[0, 2], [1, 1.5], [2, 1]]);
    assert.ok((await listLogs(run.id)).some((l) => /heard from again after step 0: running again \(it had been marked crashed: its program sent nothing for 4 s\)/.test(l.message)));
    const finishedAt = new Date(Date.now() - 1000).toISOString();
    const finish = await post(`/api/runs/${run.id}/finish`, { state: "finished", finishedAt });
    assert.equal((finish.json.run as { state: string }).state, "finished");
    assert.equal((await getRun(run.id))!.finishedAt, finishedAt);

    // crashed for silence, its finish the first word heard (an offline run synced with no batch left): finished
    const quiet = await created({});
    await until("the quiet run to crash", async () => (await getRun(quiet.id))!.state === "crashed", 30_000);
    assert.equal(((await post(`/api/runs/${quiet.id}/finish`, { state: "finished" })).json.run as { state: string }).state, "finished");

    // a run its client said crashed takes nothing more: the client's own end stands
    const own = await created({});
    assert.equal(((await post(`/api/runs/${own.id}/finish`, { state: "crashed", error: "segfault" })).json.run as { state: string }).state, "crashed");
    assert.equal((await post(`/api/runs/${own.id}/events`, { seq: 1, metrics: [{ step: 0, time: 1, values: { loss: 1 } }] })).status, 409);
    assert.equal((await getRun(own.id))!.state, "crashed");
  });

  it("a function agent's sweep (sweeplab.sweep, then sweeplab.agent): free names, runs handed out one by one, logged to by the client, the sweep ends", async () => {
    const yaml = "agent: function\nmethod: grid\nmetric: {name: val/loss, goal: minimize}\nparameters:\n  epochs: {value: 2}\n  optimizer:\n    parameters:\n      lr: {values: [0.1, 0.01]}\n";
    const res = await fetch(`${srv.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    const seen: number[] = [];
    for (;;) {
      const next = await post(`/api/sweeps/${id}/next`, {});
      assert.equal(next.status, 200);
      const run = next.json.run as { id: string; kind: string; claimedBy: string } | null;
      if (!run) {
        assert.equal(next.json.sweepState, "finished");
        break;
      }
      assert.equal(run.kind, "program");
      assert.equal(run.claimedBy, `client:${run.id}`);
      const config = next.json.config as { epochs: number; optimizer: { lr: number } };
      assert.equal(config.epochs, 2);
      seen.push(config.optimizer.lr);
      // the client attaches to the run it was given, logs, finishes
      assert.equal((await post("/api/runs", { id: run.id })).status, 200);
      await post(`/api/runs/${run.id}/events`, { seq: 1, metrics: [{ step: 0, time: 0, values: { "val/loss": config.optimizer.lr * 10 } }] });
      assert.equal(((await post(`/api/runs/${run.id}/finish`, { state: "finished" })).json.run as { state: string }).state, "finished");
    }
    assert.deepEqual(seen, [0.1, 0.01]);
    const runs = await sweepRuns(id);
    assert.deepEqual(runs.map((r) => [r.state, r.summary["val/loss"]]), [["finished", 1], ["finished", 0.1]]);
    assert.equal((await getSweep(id))!.state, "finished");

    // a bare config with names the engine lacks is a 400 that offers both readings
    const bare = await fetch(`${srv.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: "method: grid\nparameters:\n  epochs: {value: 2}\n" });
    assert.equal(bare.status, 400);
    const error = ((await bare.json()) as { error: string }).error;
    assert.match(error, /parameters\.epochs: unknown parameter "epochs": not a RunConfig key \(did you mean "steps"\?\)/);
    assert.match(error, /add `program:`.*sweeplab\.sweep/);
    // an engine sweep gives no runs to a function agent
    const engine = await fetch(`${srv.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: "method: grid\nparameters:\n  steps: {value: 2}\n" });
    assert.equal((await post(`/api/sweeps/${((await engine.json()) as { id: string }).id}/next`, {})).status, 409);
  });
});
