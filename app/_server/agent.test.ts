import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { disconnectPrisma, getSweep, listDiagnostics, listLogs, listSamples, metricCounts, readPoints, readSeries, storedCheckpointSteps, sweepRuns } from "../../prisma/store";
import { assertWholeCurves, loggedSteps } from "../../sweeps/testdata/curves";
import { serverCorpora } from "../../sweeps/agent-corpus";
import { until } from "../../sweeps/testdata/until";
import { startRouteServer } from "./testdata/start-route-server";

// Remote agents against a real server process on 127.0.0.1 (the route handlers served by
// testdata/route-server.ts, executor started as at server start, no local workers) and a real
// SQLite file: agents claim over HTTP, train in their own worker processes, stream metrics back.

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-agent-"));
const dbUrl = `file:${path.join(dir, "agent.db")}`;
process.env.DATABASE_URL = dbUrl;
const TOKEN = "agent-test-token";
process.env.SWEEPLAB_AGENT_HOME = path.join(dir, "agent-home"); // saved agent credentials
const tsx = (file: string, ...args: string[]) => [process.execPath, ["--import", "tsx", path.join(root, file), ...args]] as const;
let server: ChildProcess;
let base = "";

before(async () => {
  ({ server, base } = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_AGENT_TOKEN: TOKEN, SWEEPLAB_CONCURRENCY: "0", SWEEPLAB_STALE_AFTER_MS: "3000" }));
});

after(async () => {
  server?.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function createSweep(yaml: string): Promise<string> {
  const res = await fetch(`${base}/api/sweeps`, { method: "POST", body: yaml, headers: { "content-type": "application/yaml" } });
  assert.equal(res.status, 201);
  return ((await res.json()) as { id: string }).id;
}

function agent(sweepId: string, extraEnv: Record<string, string> = {}, name = "test-agent", token = TOKEN, servers = base, extraArgs: string[] = []) {
  const [cmd, args] = tsx("sweeps/agent-cli.ts", "--server", servers, "--token", token, "--sweep", sweepId, "--concurrency", "2", "--name", name, ...extraArgs);
  return spawn(cmd, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once("exit", (code) => resolve(code)));


describe("remote agent", () => {
  const post = (action: string, bearer: string, body: unknown) =>
    fetch(`${base}/api/agent/${action}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` } });

  it("refuses a wrong token with a clear message", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 20 }\n");
    const p = agent(id, {}, "bad", "wrong-token");
    let err = "";
    p.stderr!.on("data", (d) => (err += d));
    assert.equal(await exited(p), 2);
    assert.match(err, /401.*wrong agent token/);
  });

  it("with --count N runs N runs of the sweep and exits once they have ended, leaving the rest to others (wandb agent --count)", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 20 }\n  learning_rate: { values: [0.001, 0.003, 0.01, 0.03, 0.1] }\n");
    const p = agent(id, {}, "counter", TOKEN, base, ["--count", "3"]);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    assert.equal(await exited(p), 0);
    assert.match(out, /ran 3 runs \(--count\); agent exits/);
    const runs = (await sweepRuns(id)).filter((r) => r.claimedBy === "agent:counter");
    assert.deepEqual(runs.map((r) => r.state), ["finished", "finished", "finished"]);
    assert.equal((await getSweep(id))!.state, "running", "the sweep goes on: 2 of its 5 runs are left");
    const bad = agent(id, {}, "counter", TOKEN, base, ["--count", "0"]);
    let err = "";
    bad.stderr!.on("data", (d) => (err += d));
    assert.equal(await exited(bad), 2);
    assert.match(err, /--count must be a whole number ≥ 1, got 0/);
    await fetch(`${base}/api/sweeps/${id}/cancel`, { method: "POST" });
  });

  it("saves its credential under --name: restarted, it is the same agent and needs no token", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 20 }\n");
    assert.equal(await exited(agent(id, {}, "keeper")), 0);
    const file = path.join(dir, "agent-home", "agents", new URL(base).host.replace(":", "_"), "keeper.json");
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, "readable by its owner only");
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { credential: string };
    assert.match(saved.credential, /^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    const id2 = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 20 }\n");
    assert.equal(await exited(agent(id2, {}, "keeper", "not-the-token")), 0, "no registration needed");
    assert.equal((await sweepRuns(id2))[0].claimedBy, "agent:keeper");
  });

  it("gives each agent its own identity: one agent's credential cannot act as another, nor the registration token as any", async () => {
    const register = async (name: string) => {
      const res = await post("register", TOKEN, { name });
      assert.equal(res.status, 201);
      return ((await res.json()) as { credential: string }).credential;
    };
    const alice = await register("alice"), mallory = await register("mallory");
    const taken = await post("register", TOKEN, { name: "alice" });
    assert.equal(taken.status, 409, "a second agent cannot take a registered name");
    assert.match(((await taken.json()) as { error: string }).error, /registered already/);

    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 100000 }\n  learning_rate: { values: [0.01, 0.1] }\n");
    const claimed = (await (await post("claim", alice, { sweep: id })).json()) as { run: { id: string } };
    const runId = claimed.run.id;
    assert.equal((await sweepRuns(id)).find((r) => r.id === runId)!.claimedBy, "agent:alice");

    // mallory, with her own valid credential, acting on alice's run
    const batch = { runId, seq: 1, metrics: [{ step: 1, time: 0, values: { val_loss: 123 } }] };
    const report = await post("report", mallory, { events: [batch], alive: [runId] });
    assert.equal(report.status, 200);
    assert.deepEqual(((await report.json()) as { stop: Record<string, string> }).stop, { [runId]: "stopped" }, "told to stop what is not hers");
    for (const [action, body] of [
      ["started", { runId, pid: 1 }],
      ["finish", { runId, outcome: { state: "finished" } }],
      ["release", { runId, reason: "stolen" }],
    ] as const) {
      const res = await post(action, mallory, body);
      assert.equal(res.status, 409, `${action} of another agent's run`);
      assert.match(((await res.json()) as { error: string }).error, /not running for agent mallory/);
    }
    const theirs = (await sweepRuns(id)).find((r) => r.id === runId)!;
    assert.equal(theirs.state, "running");
    assert.equal(theirs.claimedBy, "agent:alice");
    assert.deepEqual(await readPoints(runId, "val_loss"), [], "nothing reported in alice's name");
    // naming alice in the body changes nothing: requests name no agent
    assert.equal((await post("finish", mallory, { agent: "alice", runId, outcome: { state: "finished" } })).status, 400);
    // alice's id with another secret, the registration token, no credential: not an agent
    for (const bearer of [`${alice.split(".")[0]}.${mallory.split(".")[1]}`, TOKEN, "", "garbage"]) {
      const res = await post("claim", bearer, { sweep: id });
      assert.equal(res.status, 401, `claim with "${bearer.slice(0, 12)}…"`);
    }
    assert.match(((await (await post("claim", TOKEN, {})).json()) as { error: string }).error, /registration token: register the agent first/);
    // alice herself still can
    assert.equal((await post("report", alice, { events: [batch], alive: [runId] })).status, 200);
    assert.equal((await readPoints(runId, "val_loss")).length, 1);
    assert.equal((await post("finish", alice, { runId, outcome: { state: "stopped" } })).status, 200);
    await fetch(`${base}/api/sweeps/${id}/cancel`, { method: "POST" });
  });

  it("a resent report is a no-op over HTTP, and a report over the point limit is refused with 413", async () => {
    const res = await post("register", TOKEN, { name: "resender" });
    const { credential } = (await res.json()) as { credential: string };
    const id = await createSweep("method: grid\nparameters:\n  task: { value: charlm }\n  steps: { value: 100000 }\n");
    const { run } = (await (await post("claim", credential, { sweep: id })).json()) as { run: { id: string } };
    const report = {
      events: [
        {
          runId: run.id,
          seq: 1,
          metrics: Array.from({ length: 100 }, (_, i) => ({ step: i + 1, time: i, values: { train_loss: 1 / (i + 1) } })),
          samples: [{ step: 50, temperature: 1, text: "hello" }],
          logs: [{ level: "info", message: "a line" }],
          diagnostics: [{ step: 50, kind: "grad_flow", data: { norms: [1, 2] } }],
        },
      ],
      alive: [run.id],
    };
    for (let i = 0; i < 3; i++) assert.equal((await post("report", credential, report)).status, 200);
    assert.equal((await readPoints(run.id, "train_loss")).length, 100);
    assert.deepEqual(await metricCounts(run.id), { train_loss: { points: 100, rollup: 100 } }, "bucket counts not doubled");
    assert.equal((await listSamples(run.id)).length, 1);
    assert.equal((await listLogs(run.id)).length, 1);
    assert.equal((await listDiagnostics(run.id)).length, 1);
    const big = { events: [{ runId: run.id, seq: 2, metrics: Array.from({ length: 5001 }, (_, i) => ({ step: 101 + i, time: 0, values: { a: 1, b: 2 } })) }], alive: [] };
    const refused = await post("report", credential, big);
    assert.equal(refused.status, 413);
    assert.match(((await refused.json()) as { error: string }).error, /at most 10000 per report/);
    await fetch(`${base}/api/sweeps/${id}/cancel`, { method: "POST" });
  });

  it("SIGTERM: the agent hands its runs back at once, to resume elsewhere", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 100000 }\n  learning_rate: { values: [0.001, 0.01, 0.1] }\n");
    const p = agent(id, { SWEEPLAB_WORKER: fakeWorkerCommand()[1], FAKE_STEP_MS: "10" }, "leaver");
    await until("two runs reporting", async () => (await sweepRuns(id)).filter((r) => r.state === "running" && r.lastStep > 0).length === 2);
    const t0 = Date.now();
    p.kill("SIGTERM");
    assert.equal(await exited(p), 143);
    assert.ok(Date.now() - t0 < 8000, `exited after ${Date.now() - t0} ms`);
    const back = (await sweepRuns(id)).filter((r) => r.interruptions === 1);
    assert.equal(back.length, 2);
    for (const r of back) {
      assert.equal(r.state, "queued");
      // its workers' last checkpoints, uploaded to the server before the agent exits: another host resumes there
      const message = (await listLogs(r.id)).at(-1)!.message;
      const at = Number(/^interrupted at step \d+: agent leaver: the agent stopped \(SIGTERM\); it resumes from its checkpoint at step (\d+)/.exec(message)?.[1]);
      assert.ok(at > 0, message);
      assert.deepEqual(await storedCheckpointSteps(r.id), [at], "the checkpoint it resumes from is kept on the server");
    }
    await fetch(`${base}/api/sweeps/${id}/cancel`, { method: "POST" });
  });

  it("runs a whole sweep with the real worker, streaming metrics to the server", async () => {
    const id = await createSweep(fs.readFileSync(path.join(root, "sweeps/testdata/quadrant-grid.yaml"), "utf8"));
    const p = agent(id);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    assert.equal(await exited(p), 0, out);
    assert.equal((await getSweep(id))!.state, "finished");
    const runs = await sweepRuns(id);
    assert.equal(runs.length, 4);
    for (const run of runs) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      assert.equal(run.claimedBy, "agent:test-agent");
      assert.deepEqual((await readSeries(run.id, "val_loss")).map((p) => p.step), [10, 20, 30, 40, 50, 60]);
    }
  });

  it("a sweep trained by an agent on a server without local workers shows its time left, counting the agent's runs at a time", async () => {
    // 4 runs of ~3 s on the agent's two workers; the server has none (SWEEPLAB_CONCURRENCY=0)
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  hidden_size: { value: 16 }\n  steps: { value: 40000 }\n  eval_every: { value: 10000 }\n  learning_rate: { values: [0.001, 0.003, 0.01, 0.03] }\n");
    const p = agent(id, {}, "timed");
    await until("two runs past their first steps", async () => (await sweepRuns(id)).filter((r) => r.state === "running" && r.lastStep >= 2000).length === 2, 60_000);
    const body = (await (await fetch(`${base}/api/sweeps/${id}/progress`)).json()) as { timeLeft: { ms: number; upperBound: boolean; slots: { here: number; elsewhere: number } } | null };
    const asked = Date.now();
    assert.ok(body.timeLeft, "a time left, though this server trains nothing itself");
    assert.deepEqual(body.timeLeft.slots, { here: 0, elsewhere: 2 });
    assert.equal(body.timeLeft.upperBound, false);
    assert.equal(await exited(p), 0);
    const took = Date.now() - asked;
    const ratio = body.timeLeft.ms / took;
    console.log(`time left: predicted ${body.timeLeft.ms} ms, took ${took} ms`);
    assert.ok(ratio > 1 / 3 && ratio < 3, `predicted ${body.timeLeft.ms} ms, took ${took} ms`);
    assert.equal((await (await fetch(`${base}/api/sweeps/${id}/progress`)).json()).timeLeft, null, "none once the sweep has ended");
  });

  it("given two servers of which the first is down (--server A,B), registers with and runs a whole sweep through the second", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const id = await createSweep(fs.readFileSync(path.join(root, "sweeps/testdata/quadrant-grid.yaml"), "utf8"));
    const p = agent(id, {}, "two-servers", TOKEN, `${dead},${base}`);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    assert.equal(await exited(p), 0, out);
    assert.match(out, new RegExp(`server ${dead}, ${base}`));
    const runs = await sweepRuns(id);
    assert.deepEqual(runs.map((r) => [r.state, r.claimedBy]), runs.map(() => ["finished", "agent:two-servers"]));
    for (const run of runs) assert.deepEqual((await readSeries(run.id, "val_loss")).map((p) => p.step), [10, 20, 30, 40, 50, 60]);
  });

  it("trains on a corpus the server registered, fetched by name and checked by its sha256; never a path", async () => {
    const text = "abba abab baba ".repeat(300);
    const up = await fetch(`${base}/api/corpora?name=ab-text`, { method: "POST", body: text });
    assert.equal(up.status, 201);
    const registered = await post("register", TOKEN, { name: "corpus-reader" });
    const { credential } = (await registered.json()) as { credential: string };
    const fetchText = serverCorpora({ server: base, credential });
    assert.equal(await fetchText("ab-text"), text);
    await assert.rejects(fetchText("nosuch"), /corpus "nosuch": the server answered 404/);
    await assert.rejects(fetchText("/etc/passwd"), /is a file path/);
    await assert.rejects(serverCorpora({ server: base, credential: TOKEN })("ab-text"), /401/, "the registration token alone reads no corpus");
    const id = await createSweep("method: grid\nparameters:\n  task: { value: charlm }\n  corpus: { value: ab-text }\n  steps: { value: 30 }\n  hidden_size: { value: 8 }\n  seq_length: { value: 8 }\n  batch_size: { value: 2 }\n  eval_every: { value: 10 }\n  sample_every: { value: 10 }\n  sample_length: { value: 40 }\n");
    const p = agent(id);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    assert.equal(await exited(p), 0, out);
    const [run] = await sweepRuns(id);
    assert.equal(run.state, "finished", `${run.error}\n${out}`);
    const samples = await listSamples(run.id);
    assert.ok(samples.length > 0);
    for (const s of samples) assert.match(s.text, /^[ab ]*$/);
  });

  it("a killed agent's runs go back to the queue, and another agent runs them again: every grid point finished, every curve whole", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 300 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.01, 0.1] }\n");
    const env = { SWEEPLAB_WORKER: fakeWorkerCommand()[1], FAKE_STEP_MS: "10", SWEEPLAB_WORKER_ENV: "FAKE_STEP_MS" };
    const first = agent(id, env, "doomed");
    await until("two runs reporting", async () => (await sweepRuns(id)).filter((r) => r.state === "running" && r.lastStep > 0).length === 2);
    first.kill("SIGKILL");
    const requeued = await until("the server to requeue the agent's runs", async () => {
      const runs = (await sweepRuns(id)).filter((r) => r.interruptions === 1 && r.state === "queued");
      return runs.length === 2 ? runs : null;
    }, 15_000);
    for (const r of requeued) {
      const logs = (await listLogs(r.id)).map((l) => l.message);
      assert.ok(logs.some((m) => /^interrupted at step \d+: no heartbeat for 3 s \(its worker host is gone\); it resumes from the start \(no checkpoint yet\)$/.test(m)), logs.join("\n"));
    }
    const second = agent(id, env, "rescuer");
    assert.equal(await exited(second), 0);
    const runs = await sweepRuns(id);
    assert.deepEqual(runs.map((r) => r.state), ["finished", "finished", "finished"]);
    assert.ok(runs.every((r) => r.claimedBy === "agent:rescuer"));
    for (const run of runs) await assertWholeCurves(run.id, { val_loss: loggedSteps(300, 20), train_loss: loggedSteps(300, 10) }, run.name);
    assert.equal((await getSweep(id))!.state, "finished");
  });

  it("a killed agent's run resumes on another machine from the checkpoint the agent kept on the server", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 3000 }\n  eval_every: { value: 100 }\n  learning_rate: { values: [0.01] }\n");
    const env = (machine: string) => ({ SWEEPLAB_WORKER: fakeWorkerCommand()[1], FAKE_STEP_MS: "5", SWEEPLAB_WORKER_ENV: "FAKE_STEP_MS,FAKE_WORKER_LOG", SWEEPLAB_CHECKPOINT_EVERY_MS: "200", SWEEPLAB_DATA_DIR: path.join(dir, machine), FAKE_WORKER_LOG: path.join(dir, `${machine}.log`) });
    const first = agent(id, env("machine-a"), "kept-a");
    // an uploaded checkpoint the run's stored step reaches: what another machine can resume from
    const kept = await until("a checkpoint kept on the server", async () => {
      const [run] = await sweepRuns(id);
      const steps = run ? await storedCheckpointSteps(run.id) : [];
      return run?.state === "running" && run.checkpointStep !== null && steps.length > 0 && steps[0] > 0 && steps[0] <= run.checkpointStep && run.lastStep < 2000 ? { run, step: steps[0] } : null;
    }, 30_000);
    first.kill("SIGKILL");
    await until("the server to requeue it", async () => (await sweepRuns(id)).some((r) => r.state === "queued" && r.interruptions === 1));
    const second = agent(id, env("machine-b"), "kept-b"); // its own data folder: no file of the run there
    assert.equal(await exited(second), 0);
    const [run] = await sweepRuns(id);
    assert.deepEqual([run.state, run.claimedBy, run.interruptions], ["finished", "agent:kept-b", 1]);
    const resumedAt = Number(fs.readFileSync(path.join(dir, "machine-b.log"), "utf8").trim().split(" ")[2]);
    assert.ok(resumedAt >= kept.step && resumedAt > 0, `machine B resumed at step ${resumedAt}, from a checkpoint machine A kept (step ${kept.step}), not from the start`);
    const logs = (await listLogs(run.id)).map((l) => l.message);
    assert.ok(logs.some((m) => m === `resumed from the checkpoint at step ${resumedAt}`), logs.join("\n"));
    await assertWholeCurves(run.id, { val_loss: loggedSteps(3000, 100) }, run.name);
    // the run page's download and the store hold the checkpoint machine B ended with
    const res = await fetch(`${base}/api/runs/${run.id}/checkpoint`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { step: number }).step, 3000);
  });
});
