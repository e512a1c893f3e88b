// Sweep benchmarks (issue 4), with the real worker (dist/worker.cjs when built) and a real
// SQLite file:
//  1. worker start-up: spawn → first message, target < 150 ms;
//  2. 8 equal runs at concurrency 2 vs 1: wall-time ratio (a warm executor, best of 3
//     interleaved rounds), target ≤ 0.55; beside it the same ratio for bare worker processes
//     serving the same 8 runs, on two at once against on one (no executor, no database),
//     measured in the same invocation: what the machine allows;
//  3. a real 27-run random sweep with and without hyperband: share of training steps saved
//     and the best val_loss of each (same sweep seed, so the same 27 configurations).
import { spawn } from "node:child_process";
import readline from "node:readline";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resolveRunConfig } from "../engine/config";
import { servedCode } from "../engine/protocol";
import { parseSweepConfig } from "../sweeps/config";
import { LocalExecutor } from "../sweeps/executor";
import { planFor } from "../sweeps/executor/strategy";
import { defaultWorkerCommand, processLauncher, workerEnv, type Launcher } from "../sweeps/launcher";
import { disconnectPrisma, getSweep, sweepRuns } from "../prisma/store";
import { executorStore } from "../prisma/store/executor-store";
import { launchSweep } from "../prisma/store/sweep-control";
import { fmt, header, percentile, report } from "./util";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-sweeps-"));
process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;

/** Spawn (or, `reuse`, hand a run to a waiting worker) → first message, ms, per sample. */
async function startupMs(samples: number, reuse = false): Promise<number[]> {
  const launcher = processLauncher({ reuse });
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    let first = -1;
    const worker = launcher.launch({ config: resolveRunConfig({ task: "quadrant", steps: 5, log_every: 1, eval_every: 5 }) }, () => {
      if (first < 0) first = Date.now() - worker.spawnedAt;
    });
    await worker.exited;
    times.push(first);
  }
  return times;
}

/** Spawn → first line of a bare Node printing one line, with a worker's environment, ms per sample: what Node itself costs. */
async function nodeAloneMs(samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, ["-e", "process.stdout.write('up\\n')"], { stdio: ["ignore", "pipe", "inherit"], env: workerEnv() as NodeJS.ProcessEnv });
    const first = await new Promise<number>((resolve) => child.stdout!.once("data", () => resolve(performance.now() - started)));
    await new Promise((resolve) => child.on("close", resolve));
    times.push(first);
  }
  return times;
}

/**
 * Wall seconds of `runs` runs of `config` on `workers` bare worker processes at once, each
 * serving its share one run after another (--serve, as the executor's workers do: wasm compiled
 * once, code warm): the same work as a sweep of those runs at concurrency `workers`, without
 * the executor and the database.
 */
async function bareWorkers(config: Record<string, unknown>, runs: number, workers: number): Promise<number> {
  const [cmd, ...args] = defaultWorkerCommand();
  const line = JSON.stringify({ config: resolveRunConfig(config) }) + "\n";
  const serve = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(cmd, [...args, "--serve"], { stdio: ["pipe", "pipe", "inherit"], env: workerEnv() as NodeJS.ProcessEnv });
      let served = 0;
      readline.createInterface({ input: child.stdout! }).on("line", (text) => {
        const code = servedCode(text);
        if (code === null) return;
        if (code !== 0) return reject(new Error(`bare worker: a run ended ${code}`));
        if (++served < n) child.stdin!.write(line);
        else child.stdin!.end();
      });
      child.on("exit", (code) => (code === 0 && served === n ? resolve() : reject(new Error(`bare worker exited ${code} after ${served} of ${n} runs`))));
      child.stdin!.write(line);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, () => serve(runs / workers)));
  return (performance.now() - started) / 1000;
}

/** Run a sweep to its end with a local executor; wall seconds and its runs. (Also used by speed.ts.) */
export async function runSweep(config: Record<string, unknown>, concurrency: number, options: { launcher?: Launcher } = {}) {
  const parsed = parseSweepConfig(config);
  if (!parsed.ok) throw new Error(`bench config: ${parsed.issues[0].path}: ${parsed.issues[0].message}`);
  const sweep = await launchSweep(parsed.config, JSON.stringify(config), { concurrency });
  const executor = new LocalExecutor({ store: executorStore(), planFor, concurrency, sweepId: sweep.id, flushMs: 250, ...options });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await executor.start();
  // waits on the executor, not by reading the sweep from the database ten times a second: this
  // process's CPU is the executor's, and at concurrency 2 it is taken from the workers
  for (;;) {
    await executor.runner.untilIdle();
    if ((await getSweep(sweep.id))?.state !== "running") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const parentCpu = (used.user + used.system) / 1e6;
  await executor.stop();
  const state = (await getSweep(sweep.id))!.state;
  if (state !== "finished") throw new Error(`bench sweep ended ${state}: ${(await getSweep(sweep.id))!.stateReason}`);
  return { seconds, parentCpu, sweepId: sweep.id, runs: await sweepRuns(sweep.id) };
}

export async function run(): Promise<void> {
  header("Sweeps (executor with real worker processes)");
  const command = defaultWorkerCommand();
  console.log(`     worker: ${command.slice(1).join(" ")}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);

  // 1. start-up
  const startup = await startupMs(7);
  const median = percentile(startup.slice(1), 50);
  report("worker start-up, spawn → first message (median of 6)", `${fmt(median, 0)} ms (min ${fmt(Math.min(...startup.slice(1)), 0)}, max ${fmt(Math.max(...startup.slice(1)), 0)})`, {
    ok: median < 150,
    target: "< 150 ms",
  });
  const bareNode = percentile((await nodeAloneMs(7)).slice(1), 50);
  report("  baseline: Node alone, spawn → first line (median of 6)", `${fmt(bareNode, 0)} ms: the worker adds ${fmt(median - bareNode, 0)} ms`);
  // what a sweep's next run waits for: its worker's previous run has ended (sweeps/launcher.ts reuse)
  const warm = await startupMs(7, true);
  report("a sweep's next run in a waiting worker → first message (median of 6)", `${fmt(percentile(warm.slice(1), 50), 0)} ms`);

  // 2. scaling: 8 equal runs (one configuration, 8 replicates), concurrency 1 then 2
  const equal = {
    method: "grid",
    seed: 1,
    replicates: 8,
    // ~1.5 s of training each, so the ratio measures parallel training rather than process start-up
    parameters: { task: { value: "charlm" }, cell: { value: "lstm" }, hidden_size: { value: 64 }, steps: { value: 500 }, eval_every: { value: 100 }, sample_every: { value: 0 } },
  };
  // the executor as a server runs it, warm: its first sweep compiles Prisma's query plans and its
  // own code (~1 s of CPU on the other threads, taken from the workers at concurrency 2)
  await runSweep({ ...equal, replicates: 2, parameters: { ...equal.parameters, steps: { value: 50 }, eval_every: { value: 50 } } }, 2);
  // interleaved, best of three each: other work on a shared machine skews a single pair
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const parentCpu: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const bare: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const ROUNDS = 3;
  const runConfig = Object.fromEntries(Object.entries(equal.parameters).map(([k, v]) => [k, v.value]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of [1, 2] as const) {
      const result = await runSweep(equal, c);
      times[c].push(result.seconds);
      parentCpu[c].push(result.parentCpu);
      bare[c].push(await bareWorkers(runConfig, equal.replicates, c));
    }
  }
  const one = { seconds: Math.min(...times[1]) };
  const two = { seconds: Math.min(...times[2]) };
  const ratio = two.seconds / one.seconds;
  report(`8 equal runs: concurrency 1 (best of ${ROUNDS})`, `${fmt(one.seconds, 2)} s (${times[1].map((t) => fmt(t, 2)).join(", ")})`);
  report(`8 equal runs: concurrency 2 (best of ${ROUNDS})`, `${fmt(two.seconds, 2)} s (${times[2].map((t) => fmt(t, 2)).join(", ")})`);
  report("concurrency 2 / concurrency 1 wall time", fmt(ratio, 3), { ok: ratio <= 0.55, target: "≤ 0.55" });
  const bareRatio = Math.min(...bare[2]) / Math.min(...bare[1]);
  report("  baseline: the same 8 runs on 2 bare workers / on 1 (no executor, no database)", `${fmt(bareRatio, 3)} (${bare[2].map((t) => fmt(t, 2)).join(", ")} s / ${bare[1].map((t) => fmt(t, 2)).join(", ")} s): the executor adds ${fmt(ratio - bareRatio, 3)}`);
  report("executor's own CPU (parent process), concurrency 1 / 2", `${parentCpu[1].map((t) => fmt(t, 2)).join(", ")} s / ${parentCpu[2].map((t) => fmt(t, 2)).join(", ")} s`);

  // 3. hyperband: the same 27 random configurations with and without early termination
  const base = {
    method: "random",
    seed: 27,
    run_cap: 27,
    metric: { name: "val_loss", goal: "minimize" },
    parameters: {
      task: { value: "quadrant" },
      steps: { value: 4000 },
      eval_every: { value: 100 },
      learning_rate: { distribution: "log_uniform_values", min: 0.0003, max: 0.3 },
      init: { values: ["kaiming", "xavier", "normal"] },
      init_std: { value: 1 },
      hidden_size: { values: [4, 16, 64] },
    },
  };
  const full = await runSweep(base, 2);
  const pruned = await runSweep({ ...base, early_terminate: { type: "hyperband", min_iter: 3, eta: 3 } }, 2);
  const steps = (runs: typeof full.runs) => runs.reduce((a, r) => a + r.lastStep, 0);
  const best = (runs: typeof full.runs) => Math.min(...runs.map((r) => (typeof r.summary.val_loss_best === "number" ? r.summary.val_loss_best : Infinity)));
  const saved = 1 - steps(pruned.runs) / steps(full.runs);
  const prunedCount = pruned.runs.filter((r) => r.state === "pruned").length;
  report("27 runs without early termination: steps, best val_loss", `${steps(full.runs)} steps, ${best(full.runs).toPrecision(4)} (${fmt(full.seconds, 1)} s)`);
  report("27 runs with hyperband (min_iter 3, eta 3): steps, best val_loss", `${steps(pruned.runs)} steps, ${best(pruned.runs).toPrecision(4)} (${fmt(pruned.seconds, 1)} s, ${prunedCount} pruned)`);
  report("training steps saved by hyperband", `${fmt(saved * 100, 1)} %`);
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
