import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, test } from "node:test";
import { parseSweepConfig, type SweepConfig } from "./config.ts";
import { analyzeImportanceOffThread, runImportanceJob, stopImportanceThread, type ImportanceJob } from "./importance-thread.ts";

// Importance in the process's importance thread: the same answer as in the caller's thread, and
// the caller's thread free meanwhile (the server answers other requests while a sweep's panel
// is computed).

after(stopImportanceThread);

function sweepConfig(input: unknown): SweepConfig {
  const parsed = parseSweepConfig(input);
  assert.ok(parsed.ok);
  return parsed.config;
}

/** A random sweep of `n` configurations over four parameters, the learning rate the driver. */
function largeJob(n: number): ImportanceJob {
  const config = sweepConfig({
    method: "random",
    run_cap: n,
    metric: { name: "val_loss" },
    parameters: {
      learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 0.1 },
      dropout: { min: 0, max: 0.5 },
      hidden_size: { values: [32, 64, 128] },
      cell: { values: ["rnn", "lstm", "gru"] },
    },
  });
  const runs = Array.from({ length: n }, (_, i) => {
    const lr = 10 ** (-4 + (3 * ((i * 7) % n)) / n), dropout = (0.5 * ((i * 11) % n)) / n;
    const params = { learning_rate: lr, dropout, hidden_size: [32, 64, 128][i % 3], cell: ["rnn", "lstm", "gru"][(i * 5) % 3] };
    return { params, value: 1 + (Math.log10(lr) + 2.5) ** 2 + 0.05 * dropout + 0.01 * Math.sin(i) };
  });
  return { runs, config, seed: 7 };
}

test("the thread's answer is the caller's thread's: a flat sweep, a tree of choices, and runs without a config", async () => {
  const flat = largeJob(24);
  assert.deepEqual(await analyzeImportanceOffThread(flat), runImportanceJob(flat));
  const tree: ImportanceJob = {
    config: sweepConfig({
      method: "grid",
      parameters: { init: { choices: { xavier: { dropout: { values: [0, 0.5] } }, normal: { init_std: { values: [0.1, 1] }, dropout: { values: [0, 0.5] } } } } },
    }),
    runs: [
      ...[0, 0.5].map((dropout, j) => ({ params: { init: "xavier", dropout }, value: 1 + 0.1 * dropout + 0.01 * j })),
      ...[0.1, 1].flatMap((init_std, i) => [0, 0.5].map((dropout, j) => ({ params: { init: "normal", init_std, dropout }, value: 0.5 + init_std + 0.1 * dropout + 0.01 * (i - j) }))),
    ],
    seed: 3,
  };
  const branched = await analyzeImportanceOffThread(tree);
  assert.deepEqual(branched, runImportanceJob(tree));
  assert.ok(branched.params.some((p) => p.branch && p.branch !== "all runs"), "judged per branch");
  const bare = { ...flat, config: null };
  assert.deepEqual(await analyzeImportanceOffThread(bare), runImportanceJob(bare));
});

test("while the thread computes a large sweep's importance, the caller's thread runs: in it, the same job stalls it throughout", async () => {
  const job = largeJob(150);
  await analyzeImportanceOffThread(largeJob(5)); // the thread started and its code loaded
  // timers due every 10 ms: how many fire while the job is computed, and the longest gap between two
  const watch = async (compute: () => Promise<unknown>) => {
    let ticks = 0, last = performance.now(), longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 10);
    const started = performance.now();
    await compute();
    const ms = performance.now() - started;
    clearInterval(timer);
    return { ticks, longest: Math.max(longest, performance.now() - last), ms };
  };
  const off = await watch(() => analyzeImportanceOffThread(job));
  const here = await watch(async () => runImportanceJob(job));
  // in the caller's thread no timer fires until it ends; off it they fire throughout
  assert.ok(here.longest >= here.ms * 0.9, JSON.stringify(here));
  assert.ok(off.ticks >= Math.min(20, off.ms / 40) && off.longest < Math.max(200, off.ms / 4), JSON.stringify({ off, here }));
});

test("an error in the computation reaches the caller, and the thread serves the next job", async () => {
  const job = largeJob(12);
  const broken = { ...job, runs: null } as unknown as ImportanceJob;
  let inThread: Error | null = null;
  try {
    runImportanceJob(broken);
  } catch (e) {
    inThread = e as Error;
  }
  assert.ok(inThread);
  await assert.rejects(analyzeImportanceOffThread(broken), (e: Error) => e.message === inThread!.message);
  assert.deepEqual(await analyzeImportanceOffThread(job), runImportanceJob(job));
});

test("without tsx to start a thread, the job is computed in the caller's thread, and said so once", async () => {
  // a root with no node_modules: tsx cannot be found there
  const script = `
    import { analyzeImportanceOffThread, runImportanceJob } from "./sweeps/importance-thread.ts";
    const job = { runs: [1, 2, 3, 4, 5, 6].map((i) => ({ params: { a: i % 3, b: i % 2 }, value: i })), config: null, seed: 1 };
    const a = await analyzeImportanceOffThread(job, "/nonexistent-root");
    const b = await analyzeImportanceOffThread(job, "/nonexistent-root");
    console.log(JSON.stringify(a) === JSON.stringify(runImportanceJob(job)) && JSON.stringify(b) === JSON.stringify(a) ? "same" : "differs");
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), "same");
  assert.equal(child.stderr.match(/importance is computed in the server's thread/g)?.length, 1, child.stderr);
});

test("a process whose thread is idle exits: the thread does not hold it open", () => {
  const script = `
    import { analyzeImportanceOffThread } from "./sweeps/importance-thread.ts";
    const job = { runs: [1, 2, 3, 4, 5, 6].map((i) => ({ params: { a: i % 3, b: i % 2 }, value: i })), config: null, seed: 1 };
    await analyzeImportanceOffThread(job);
    console.log("done");
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(child.signal, null, "it exited by itself");
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), "done");
});
