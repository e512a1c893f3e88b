import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fakeWorkerCommand } from "./testdata/fake-launcher";
// The CLI is a composition root; so is its test, which reads the database it wrote.
import { disconnectPrisma, getCorpus, getSweep, listLogs, listSweeps, sweepRuns } from "../prisma/store";
import { assertWholeCurves, loggedSteps } from "./testdata/curves";
import { until } from "./testdata/until";
import { startRouteServer } from "../app/_server/testdata/start-route-server";

// `npm run sweep` as a real process against a real SQLite file, with the fake worker: a bad
// config, a kill -9 of the executor process mid-sweep followed by `--resume`, and a SIGTERM.

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-cli-"));
const dbUrl = `file:${path.join(dir, "cli.db")}`;
process.env.DATABASE_URL = dbUrl;
const workerLog = path.join(dir, "starts.log");
const env = {
  ...process.env,
  DATABASE_URL: dbUrl,
  SWEEPLAB_DATA_DIR: dir,
  SWEEPLAB_WORKER: fakeWorkerCommand()[1],
  FAKE_WORKER_LOG: workerLog,
  FAKE_STEP_MS: "10",
  SWEEPLAB_CHECKPOINT_EVERY_MS: "100",
  SWEEPLAB_WORKER_ENV: "FAKE_WORKER_LOG,FAKE_STEP_MS",
};
const cli = (...args: string[]) => [process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), ...args]] as const;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});


describe("npm run sweep", () => {
  it("rejects a bad config in one line with the path, storing nothing", async () => {
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(file, "method: grid\nparameters:\n  dropout:\n    values: [0.1, 1.5]\n");
    const [cmd, args] = cli(file);
    const result = spawnSync(cmd, args, { env, encoding: "utf8", cwd: root });
    assert.equal(result.status, 2);
    const lines = result.stderr.trim().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^sweep: .*bad\.yaml: parameters\.dropout\.values\.1: /);
    assert.equal((await listSweeps()).length, 0);
  });

  it("a program's sweep without a metric says it has none, and lists no best runs", async () => {
    const prog = path.join(dir, "prog.mjs");
    fs.writeFileSync(prog, 'console.log(JSON.stringify({ loss: Number(process.argv.at(-1).split("=")[1]) }));\n');
    const file = path.join(dir, "no-metric.yaml");
    fs.writeFileSync(file, `program: ${prog}\ncommand: [${JSON.stringify(process.execPath)}, "\${program}", "\${args}"]\nmethod: grid\nparameters:\n  x: { values: [1, 2] }\n`);
    const [cmd, args] = cli(file);
    const result = spawnSync(cmd, args, { env, encoding: "utf8", cwd: root });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /grid search \(no metric: no best run\), 2 runs/);
    assert.doesNotMatch(result.stdout, /best runs by/);
    assert.match(result.stdout, /finished/);
  });

  it("a local sweep file may name a corpus file (relative to it): it is registered and the sweep names it by name", async () => {
    fs.mkdirSync(path.join(dir, "texts"), { recursive: true });
    const text = "abba abab baba\n".repeat(100);
    fs.writeFileSync(path.join(dir, "texts", "ab.txt"), text);
    const file = path.join(dir, "local-corpus.yaml");
    fs.writeFileSync(file, "method: grid\nparameters:\n  task: { value: charlm }\n  corpus: { value: texts/ab.txt }\n  steps: { value: 20 }\n");
    const [cmd, args] = cli(file);
    const result = spawnSync(cmd, args, { env, encoding: "utf8", cwd: root, timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /corpus texts\/ab\.txt registered as "ab\.txt"/);
    const corpus = await getCorpus("ab.txt");
    assert.equal(corpus?.sha256, crypto.createHash("sha256").update(text).digest("hex"));
    const sweep = (await listSweeps())[0];
    assert.equal((sweep.config.parameters as { corpus: { value: string } }).corpus.value, "ab.txt");
    const runs = await sweepRuns(sweep.id);
    assert.deepEqual(runs.map((r) => [r.state, r.config.corpus]), [["finished", "ab.txt"]]);
    // a name that is neither registered nor a file is refused before anything is stored
    fs.writeFileSync(file, "method: grid\nparameters:\n  task: { value: charlm }\n  corpus: { value: nosuch.txt }\n");
    const missing = spawnSync(cmd, args, { env, encoding: "utf8", cwd: root });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /parameters\.corpus: "nosuch\.txt" is neither a registered corpus nor a file/);
  });

  it("survives a kill -9 of its process: on --resume the interrupted runs go on from their checkpoints, every curve whole", async () => {
    const file = path.join(dir, "grid.yaml");
    fs.writeFileSync(file, "method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 200 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] }\n");
    fs.writeFileSync(workerLog, "");
    const [cmd, args] = cli(file, "--concurrency", "2");
    const first = spawn(cmd, args, { env, cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    first.stdout.on("data", (d) => (out += d));
    const sweepId = await until("the sweep id", async () => /sweep ([0-9a-z]+) \(/.exec(out)?.[1]);
    // kill once one run has finished and two are mid-way, with a checkpoint each
    await until("a finished run and two running ones", async () => {
      const runs = await sweepRuns(sweepId);
      return runs.some((r) => r.state === "finished") && runs.filter((r) => r.state === "running" && r.checkpointStep !== null && r.lastStep > 40).length === 2;
    });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("close", r));
    const orphaned = (await sweepRuns(sweepId)).filter((r) => r.state === "running");
    assert.equal(orphaned.length, 2);

    const [cmd2, args2] = cli("--resume", sweepId);
    const second = spawnSync(cmd2, args2, { env, encoding: "utf8", cwd: root, timeout: 60_000 });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /best runs by val_loss/);

    const sweep = (await getSweep(sweepId))!;
    assert.equal(sweep.state, "finished");
    const runs = await sweepRuns(sweepId);
    assert.equal(runs.length, 6, "one run per grid point");
    for (const run of runs) {
      assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
      await assertWholeCurves(run.id, { val_loss: loggedSteps(200, 20), train_loss: loggedSteps(200, 10) }, run.name);
    }
    for (const o of orphaned) {
      const run = runs.find((r) => r.id === o.id)!;
      assert.equal(run.interruptions, 1);
      const logs = (await listLogs(run.id)).map((l) => l.message);
      assert.ok(logs.some((m) => /^interrupted at step \d+: the executor running it stopped .*; it resumes from its checkpoint at step \d+$/.test(m)), logs.join("\n"));
    }
    const starts = fs.readFileSync(workerLog, "utf8").trim().split("\n").map((l) => l.split(" "));
    assert.equal(starts.length, 8, "six runs, two of them started again");
    const resumed = starts.filter((s) => s.length === 3);
    assert.equal(resumed.length, 2, "the two interrupted runs resumed from a checkpoint");
    for (const [seed, , step] of resumed) assert.ok(Number(step) > 0, `run of seed ${seed} resumed at step ${step}, not from the start`);
    assert.equal(new Set(starts.filter((s) => s.length === 2).map((s) => s[0])).size, 6, "no run started from the beginning twice");
  });

  it("SIGTERM: the runs in progress checkpoint and go back to the queue, the sweep pauses; --resume finishes it", async () => {
    const file = path.join(dir, "grid-term.yaml");
    fs.writeFileSync(file, "method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 300 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.01, 0.1] }\n");
    const [cmd, args] = cli(file, "--concurrency", "2");
    const first = spawn(cmd, args, { env, cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    first.stdout.on("data", (d) => (out += d));
    const sweepId = await until("the sweep id", async () => /sweep ([0-9a-z]+) \(/.exec(out)?.[1]);
    await until("two runs mid-way", async () => (await sweepRuns(sweepId)).filter((r) => r.state === "running" && r.lastStep > 40).length === 2);
    const t0 = Date.now();
    first.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => first.once("close", r));
    assert.equal(code, 143);
    assert.ok(Date.now() - t0 < 5000, `exited after ${Date.now() - t0} ms`);
    const paused = (await getSweep(sweepId))!;
    assert.equal(paused.state, "paused");
    const runs = await sweepRuns(sweepId);
    assert.equal(runs.filter((r) => r.state === "running").length, 0, "no run left running");
    const interrupted = runs.filter((r) => r.state === "queued" && r.interruptions === 1);
    assert.equal(interrupted.length, 2);
    for (const r of interrupted) assert.ok(r.checkpointStep! >= r.lastStep && r.lastStep > 40, `its final checkpoint (step ${r.checkpointStep}) is past its last point (step ${r.lastStep}): no work lost`);

    const [cmd2, args2] = cli("--resume", sweepId);
    const second = spawnSync(cmd2, args2, { env, encoding: "utf8", cwd: root, timeout: 60_000 });
    assert.equal(second.status, 0, second.stderr);
    const done = await sweepRuns(sweepId);
    assert.deepEqual(done.map((r) => r.state), ["finished", "finished", "finished"]);
    for (const run of done) await assertWholeCurves(run.id, { val_loss: loggedSteps(300, 20), train_loss: loggedSteps(300, 10) }, run.name);
  });

  it("runs where it was launched, at its concurrency, beside a server on the same database; --share lets the server help", async () => {
    const { server } = await startRouteServer({ ...env, SWEEPLAB_CONCURRENCY: "3" });
    try {
      const file = path.join(dir, "held.yaml");
      // the sweep allows 4 at once: held, the CLI's --concurrency 2 is its limit; shared, the server may add 2
      fs.writeFileSync(file, "method: grid\nconcurrency: 4\nparameters:\n  task: { value: quadrant }\n  steps: { value: 100 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] }\n");
      for (const share of [false, true]) {
        const [cmd, args] = cli(file, "--concurrency", "2", ...(share ? ["--share"] : []));
        const child = spawn(cmd, args, { env, cwd: root, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        const sweepId = await until("the sweep id", async () => /sweep ([0-9a-z]+) \(/.exec(out)?.[1]);
        let most = 0;
        const owners = new Set<string>();
        const probe = setInterval(async () => {
          const running = (await sweepRuns(sweepId)).filter((r) => r.state === "running");
          most = Math.max(most, running.length);
          for (const r of running) owners.add(r.claimedBy!.split(":").slice(0, 2).join(":"));
        }, 20);
        const code = await new Promise<number | null>((r) => child.once("close", r));
        clearInterval(probe);
        assert.equal(code, 0, out);
        assert.equal((await getSweep(sweepId))!.state, "finished");
        const runs = await sweepRuns(sweepId);
        assert.equal(runs.filter((r) => r.state === "finished").length, 6);
        const hosts = new Set(runs.map((r) => r.claimedBy!.split(":").slice(0, 2).join(":")));
        if (!share) {
          assert.deepEqual([...hosts], [`local:${child.pid}`], "every run trained by the CLI");
          assert.ok(most <= 2, `${most} ran at once`);
          assert.equal((await getSweep(sweepId))!.heldBy?.startsWith(`local:${child.pid}:`), true);
        } else {
          assert.equal((await getSweep(sweepId))!.heldBy, null);
          assert.ok(hosts.has(`local:${server.pid}`) || owners.has(`local:${server.pid}`), `the server took some of the shared sweep's runs (${[...hosts]})`);
        }
      }
    } finally {
      server.kill("SIGKILL");
    }
  });
});
