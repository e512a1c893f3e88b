import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fakeWorkerCommand } from "../../sweeps/testdata/fake-launcher";
import { disconnectPrisma, getSweep, listSamples, readSeries, sweepRuns } from "../../prisma/store";
import { serverCorpora } from "../../sweeps/agent-corpus";
import { until } from "../../sweeps/testdata/until";

// Remote agents against a real server process on 127.0.0.1 (the route handlers served by
// testdata/route-server.ts, executor started as at server start, no local workers) and a real
// SQLite file: agents claim over HTTP, train in their own worker processes, stream metrics back.

const root = path.resolve(import.meta.dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-agent-"));
const dbUrl = `file:${path.join(dir, "agent.db")}`;
process.env.DATABASE_URL = dbUrl;
const TOKEN = "agent-test-token";
const tsx = (file: string, ...args: string[]) => [process.execPath, ["--import", "tsx", path.join(root, file), ...args]] as const;
let server: ChildProcess;
let base = "";

before(async () => {
  const [cmd, args] = tsx("app/_server/testdata/route-server.ts");
  server = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: dbUrl, SWEEPLAB_AGENT_TOKEN: TOKEN, SWEEPLAB_CONCURRENCY: "0", SWEEPLAB_STALE_AFTER_MS: "3000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
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

function agent(sweepId: string, extraEnv: Record<string, string> = {}, name = "test-agent", token = TOKEN) {
  const [cmd, args] = tsx("sweeps/agent-cli.ts", "--server", base, "--token", token, "--sweep", sweepId, "--concurrency", "2", "--name", name);
  return spawn(cmd, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once("exit", (code) => resolve(code)));


describe("remote agent", () => {
  it("refuses a wrong token with a clear message", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 20 }\n");
    const p = agent(id, {}, "bad", "wrong-token");
    let err = "";
    p.stderr!.on("data", (d) => (err += d));
    assert.equal(await exited(p), 2);
    assert.match(err, /401.*wrong agent token/);
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

  it("trains on a corpus the server registered, fetched by name and checked by its sha256; never a path", async () => {
    const text = "abba abab baba ".repeat(300);
    const up = await fetch(`${base}/api/corpora?name=ab-text`, { method: "POST", body: text });
    assert.equal(up.status, 201);
    const fetchText = serverCorpora({ server: base, token: TOKEN });
    assert.equal(await fetchText("ab-text"), text);
    await assert.rejects(fetchText("nosuch"), /corpus "nosuch": the server answered 404/);
    await assert.rejects(fetchText("/etc/passwd"), /is a file path/);
    await assert.rejects(serverCorpora({ server: base, token: "wrong" })("ab-text"), /401/);
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

  it("a killed agent's runs are crashed by the server, and another agent finishes the sweep", async () => {
    const id = await createSweep("method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 300 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.01, 0.1] }\n");
    const env = { SWEEPLAB_WORKER: fakeWorkerCommand()[1], FAKE_STEP_MS: "10", SWEEPLAB_WORKER_ENV: "FAKE_STEP_MS" };
    const first = agent(id, env, "doomed");
    await until("two runs reporting", async () => (await sweepRuns(id)).filter((r) => r.state === "running" && r.lastStep > 0).length === 2);
    first.kill("SIGKILL");
    const crashed = await until("the server to crash the agent's runs", async () => {
      const runs = (await sweepRuns(id)).filter((r) => r.state === "crashed");
      return runs.length === 2 ? runs : null;
    }, 15_000);
    assert.ok(crashed.every((r) => /no heartbeat/.test(r.error ?? "") && r.lastStep > 0), "crashed for silence, data kept");
    const second = agent(id, env, "rescuer");
    assert.equal(await exited(second), 0);
    const runs = await sweepRuns(id);
    assert.deepEqual(runs.map((r) => r.state).sort(), ["crashed", "crashed", "finished"]);
    assert.equal(runs.find((r) => r.state === "finished")!.claimedBy, "agent:rescuer");
    assert.equal((await getSweep(id))!.state, "finished");
  });
});
