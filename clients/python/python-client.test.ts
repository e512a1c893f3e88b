import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectPrisma, getRun, listLogs, listSweeps, readPoints, requestStop, sweepRuns } from "../../prisma/store";
import { startRouteServer, type RouteServer } from "../../app/_server/testdata/start-route-server";
import { until } from "../../sweeps/testdata/until";

// The Python client (clients/python/sweeplab) against a real server process (the route handlers
// served by app/_server/testdata/route-server.ts) and a real SQLite file: real Python scripts
// log runs over HTTP; what landed is read back through the store. The client's own unit tests
// (batching, NaN encoding, offline files; no server) run first, from here, so `npm test` runs them.

const root = path.resolve(import.meta.dirname, "../..");
const client = path.join(root, "clients", "python");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-pyclient-"));
const dbUrl = `file:${path.join(dir, "pyclient.db")}`;
process.env.DATABASE_URL = dbUrl;
let srv: RouteServer;
let base = "";

before(async () => {
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
  base = srv.base;
});

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder for one script, its offline runs land in ./sweeplab there. */
function workdir(name: string): string {
  const cwd = path.join(dir, name);
  fs.mkdirSync(cwd, { recursive: true });
  return cwd;
}

function pythonEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("SWEEPLAB_")) delete env[key];
  return { ...env, PYTHONPATH: client, SWEEPLAB_URL: base, ...extra };
}

function python(cwd: string, script: string, extra: Record<string, string> = {}) {
  fs.writeFileSync(path.join(cwd, "train.py"), script);
  return spawn("python3", ["train.py"], { cwd, env: pythonEnv(extra), stdio: ["ignore", "pipe", "pipe"] });
}

async function runScript(cwd: string, script: string, extra: Record<string, string> = {}) {
  const p = python(cwd, script, extra);
  let stdout = "", stderr = "";
  p.stdout!.on("data", (d) => (stdout += d));
  p.stderr!.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => p.once("exit", (c) => resolve(c)));
  return { code, stdout, stderr };
}

const runIdOf = (stdout: string) => /^run (\w+)$/m.exec(stdout)?.[1] ?? assert.fail(`no "run <id>" line in ${JSON.stringify(stdout)}`);
const values = async (id: string, name: string) => (await readPoints(id, name)).map((p) => [p.step, p.value]);

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("python client", () => {
  it("passes its own unit tests (batching, NaN encoding, offline files)", () => {
    const done = spawnSync("python3", ["-m", "unittest", "discover", path.join(client, "tests")], { cwd: root, env: pythonEnv({}), encoding: "utf8" });
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stderr, /^OK/m);
  });

  it("lands a run with its config, curves (val/loss, a NaN) and summary", async () => {
    const { code, stdout, stderr } = await runScript(workdir("client"), `
import math, sweeplab
run = sweeplab.init(project="pyclient", name="client-run", config={"lr": 0.01, "model": {"layers": 2}}, group="g1", tags=["py"])
print("run", run.id, flush=True)
for step in range(30):
    if step % 10 == 9:
        run.log({"val/loss": 2.0 / (step + 1)}, commit=False)  # joins this step's row
    run.log({"loss": 1.0 / (step + 1), "lr": 0.01})
run.log({"loss": math.nan})
run.config.update({"batch": 32})
run.config.warmup = 5
run.summary["test_acc"] = 0.93
run.finish()
`);
    assert.equal(code, 0, stderr);
    const id = runIdOf(stdout);
    const run = (await getRun(id))!;
    assert.equal(run.state, "finished");
    assert.equal(run.name, "client-run");
    assert.equal(run.runGroup, "g1");
    assert.deepEqual(run.config, { lr: 0.01, "model.layers": 2, batch: 32, warmup: 5 }, "nested keys flattened by the server");
    assert.equal(run.summary.test_acc, 0.93);
    assert.equal(run.summary.loss, null, "the last loss was NaN");
    const loss = await values(id, "loss");
    assert.deepEqual(loss.slice(0, 3), [[0, 1], [1, 0.5], [2, 1 / 3]]);
    assert.deepEqual(loss.at(-1), [30, null]);
    assert.equal(loss.length, 31);
    assert.deepEqual(await values(id, "val/loss"), [[9, 0.2], [19, 0.1], [29, 2 / 30]], "commit=False: at the step of the row it joins");
  });

  it("sends metric, summary and config names in any script (学习率, val/точность); drops only what the server refuses", async () => {
    const { code, stdout, stderr } = await runScript(workdir("unicode"), `
import sweeplab
run = sweeplab.init(project="pyclient", config={"学习率": 0.1, "größe": {"层数": 2}}, tags=["实验"])
print("run", run.id, flush=True)
for step in range(3):
    run.log({"损失": 1.0 / (step + 1), "val/точность": 0.5 + step / 10, "cafe\u0301": step, "学习\u3000率": 1.0})
run.config.update({"批量": 32})
run.summary["最佳"] = 0.9
run.finish()
`);
    assert.equal(code, 0, stderr);
    const run = (await getRun(runIdOf(stdout)))!;
    assert.deepEqual(run.config, { 学习率: 0.1, "größe.层数": 2, 批量: 32 });
    assert.deepEqual(run.tags, ["实验"]);
    assert.equal(run.summary["最佳"], 0.9);
    assert.deepEqual(await values(run.id, "损失"), [[0, 1], [1, 0.5], [2, 1 / 3]]);
    assert.deepEqual(await values(run.id, "val/точность"), [[0, 0.5], [1, 0.6], [2, 0.7]]);
    assert.deepEqual(await values(run.id, "cafe\u0301"), [[0, 0], [1, 1], [2, 2]]);
    assert.match(stderr, /metric '学习\\u3000率' is not sent/);
    assert.equal(stderr.match(/is not sent/g)?.length, 1, stderr);
  });

  it("sends names with inner spaces (val loss, train acc (%)), as wandb.log takes them; drops a name with two spaces or one at an end", async () => {
    const { code, stdout, stderr } = await runScript(workdir("spaces"), `
import sweeplab
run = sweeplab.init(project="pyclient", config={"learning rate": 0.1, "model": {"hidden size": 64}})
print("run", run.id, flush=True)
for step in range(3):
    run.log({"val loss": 1.0 / (step + 1), "train acc (%)": 50 + step, "val  loss": 1.0, "val loss ": 1.0})
run.summary["best val loss"] = 0.25
run.finish()
`);
    assert.equal(code, 0, stderr);
    const run = (await getRun(runIdOf(stdout)))!;
    assert.deepEqual(run.config, { "learning rate": 0.1, "model.hidden size": 64 });
    assert.equal(run.summary["best val loss"], 0.25);
    assert.deepEqual(await values(run.id, "val loss"), [[0, 1], [1, 0.5], [2, 1 / 3]]);
    assert.deepEqual(await values(run.id, "train acc (%)"), [[0, 50], [1, 51], [2, 52]]);
    assert.equal(stderr.match(/is not sent/g)?.length, 2, stderr);
  });

  it("runs a script written for wandb after `import sweeplab as wandb`", async () => {
    const { code, stdout, stderr } = await runScript(workdir("wandb"), `
import sweeplab as wandb
wandb.login()
wandb.init(project="pyclient", config={"lr": 0.1, "epochs": 3}, entity="ignored", job_type="train")
print("run", wandb.run.id, flush=True)
config = wandb.config
wandb.watch(None, log="all")
wandb.define_metric("epoch")
wandb.define_metric("val/*", step_metric="epoch", summary="min")
step = 0
for epoch in range(config.epochs):
    for _ in range(5):
        wandb.log({"train/loss": config["lr"] * (10 - step)})
        step += 1
    wandb.log({"epoch": epoch, "val/loss": [0.5, 0.3, 0.4][epoch]})
wandb.summary["best_epoch"] = 1
wandb.finish()
assert wandb.run is None
`);
    assert.equal(code, 0, stderr);
    const id = runIdOf(stdout);
    const run = (await getRun(id))!;
    assert.equal(run.state, "finished");
    assert.deepEqual(run.config, { lr: 0.1, epochs: 3 });
    assert.deepEqual(await values(id, "val/loss"), [[0, 0.5], [1, 0.3], [2, 0.4]], "stored at step = epoch");
    assert.equal((await values(id, "train/loss")).length, 15);
    assert.equal(run.summary["val/loss"], 0.3, "define_metric summary=min, under the metric's name");
    assert.equal(run.summary.best_epoch, 1);
  });

  it("attaches to the run SWEEPLAB_RUN_ID names, going on after its batch numbers, steps and clock", async () => {
    const post = (url: string, body: unknown) => fetch(`${base}${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal((await post("/api/runs", { id: "attach01", project: "pyclient", config: { lr: 0.2 } })).status, 201);
    const earlier = [0, 1, 2].map((step) => ({ step, time: step, values: { loss: 5 - step } }));
    assert.equal((await post("/api/runs/attach01/events", { seq: 1, metrics: earlier })).status, 200);
    const { code, stdout, stderr } = await runScript(workdir("attach"), `
import sweeplab
run = sweeplab.init(config={"lr": 0.2})
print("run", run.id, flush=True)
sweeplab.log({"loss": 2})
sweeplab.finish()
`, { SWEEPLAB_RUN_ID: "attach01" });
    assert.equal(code, 0, stderr);
    assert.equal(runIdOf(stdout), "attach01");
    assert.deepEqual(await values("attach01", "loss"), [[0, 5], [1, 4], [2, 3], [3, 2]], "after the run's steps; its first batch not taken for a resend of seq 1");
    assert.ok((await readPoints("attach01", "loss"))[3].wallTime >= 2, "and after its clock");
    assert.equal((await getRun("attach01"))!.state, "finished");
  });

  it("the id of a run that has ended: init raises, saying so; with resume='allow' the run goes on after its last step", async () => {
    const script = (resume: string) => `
import sweeplab
try:
    run = sweeplab.init(id="again01", project="pyclient"${resume})
except sweeplab.Error as e:
    print("refused:", e)
    raise SystemExit(0)
print("run", run.id, flush=True)
for _ in range(3):
    sweeplab.log({"loss": 1})
sweeplab.finish()
`;
    const first = await runScript(workdir("again"), script(""));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual((await values("again01", "loss")).map(([step]) => step), [0, 1, 2]);
    // the same script again: its batches would all be refused (the run has ended), so init says so
    const again = await runScript(workdir("again"), script(""));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /refused: run again01 has ended on the server \(finished\) after step 2: pass resume='allow'/);
    assert.deepEqual((await values("again01", "loss")).map(([step]) => step), [0, 1, 2]);
    const resumed = await runScript(workdir("again"), script(', resume="allow"'));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(runIdOf(resumed.stdout), "again01");
    assert.deepEqual((await values("again01", "loss")).map(([step]) => step), [0, 1, 2, 3, 4, 5], "after its last step, nothing lost");
    const run = (await getRun("again01"))!;
    assert.equal(run.state, "finished");
    assert.equal(run.lastStep, 5);
  });

  it("keeps a quiet run alive with empty batches (heartbeats); a silent one is given up, and runs again when it is heard from", async () => {
    // its own server, which takes a client silent for 3 s as gone
    const strict = await startRouteServer({ DATABASE_URL: `file:${path.join(dir, "heartbeat.db")}`, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0", SWEEPLAB_CLIENT_STALE_AFTER_MS: "3000" });
    try {
      const script = (heartbeat: string) => runScript(workdir(`heartbeat-${heartbeat}`), `
import json, os, time, urllib.request, sweeplab
run = sweeplab.init(project="pyclient")
print("run", run.id, flush=True)
time.sleep(12)  # a long evaluation, nothing logged (the silent one is given up after 3 s, within a maintenance pass)
with urllib.request.urlopen(f"{os.environ['SWEEPLAB_URL']}/api/runs/{run.id}") as r:
    print("state after the pause:", json.load(r)["run"]["state"], flush=True)
sweeplab.log({"loss": 0.5})
sweeplab.finish()
`, { SWEEPLAB_URL: strict.base, SWEEPLAB_HEARTBEAT_SECONDS: heartbeat });
      const stored = async (stdout: string) => ((await (await fetch(`${strict.base}/api/runs/${runIdOf(stdout)}`)).json()) as { run: { state: string; summary: Record<string, unknown> } }).run;
      const [beating, silent] = await Promise.all([script("0.5"), script("1000")]);
      assert.equal(beating.code, 0, beating.stderr);
      assert.match(beating.stdout, /state after the pause: running/);
      assert.equal((await stored(beating.stdout)).state, "finished");
      // without heartbeats the server gives the run up; heard from again, it runs, keeps what it
      // is sent and ends as its client says (as W&B does), rather than refusing it
      assert.equal(silent.code, 0, silent.stderr);
      assert.match(silent.stdout, /state after the pause: crashed/, "without heartbeats the server gives the run up");
      const after = await stored(silent.stdout);
      assert.equal(after.state, "finished");
      assert.equal(after.summary.loss, 0.5);
    } finally {
      strict.server.kill("SIGKILL");
    }
  });

  it("raises sweeplab.Error with the server's message naming the field when init is refused", async () => {
    const { code, stdout, stderr } = await runScript(workdir("refused"), `
import sweeplab
try:
    sweeplab.init(project="no spaces allowed!")
except sweeplab.Error as e:
    print("refused:", e)
`);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /refused: 400 .*project/);
  });

  it("offline: server down at init → an offline folder; sync uploads it, and syncing again changes nothing", async () => {
    const cwd = workdir("offline");
    const down = `http://127.0.0.1:${await closedPort()}`;
    const { code, stdout, stderr } = await runScript(cwd, `
import sweeplab
run = sweeplab.init(project="pyclient", name="offline-run", config={"lr": 0.5})
print("run", run.id, flush=True)
for step in range(20):
    sweeplab.log({"loss": 20 - step})
sweeplab.summary["note"] = 7
`, { SWEEPLAB_URL: down });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /server unreachable/);
    const id = runIdOf(stdout);
    assert.match(id, /^[0-9a-z]{8}$/);
    const [folder] = fs.readdirSync(path.join(cwd, "sweeplab"));
    assert.match(folder, new RegExp(`^offline-run-\\d{8}_\\d{6}-${id}$`));
    assert.equal(await getRun(id), null, "nothing reached the server");

    const sync = () => spawnSync("python3", ["-m", "sweeplab", "sync", "sweeplab"], { cwd, env: pythonEnv({}), encoding: "utf8" });
    const first = sync();
    assert.equal(first.status, 0, first.stderr);
    const run = (await getRun(id))!;
    assert.equal(run.state, "finished");
    assert.equal(run.name, "offline-run");
    assert.deepEqual(run.config, { lr: 0.5 });
    assert.equal(run.summary.note, 7);
    const loss = await values(id, "loss");
    assert.deepEqual(loss, Array.from({ length: 20 }, (_, step) => [step, 20 - step]));

    const second = sync();
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(await values(id, "loss"), loss);
    assert.deepEqual(await getRun(id), run, "the second sync changed nothing");
  });

  it("offline: a run synced later keeps its own start and end (startedAt, finishedAt, runtime), not the upload's", async () => {
    const cwd = workdir("offline-times");
    const scriptStarted = Date.now();
    const { code, stdout, stderr } = await runScript(cwd, `
import time, sweeplab
run = sweeplab.init(project="pyclient-times", name="trained-earlier", mode="offline")
print("run", run.id, flush=True)
sweeplab.log({"loss": 2})
time.sleep(1.5)
sweeplab.log({"loss": 1})
sweeplab.finish()
`);
    assert.equal(code, 0, stderr);
    const scriptEnded = Date.now();
    const id = runIdOf(stdout);
    await new Promise((r) => setTimeout(r, 2000)); // the upload comes later
    const syncStarted = Date.now();
    const sync = spawnSync("python3", ["-m", "sweeplab", "sync", "sweeplab"], { cwd, env: pythonEnv({}), encoding: "utf8" });
    assert.equal(sync.status, 0, sync.stderr);
    const run = (await getRun(id))!;
    assert.equal(run.state, "finished");
    const [created, started, finished] = [run.createdAt, run.startedAt!, run.finishedAt!].map(Date.parse);
    assert.ok(scriptStarted <= started && finished <= scriptEnded, `${run.startedAt} → ${run.finishedAt} lies within the script's run, before the sync at ${new Date(syncStarted).toISOString()}`);
    assert.equal(created, started, "created when it started");
    assert.ok(run.runtime! >= 1.5 && run.runtime! < 1.5 + 1, `runtime ${run.runtime} s: the script's 1.5 s and its start-up, not the upload's`);
  });

  it("sync: a run.jsonl from an hour ago lands an hour ago (in creation order too); a killed one ends at its last point; one written before the times were recorded syncs as before", async () => {
    const cwd = workdir("offline-hour-ago");
    const hourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
    const at = (s: number) => new Date(hourAgo.getTime() + s * 1000).toISOString().replace("Z", "+00:00");
    const write = (id: string, lines: unknown[]) => {
      const folder = path.join(cwd, "sweeplab", `offline-run-20261205_000000-${id}`);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "run.jsonl"), lines.map((l) => JSON.stringify(l) + "\n").join(""));
    };
    const points = { seq: 1, metrics: [0, 1, 2].map((step) => ({ step, time: 40 * step + 5, values: { loss: 3 - step } })) };
    write("hourago1", [
      { type: "init", id: "hourago1", body: { id: "hourago1", project: "pyclient-hour", name: "hour-ago", startedAt: at(0) } },
      { type: "batch", body: points },
      { type: "finish", body: { state: "finished", finishedAt: at(120) } },
    ]);
    write("hourago2", [{ type: "init", id: "hourago2", body: { id: "hourago2", project: "pyclient-hour", startedAt: at(10) } }, { type: "batch", body: points }]);
    write("oldfile1", [{ type: "init", id: "oldfile1", body: { id: "oldfile1", project: "pyclient-hour" } }, { type: "batch", body: points }, { type: "finish", body: { state: "finished" } }]);
    const newer = await runScript(cwd, `import sweeplab\nrun = sweeplab.init(project="pyclient-hour", name="online-now")\nprint("run", run.id)\nsweeplab.finish()\n`);
    assert.equal(newer.code, 0, newer.stderr);

    const syncStarted = Date.now();
    const sync = spawnSync("python3", ["-m", "sweeplab", "sync", "sweeplab"], { cwd, env: pythonEnv({}), encoding: "utf8" });
    assert.equal(sync.status, 0, sync.stderr);
    const times = (r: Awaited<ReturnType<typeof getRun>>) => ({ state: r!.state, createdAt: r!.createdAt, startedAt: r!.startedAt, finishedAt: r!.finishedAt, runtime: r!.runtime });
    const iso = (s: number) => new Date(hourAgo.getTime() + s * 1000).toISOString();
    assert.deepEqual(times(await getRun("hourago1")), { state: "finished", createdAt: iso(0), startedAt: iso(0), finishedAt: iso(120), runtime: 120 });
    // killed: no finish record; it ran at least until its last point (85 s)
    assert.deepEqual(times(await getRun("hourago2")), { state: "crashed", createdAt: iso(10), startedAt: iso(10), finishedAt: iso(95), runtime: 85 });
    const old = (await getRun("oldfile1"))!;
    assert.equal(old.state, "finished");
    assert.ok(Date.parse(old.startedAt!) >= syncStarted - 1000, "an old file without times: started at its upload, as before");
    assert.deepEqual(await values("hourago1", "loss"), [[0, 3], [1, 2], [2, 1]]);
    // newest first by creation: the run started now, the file without times (uploaded now), then the hour-old ones
    const listed = (await (await fetch(`${base}/api/runs?project=pyclient-hour`)).json()) as { runs: { id: string; name: string }[] };
    assert.deepEqual(listed.runs.map((r) => r.id), ["oldfile1", runIdOf(newer.stdout), "hourago2", "hourago1"]);
  });

  it("server gone mid-run: batches are kept, spilled to an offline file at finish, and sync goes on with their seqs", async () => {
    const other = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
    const cwd = workdir("spill");
    const p = spawn("python3", ["-c", `
import sys, sweeplab
run = sweeplab.init(project="pyclient", name="spilled", config={"lr": 0.3})
print("run", run.id, flush=True)
for step in range(10):
    sweeplab.log({"loss": 100 - step})
sys.stdin.readline()  # the test takes the server away
for step in range(10, 25):
    sweeplab.log({"loss": 100 - step})
sweeplab.summary["final"] = 1
sweeplab.finish()
`], { cwd, env: pythonEnv({ SWEEPLAB_URL: other.base, SWEEPLAB_FINISH_TIMEOUT: "1" }), stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (err += d));
    const id = await until("the run id", async () => /^run (\w+)$/m.exec(out)?.[1]);
    await until("the first 10 points", async () => (await readPoints(id, "loss")).length === 10);
    other.server.kill("SIGKILL");
    await new Promise((r) => other.server.once("exit", r));
    p.stdin!.end("go\n");
    assert.equal(await new Promise((r) => p.once("exit", r)), 0, err);
    assert.match(err, /python -m sweeplab sync sweeplab\/offline-run-\d{8}_\d{6}-/);
    assert.equal((await getRun(id))!.state, "running", "the server never heard the end");

    const sync = spawnSync("python3", ["-m", "sweeplab", "sync", "sweeplab"], { cwd, env: pythonEnv({}), encoding: "utf8" });
    assert.equal(sync.status, 0, sync.stderr);
    const run = (await getRun(id))!;
    assert.equal(run.state, "finished");
    assert.equal(run.summary.final, 1);
    assert.deepEqual(await values(id, "loss"), Array.from({ length: 25 }, (_, step) => [step, 100 - step]));
  });

  it("a killed script leaves its run running (the server marks it crashed later); a raised exception ends it failed", async () => {
    const killed = python(workdir("killed"), `
import time, sweeplab
run = sweeplab.init(project="pyclient")
print("run", run.id, flush=True)
step = 0
while True:
    sweeplab.log({"loss": 1.0})
    time.sleep(0.01)
`);
    let out = "";
    killed.stdout!.on("data", (d) => (out += d));
    const id = await until("the killed script's run id", async () => /^run (\w+)$/m.exec(out)?.[1]);
    await until("points of the killed script", async () => (await readPoints(id, "loss")).length > 0);
    killed.kill("SIGKILL");
    await new Promise((r) => killed.once("exit", r));
    assert.equal((await getRun(id))!.state, "running");

    const { code, stdout } = await runScript(workdir("raised"), `
import sweeplab
run = sweeplab.init(project="pyclient")
print("run", run.id, flush=True)
sweeplab.log({"loss": 1.0})
raise RuntimeError("diverged at step 1")
`);
    assert.equal(code, 1);
    const failed = (await getRun(runIdOf(stdout)))!;
    assert.equal(failed.state, "failed");
    assert.match(failed.error ?? "", /RuntimeError: diverged at step 1/);
    assert.deepEqual(await values(failed.id, "loss"), [[0, 1]]);
  });

  it("tells the script when the server asks its run to stop (run.should_stop)", async () => {
    const p = python(workdir("stop"), `
import time, sweeplab
run = sweeplab.init(project="pyclient")
print("run", run.id, flush=True)
while not run.should_stop:
    sweeplab.log({"loss": 1.0})
    time.sleep(0.01)
sweeplab.finish()
`);
    let out = "", err = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (err += d));
    const id = await until("the stopped script's run id", async () => /^run (\w+)$/m.exec(out)?.[1]);
    await requestStop(id);
    assert.equal(await new Promise((r) => p.once("exit", r)), 0, err);
    assert.match(err, /asks run \w+ to stop/);
    assert.equal((await getRun(id))!.state, "stopped", "finished after a stop request: stopped");
  });

  it("wandb's function agent: sweeplab.sweep(config) and sweeplab.agent(id, function=train, count=N) run train() per run with its values in sweeplab.config", async () => {
    const { code, stdout, stderr } = await runScript(workdir("agent"), `
import sweeplab as wandb
config = {"method": "grid", "metric": {"name": "val/loss", "goal": "minimize"}, "project": "fn-agent",
          "parameters": {"epochs": {"value": 2}, "optimizer": {"parameters": {"lr": {"values": [0.1, 0.01, 0.001]}}}}}
sweep_id = wandb.sweep(config)
print("sweep", sweep_id)
def train():
    run = wandb.init(config={"epochs": 99, "batch": 32})
    lr = wandb.config.optimizer["lr"]
    if lr == 0.01:
        raise ValueError("lr too small for this test")
    for e in range(wandb.config.epochs):
        wandb.log({"val/loss": lr * (e + 1), "batch": wandb.config.batch})
wandb.agent(sweep_id, function=train, count=5)
print("done")
`);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /done/);
    assert.match(stderr, /ValueError: lr too small for this test/);
    const sweepId = /^sweep (\w+)$/m.exec(stdout)![1];
    const runs = (await (await fetch(`${base}/api/runs?sweep=${sweepId}&limit=10`)).json()) as { runs: { id: string; state: string; project: string; config: Record<string, unknown>; error: string | null }[] };
    const byLr = new Map(runs.runs.map((r) => [r.config["optimizer.lr"], r]));
    assert.equal(runs.runs.length, 3);
    for (const lr of [0.1, 0.001]) {
      const r = byLr.get(lr)!;
      assert.equal(r.state, "finished");
      assert.equal(r.project, "fn-agent");
      // the sweep's values won over the script's defaults; a default the sweep lacks joined the config
      assert.deepEqual([r.config.epochs, r.config.batch], [2, 32]);
      assert.deepEqual(await values(r.id, "val/loss"), [[0, lr], [1, lr * 2]]);
    }
    assert.equal(byLr.get(0.01)!.state, "failed");
    assert.match(byLr.get(0.01)!.error ?? "", /ValueError: lr too small/);
    const sweep = (await (await fetch(`${base}/api/sweeps/${sweepId}`)).json()) as { sweep: { state: string } };
    assert.equal(sweep.sweep.state, "finished");
  });

  it("logs the script's console as wandb does: stdout and stderr lines in the order written, a progress bar's last update, the traceback; the terminal sees the same", async () => {
    const script = `
import sys, time, sweeplab
run = sweeplab.init(project="pyclient-console")
print("run", run.id)
for epoch in range(2):
    print(f"epoch {epoch}: training")
    print(f"epoch {epoch}: a warning", file=sys.stderr)
    sweeplab.log({"loss": 1.0 / (epoch + 1)})
for i in range(0, 101, 25):  # tqdm's way: one line rewritten with \\r
    sys.stderr.write(f"\\r{i:3d}%|\\x1b[32m{'#' * (i // 25)}\\x1b[0m| {i}/100")
    sys.stderr.flush()
    time.sleep(0.01)
sys.stderr.write("\\n")
print("long " + "x" * 20000)
raise RuntimeError("diverged")
`;
    const { code, stdout, stderr } = await runScript(workdir("console"), script);
    assert.equal(code, 1, stderr);
    const run = (await getRun(runIdOf(stdout)))!;
    assert.equal(run.state, "failed");
    const logs = (await listLogs(run.id)).map((l) => [l.level, l.message.length > 100 ? `${l.message.length} characters:${l.message.slice(-24)}` : l.message]);
    assert.deepEqual(logs.slice(0, 7), [
      ["info", `run ${run.id}`],
      ["info", "epoch 0: training"],
      ["stderr", "epoch 0: a warning"],
      ["info", "epoch 1: training"],
      ["stderr", "epoch 1: a warning"],
      ["stderr", "100%|####| 100/100"],
      ["info", "16024 characters: … (4005 characters cut)"], // a line is cut at 16,000
    ]);
    assert.deepEqual(logs[7], ["stderr", "Traceback (most recent call last):"]);
    assert.deepEqual(logs.at(-1), ["stderr", "RuntimeError: diverged"]);
    assert.equal(logs.length, 11, JSON.stringify(logs));
    // what the terminal gets is what it got before: the same script with the console not logged
    const off = await runScript(workdir("console-off"), script, { SWEEPLAB_CONSOLE: "off" });
    const offId = runIdOf(off.stdout);
    assert.deepEqual((await listLogs(offId)).map((l) => l.message), [], "console off: nothing logged");
    assert.equal(stdout, off.stdout.replace(offId, run.id));
    assert.equal(stderr, off.stderr.replace("console-off", "console"));
    assert.match(stderr, /^epoch 0: a warning\nepoch 1: a warning\n\r {2}0%\|\x1b\[32m\x1b\[0m\| 0\/100\r 25%/);
  });

  it("a script a sweep's runner starts logs its console once: the runner reads it, the client does not (SWEEPLAB_CONSOLE=off in its environment)", async () => {
    const work = workdir("swept");
    fs.writeFileSync(path.join(work, "train.py"), [
      "import sys, sweeplab",
      "run = sweeplab.init()",
      "print('hello from', run.id)",
      "print('a warning', file=sys.stderr)",
      "sweeplab.log({'loss': 0.5})",
      "sweeplab.finish()",
    ].join("\n"));
    fs.writeFileSync(path.join(work, "sweep.yaml"), "program: train.py\nproject: pyclient-swept\nmethod: grid\nparameters:\n  x: {value: 1}\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), path.join(work, "sweep.yaml")], { env: { ...pythonEnv({}), DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir }, encoding: "utf8", cwd: root, timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const [s] = (await listSweeps()).filter((x) => x.config.program === "train.py" && x.config.project === "pyclient-swept");
    const [run] = await sweepRuns(s.id);
    assert.equal(run.state, "finished", run.error ?? "");
    assert.deepEqual(await values(run.id, "loss"), [[0, 0.5]], "the client logged to the run the runner started");
    const logs = (await listLogs(run.id)).map((l) => [l.level, l.message]);
    assert.deepEqual(logs.filter(([, m]) => !m.startsWith("$ ")), [["info", `hello from ${run.id}`], ["stderr", "a warning"]], JSON.stringify(logs));
  });
});
