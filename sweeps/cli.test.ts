import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fakeWorkerCommand } from "./testdata/fake-launcher";
// The CLI is a composition root; so is its test, which reads the database it wrote.
import { disconnectPrisma, getCorpus, getSweep, listSweeps, sweepRuns } from "../prisma/store";
import { until } from "./testdata/until";

// `npm run sweep` as a real process against a real SQLite file, with the fake worker: a bad
// config, and a kill -9 of the executor process mid-sweep followed by `--resume`.

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-cli-"));
const dbUrl = `file:${path.join(dir, "cli.db")}`;
process.env.DATABASE_URL = dbUrl;
const workerLog = path.join(dir, "starts.log");
const env = { ...process.env, DATABASE_URL: dbUrl, SWEEPLAB_WORKER: fakeWorkerCommand()[1], FAKE_WORKER_LOG: workerLog, FAKE_STEP_MS: "10", SWEEPLAB_WORKER_ENV: "FAKE_WORKER_LOG,FAKE_STEP_MS" };
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

  it("survives a kill -9 of its process: on --resume the orphaned runs are crashed, the rest run, none twice", async () => {
    const file = path.join(dir, "grid.yaml");
    fs.writeFileSync(file, "method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 200 }\n  eval_every: { value: 20 }\n  learning_rate: { values: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3] }\n");
    fs.writeFileSync(workerLog, "");
    const [cmd, args] = cli(file, "--concurrency", "2");
    const first = spawn(cmd, args, { env, cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    first.stdout.on("data", (d) => (out += d));
    const sweepId = await until("the sweep id", async () => /sweep ([0-9a-z]+) \(/.exec(out)?.[1]);
    // kill once one run has finished and two are mid-way
    await until("a finished run and two running ones", async () => {
      const runs = await sweepRuns(sweepId);
      return runs.some((r) => r.state === "finished") && runs.filter((r) => r.state === "running" && r.lastStep > 0).length === 2;
    });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("close", r));
    const orphaned = (await sweepRuns(sweepId)).filter((r) => r.state === "running").map((r) => r.id);
    assert.equal(orphaned.length, 2);

    const [cmd2, args2] = cli("--resume", sweepId);
    const second = spawnSync(cmd2, args2, { env, encoding: "utf8", cwd: root, timeout: 60_000 });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /best runs by val_loss/);

    const sweep = (await getSweep(sweepId))!;
    assert.equal(sweep.state, "finished");
    const runs = await sweepRuns(sweepId);
    assert.equal(runs.length, 6);
    for (const run of runs) {
      if (orphaned.includes(run.id)) {
        assert.equal(run.state, "crashed");
        assert.match(run.error!, /executor running it stopped/);
        assert.ok(run.lastStep > 0, "what it logged before the kill is kept");
      } else assert.equal(run.state, "finished", `${run.name}: ${run.error}`);
    }
    const seeds = fs.readFileSync(workerLog, "utf8").trim().split("\n").map((l) => l.split(" ")[0]);
    assert.equal(seeds.length, 6, "six workers started in all");
    assert.equal(new Set(seeds).size, 6, "no run was started twice");
  });
});
