import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

// `npm run sweep | train | agent` run scripts/cli.mjs: each command line from an esbuild bundle,
// rebuilt when a file it was built from is newer. Bundles go to a folder of this test's own (in
// the project: a bundle finds its packages in node_modules as dist/'s do).

const root = path.resolve(import.meta.dirname, "..");
fs.mkdirSync(path.join(root, "dist"), { recursive: true });
const dist = fs.mkdtempSync(path.join(root, "dist", "test-cli-"));
after(() => fs.rmSync(dist, { recursive: true, force: true }));
const env = { ...process.env, SWEEPLAB_CLI_DIST: dist, DATABASE_URL: `file:${path.join(dist, "cli.db")}`, SWEEPLAB_DATA_DIR: path.join(dist, "data") };
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "scripts", "cli.mjs"), ...args], { cwd: root, env, encoding: "utf8", timeout: 120_000 });

describe("the command lines' bundles", () => {
  it("builds a command line's bundle on first use, runs it with its arguments, and lists what it was built from", () => {
    const r = cli("train", "--task", "quadrant", "--steps", "3", "--log_every", "1", "--eval_every", "3");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /step\s+3/);
    const inputs = JSON.parse(fs.readFileSync(path.join(dist, "train-cli.mjs.inputs.json"), "utf8")) as string[];
    for (const source of ["sweeps/train-cli.ts", "engine/train.ts"]) assert.ok(inputs.includes(source), `${source} in ${inputs.length} inputs`);
    assert.ok(!inputs.some((p) => p.startsWith("node_modules")), "packages stay in node_modules");
  });

  it("rebuilds a bundle older than a file it was built from, and keeps one that is current", () => {
    const bundle = path.join(dist, "sweep-cli.mjs");
    assert.equal(cli("sweep", "--help").status, 0);
    const built = fs.statSync(bundle).mtimeMs;
    assert.equal(cli("sweep", "--help").status, 0);
    assert.equal(fs.statSync(bundle).mtimeMs, built, "current: not rebuilt");
    const past = new Date(Date.UTC(2000, 0, 1));
    fs.utimesSync(bundle, past, past); // as if the sources had changed since
    const r = cli("sweep", "--help");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /usage: npm run sweep/);
    assert.ok(fs.statSync(bundle).mtimeMs > past.getTime(), "rebuilt");
  });

  it("run directly from another folder, works as npm run does: paths typed there are read there, the worker found from the project", () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-elsewhere-"));
    try {
      // (npm sets INIT_CWD for this test run itself: a direct invocation has none)
      const direct: NodeJS.ProcessEnv = { ...env };
      delete direct.INIT_CWD;
      const here = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "scripts", "cli.mjs"), ...args], { cwd: elsewhere, env: direct, encoding: "utf8", timeout: 120_000 });
      fs.writeFileSync(path.join(elsewhere, "tiny.yaml"), "method: grid\nparameters:\n  task: { value: quadrant }\n  steps: { value: 4 }\n  eval_every: { value: 2 }\n  hidden_size: { values: [4, 8] }\n");
      const sweep = here("sweep", "tiny.yaml", "--quiet");
      assert.equal(sweep.status, 0, sweep.stderr);
      assert.match(sweep.stdout, /2\/2 runs/);
      assert.equal(sweep.stdout.match(/^\d+ +\S+ +[0-9a-z]+ +finished /gm)?.length, 2, sweep.stdout);
      fs.writeFileSync(path.join(elsewhere, "run.json"), JSON.stringify({ task: "quadrant", steps: 3, eval_every: 3 }));
      const train = here("train", "--config", "run.json", "--checkpoint", "out.ckpt");
      assert.equal(train.status, 0, train.stderr);
      assert.ok(fs.existsSync(path.join(elsewhere, "out.ckpt")), `the checkpoint is written where the command was typed: ${train.stdout}`);
      const resumed = here("train", "--config", "run.json", "--steps", "5", "--resume", "out.ckpt");
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.match(resumed.stdout, /step\s+5/);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("refuses a command it does not know, naming the ones it has", () => {
    const r = cli("deploy");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: node scripts\/cli\.mjs sweep\|train\|agent/);
  });
});
