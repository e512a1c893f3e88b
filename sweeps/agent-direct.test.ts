import { testDatabaseUrl } from "../prisma/testdata/test-database";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { disconnectPrisma, getSweep, listLogs, storedCheckpointSteps, sweepRuns } from "../prisma/store";
import { launchSweep } from "../prisma/store/sweep-control";
import { parseSweepConfigText } from "./config";
import { fakeWorkerCommand } from "./testdata/fake-launcher";
import { assertWholeCurves, loggedSteps } from "./testdata/curves";
import { until } from "./testdata/until";

// Agents that connect straight to the database (`npm run agent -- --database URL --sweep ID`),
// as Optuna workers do: two of them, on "two machines" (SWEEPLAB_HOST, data folders of their
// own), share a sweep; one is killed -9 midway and the other finishes it. Real agent processes,
// real (fake-engine) workers, the database npm test gives this file (SQLite, then PostgreSQL).

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-direct-"));
const dbUrl = await testDatabaseUrl(path.join(dir, "direct.db"));
process.env.DATABASE_URL = dbUrl;
const onPostgres = dbUrl.startsWith("postgresql:");
const children: ChildProcess[] = [];
after(async () => {
  for (const c of children) c.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const STEPS = 2000;
const YAML = `
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  task: { value: quadrant }
  steps: { value: ${STEPS} }
  eval_every: { value: 100 }
  log_every: { value: 10 }
  learning_rate: { values: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06] }
`;

function agent(sweepId: string, machine: string, extraArgs: string[] = []): ChildProcess & { out: () => string } {
  const p = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps/agent-cli.ts"), "--database", dbUrl, "--sweep", sweepId, "--concurrency", "2", ...extraArgs], {
    cwd: root,
    env: {
      ...process.env,
      SWEEPLAB_HOST: machine,
      SWEEPLAB_DATA_DIR: path.join(dir, machine),
      SWEEPLAB_STALE_AFTER_MS: "3000",
      SWEEPLAB_CHECKPOINT_EVERY_MS: "150",
      SWEEPLAB_WORKER: fakeWorkerCommand()[1],
      SWEEPLAB_WORKER_ENV: "FAKE_STEP_MS",
      FAKE_STEP_MS: "3",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  p.stdout!.on("data", (d) => (out += d));
  p.stderr!.on("data", (d) => (out += d));
  children.push(p);
  return Object.assign(p, { out: () => out });
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => (p.exitCode !== null ? resolve(p.exitCode) : p.once("exit", (code) => resolve(code))));

describe("agents straight to the database", () => {
  it("two agents on two machines share a sweep; one killed -9 midway, the other finishes it: one run per grid point, every curve whole", async () => {
    const parsed = parseSweepConfigText(YAML);
    assert.ok(parsed.ok);
    const sweep = await launchSweep(parsed.config, YAML, { concurrency: 4 });
    const a = agent(sweep.id, "machine-a");
    const b = agent(sweep.id, "machine-b");
    const ownedBy = (machine: string) => (owner: string | null) => Boolean(owner?.startsWith("local:") && owner.endsWith(`@${machine}`));
    const inProgress = await until("both agents training, A mid-run", async () => {
      const runs = await sweepRuns(sweep.id);
      const byA = runs.filter((r) => ownedBy("machine-a")(r.claimedBy) && r.state === "running" && r.checkpointStep !== null && r.checkpointStep > 0 && r.lastStep < STEPS - 500);
      // on PostgreSQL, a checkpoint of it kept in the database (uploaded once its step is stored)
      const kept = new Map<string, number>();
      if (onPostgres) for (const r of byA) kept.set(r.id, (await storedCheckpointSteps(r.id))[0] ?? 0);
      const ready = byA.filter((r) => !onPostgres || kept.get(r.id)! > 0);
      return ready.length >= 1 && runs.some((r) => ownedBy("machine-b")(r.claimedBy)) ? ready.map((r) => ({ ...r, kept: kept.get(r.id) ?? 0 })) : null;
    }, 60_000, 20);
    a.kill("SIGKILL");
    assert.equal(await exited(b), 0, b.out());
    const ended = await getSweep(sweep.id);
    assert.equal(ended!.state, "finished", ended!.stateReason ?? "");
    const runs = await sweepRuns(sweep.id);
    assert.equal(runs.length, 6, "no run proposed twice");
    assert.deepEqual(runs.map((r) => r.state), Array(6).fill("finished"), runs.map((r) => `${r.name}: ${r.state} ${r.error}`).join("\n"));
    assert.equal(new Set(runs.map((r) => r.params.learning_rate)).size, 6, "one run per grid point");
    for (const r of inProgress) {
      const now = runs.find((x) => x.id === r.id)!;
      assert.ok(ownedBy("machine-b")(now.claimedBy), `${r.name}, A's run in progress, was finished by B`);
      assert.ok(now.interruptions >= 1, `${r.name} counts its interruption`);
      const logs = (await listLogs(r.id)).map((l) => l.message);
      // on PostgreSQL its checkpoint is kept in the database: B resumes it, though B's data folder never held it
      if (onPostgres) {
        const at = Number(logs.map((m) => /^resumed from the checkpoint at step (\d+)$/.exec(m)?.[1]).find((x) => x !== undefined));
        assert.ok(at >= r.kept && at > 0, `resumed at step ${at}, from the checkpoint A kept (step ${r.kept}) or a later one:\n${logs.join("\n")}`);
      }
    }
    for (const run of runs) await assertWholeCurves(run.id, { train_loss: loggedSteps(STEPS, 10), val_loss: loggedSteps(STEPS, 100) }, run.name);
  });

  it("with --count N runs N runs and exits once they have ended; the sweep goes on for others", async () => {
    const yaml = YAML.replace(`steps: { value: ${STEPS} }`, "steps: { value: 50 }");
    const parsed = parseSweepConfigText(yaml);
    assert.ok(parsed.ok);
    const sweep = await launchSweep(parsed.config, yaml, { concurrency: 4 });
    const p = agent(sweep.id, "machine-c", ["--count", "3"]);
    assert.equal(await exited(p), 0, p.out());
    assert.match(p.out(), /ran 3 runs \(--count\); agent exits/);
    const runs = await sweepRuns(sweep.id);
    assert.deepEqual(runs.filter((r) => r.state === "finished").length, 3, runs.map((r) => `${r.name}: ${r.state}`).join("\n"));
    assert.equal(runs.filter((r) => r.state === "running").length, 0, "nothing left running");
    assert.equal((await getSweep(sweep.id))!.state, "running");
  });

  it("on a program sweep without SWEEPLAB_URL says that a program's client has no server to log to; the program's JSON lines still land", async () => {
    const work = fs.mkdtempSync(path.join(dir, "prog-"));
    fs.writeFileSync(path.join(work, "p.js"), "console.log(JSON.stringify({ loss: 0.25 }));\n");
    const yaml = "program: p.js\nmethod: grid\nparameters:\n  x: {values: [1]}\n";
    const parsed = parseSweepConfigText(yaml);
    assert.ok(parsed.ok);
    const sweep = await launchSweep(parsed.config, yaml, { concurrency: 1 });
    const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: work, SWEEPLAB_HOST: "machine-p", SWEEPLAB_DATA_DIR: path.join(dir, "machine-p") };
    delete env.SWEEPLAB_URL;
    const p = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps/agent-cli.ts"), "--database", dbUrl, "--sweep", sweep.id, "--concurrency", "1"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    children.push(p);
    let out = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (out += d));
    assert.equal(await exited(p), 0, out);
    assert.match(out, /a program logging with a client reaches a server at SWEEPLAB_URL, which is not set/);
    const [run] = await sweepRuns(sweep.id);
    assert.equal(run.state, "finished");
    assert.equal(run.summary.loss, 0.25);
  });

  it("refuses --database with --server, and a URL that is no database, naming the option", async () => {
    const run = (...args: string[]) => {
      const p = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps/agent-cli.ts"), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      p.stderr!.on("data", (d) => (err += d));
      return exited(p).then((code) => ({ code, err }));
    };
    const both = await run("--database", dbUrl, "--server", "http://127.0.0.1:1");
    assert.equal(both.code, 2);
    assert.match(both.err, /--database connects straight to the database: --server, --token and --name are for an agent that goes through a server/);
    const bad = await run("--database", "mysql://x");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--database must be a postgresql:\/\/… URL/);
  });
});
