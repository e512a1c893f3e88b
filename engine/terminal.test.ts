import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { defaultThreads, parseTrainArgs } from "./terminal";

test("a terminal run takes a second thread only when a core is idle for it", () => {
  assert.equal(defaultThreads(2, 0.1), 2);
  assert.equal(defaultThreads(2, 0.9), 1, "the other core is busy");
  assert.equal(defaultThreads(1, 0), 1);
  assert.equal(defaultThreads(8, 5), 2);
  assert.equal(parseTrainArgs(["--threads", "1", "--steps", "3"]).threads, 1);
  assert.equal(parseTrainArgs(["--threads=2"]).threads, 2);
  assert.deepEqual(parseTrainArgs(["--threads", "2", "--cell", "gru"]).config, { cell: "gru" }, "--threads is not a run config key");
});

test("--threads takes 1 or 2, with a one-line error naming the flag", () => {
  const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
  for (const bad of ["3", "two", ""]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", cli, "--threads", ...(bad ? [bad] : []), "--steps", "1"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: --threads: expected 1 or 2/);
  }
});
