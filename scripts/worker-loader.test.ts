import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { workerEnv } from "../sweeps/launcher";

// Workers start from dist/worker.cjs, which runs the bundle dist/worker-<hash>.cjs through
// scripts/worker-loader.cjs with V8's code cache. Here the real bundle (built by the test
// script before the unit tests, else now) runs from a copy of its own, so its cache is this
// test's: written by the first worker, used as it is by the next, replaced when V8 rejects it.

const root = path.resolve(import.meta.dirname, "..");
if (!fs.existsSync(path.join(root, "dist", "worker.cjs"))) spawnSync(process.execPath, [path.join(root, "scripts", "build-worker.mjs")], { cwd: root });
const copy = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-loader-"));
after(() => fs.rmSync(copy, { recursive: true, force: true }));

const entry = fs.readFileSync(path.join(root, "dist", "worker.cjs"), "utf8");
const bodyName = /"(worker-[0-9a-f]{16}\.cjs)"/.exec(entry)?.[1];
fs.mkdirSync(path.join(copy, "dist"));
fs.mkdirSync(path.join(copy, "scripts"));
fs.copyFileSync(path.join(root, "scripts", "worker-loader.cjs"), path.join(copy, "scripts", "worker-loader.cjs"));
fs.writeFileSync(path.join(copy, "dist", "worker.cjs"), entry);
if (bodyName) fs.copyFileSync(path.join(root, "dist", bodyName), path.join(copy, "dist", bodyName));
const cacheFile = path.join(copy, "dist", `${bodyName}.cache`);

const input = JSON.stringify({ config: { task: "quadrant", steps: 5, log_every: 1, eval_every: 5 } });
/** One run of the copied worker: its final summary without the timings, which differ run to run. */
function runWorker() {
  const r = spawnSync(process.execPath, [path.join(copy, "dist", "worker.cjs")], { input, encoding: "utf8", env: workerEnv() as NodeJS.ProcessEnv });
  assert.equal(r.status, 0, r.stderr || r.stdout);
  const done = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  assert.equal(done.state, "finished");
  const { runtime: _r, throughput: _t, ...summary } = done.summary;
  return summary;
}

describe("the worker's code cache", () => {
  it("names the bundle after its content", () => {
    assert.ok(bodyName, `dist/worker.cjs names its bundle: ${entry}`);
    const hash = crypto.createHash("sha256").update(fs.readFileSync(path.join(root, "dist", bodyName!))).digest("hex");
    assert.equal(bodyName, `worker-${hash.slice(0, 16)}.cjs`);
  });

  it("goes with its bundle when a build leaves that bundle a minute behind", () => {
    const dist = path.join(root, "dist");
    const old = ["worker-00000000000000aa.cjs", "worker-00000000000000aa.cjs.cache"];
    const recent = ["worker-00000000000000bb.cjs", "worker-00000000000000bb.cjs.cache"];
    for (const f of [...old, ...recent]) fs.writeFileSync(path.join(dist, f), "// an earlier build\n");
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    for (const f of old) fs.utimesSync(path.join(dist, f), twoMinutesAgo, twoMinutesAgo);
    try {
      const r = spawnSync(process.execPath, [path.join(root, "scripts", "build-worker.mjs")], { cwd: root, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      for (const f of old) assert.ok(!fs.existsSync(path.join(dist, f)), `${f} removed`);
      for (const f of recent) assert.ok(fs.existsSync(path.join(dist, f)), `${f} kept (a worker may be starting from it)`);
      assert.ok(fs.existsSync(path.join(dist, bodyName!)), "the current bundle kept");
      assert.equal(fs.readFileSync(path.join(dist, "worker.cjs"), "utf8"), entry, "the same sources, the same bundle");
    } finally {
      for (const f of [...old, ...recent]) fs.rmSync(path.join(dist, f), { force: true });
    }
  });

  it("is written by the first worker, then used as it is: the same run, the cache untouched", () => {
    assert.ok(!fs.existsSync(cacheFile));
    const first = runWorker();
    const written = fs.readFileSync(cacheFile);
    assert.ok(written.length > 10_000, `a cache of ${written.length} bytes`);
    const writtenAt = fs.statSync(cacheFile).mtimeMs;
    assert.deepEqual(runWorker(), first);
    assert.equal(fs.statSync(cacheFile).mtimeMs, writtenAt, "an accepted cache is not written again");
    assert.deepEqual(fs.readFileSync(cacheFile), written);
  });

  it("is replaced when V8 rejects it, and the run is the same", () => {
    const reference = runWorker();
    const garbage = crypto.randomBytes(fs.statSync(cacheFile).size);
    fs.writeFileSync(cacheFile, garbage);
    assert.deepEqual(runWorker(), reference);
    const replaced = fs.readFileSync(cacheFile);
    assert.notDeepEqual(replaced, garbage);
    const replacedAt = fs.statSync(cacheFile).mtimeMs;
    runWorker();
    assert.equal(fs.statSync(cacheFile).mtimeMs, replacedAt, "the new cache is accepted");
    assert.deepEqual(fs.readdirSync(path.join(copy, "dist")).filter((f) => f.includes(".tmp-")), [], "no temporary file left");
  });
});
