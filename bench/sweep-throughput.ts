// Sweep throughput against the W&B-agent pattern (issue 13 §1): `npm run bench -- sweep-throughput`.
// The workload: a 16-run grid of small char-LSTMs (dropout × learning rate × hidden 32/64 ×
// layers 1/2; embedding 16, batch 16, seq 32, 200 steps, evaluation every 50 steps on the same
// held-out tail of the builtin corpus), run
//  (a) by Sweeplab as a user runs it: `npm run sweep -- grid.yaml --concurrency 2` (the CLI
//      itself, from its bundle as npm runs it: its start-up, the executor, worker processes, a
//      SQLite file), and
//  (b) by the reference a W&B user runs: two agents on this machine, each starting one PyTorch
//      process per run (bench/baselines/charlm_run.py: the same model, data and schedule, one
//      thread each) — the PyTorch side runs here when /usr/bin/python3 (or $PYTHON) has torch,
//      else a figure recorded on another day stands in, labelled RECORDED with its date.
// The two alternate, best of ROUNDS each. Target: Sweeplab ≥ 3× faster (wall time).
// Then where Sweeplab's time goes: the same grid through the executor in this process, each
// worker's spawn → first message and lifetime, the executor's own CPU, and the same 16 runs
// trained back to back in one warm process (training alone, with and without evaluation).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILTIN_CORPUS } from "../engine/corpus/builtin";
import type { RunConfigInput } from "../engine/config";
import { Trainer } from "../engine/train";
import { processLauncher, type Launcher } from "../sweeps/launcher";
import { sweepRuns } from "../prisma/store";
import { runSweep } from "./sweeps";
import { fmt, header, PYTHON, report, scratchDatabase, speedBaselines } from "./util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./baselines/charlm_run.py", import.meta.url));
const ROUNDS = 2;
const TARGET = 3;
/** What stands in without torch: measured by this bench on a 2-vCPU AMD EPYC (KVM), Debian's PyTorch 1.13, load average 1.1. */
const RECORDED = { date: "2026-12-03", seconds: 33.95 };

export const GRID = {
  dropout: [0, 0.25],
  learning_rate: [0.003, 0.01],
  hidden_size: [32, 64],
  num_layers: [1, 2],
};
export const FIXED = { task: "charlm", cell: "lstm", embedding_dim: 16, batch_size: 16, seq_length: 32, steps: 200, eval_every: 50, sample_every: 0 } as const;

/** The 16 configurations of the grid, in grid order. */
export function gridConfigs(): RunConfigInput[] {
  const out: RunConfigInput[] = [];
  for (const dropout of GRID.dropout)
    for (const learning_rate of GRID.learning_rate)
      for (const hidden_size of GRID.hidden_size) for (const num_layers of GRID.num_layers) out.push({ ...FIXED, dropout, learning_rate, hidden_size, num_layers });
  return out;
}

function sweepYaml(): string {
  const lines = ["method: grid", "seed: 1", "metric: {name: val_loss, goal: minimize}", "parameters:"];
  for (const [k, v] of Object.entries(FIXED)) lines.push(`  ${k}: {value: ${v}}`);
  for (const [k, v] of Object.entries(GRID)) lines.push(`  ${k}: {values: [${v.join(", ")}]}`);
  return lines.join("\n") + "\n";
}

function exited(child: ReturnType<typeof spawn>, what: string): Promise<string> {
  let out = "", err = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err = (err + d).slice(-2000)));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${what} exited ${code}: ${err.trim() || out.slice(-500)}`))));
  });
}

/** `npm run sweep -- FILE --concurrency 2 --quiet` (without npm's own start-up): its stdout and wall seconds. */
async function sweepCli(file: string, db: string, env: Record<string, string> = {}): Promise<{ out: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["scripts/cli.mjs", "sweep", file, "--concurrency", "2", "--quiet"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${db}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = await exited(child, "npm run sweep");
  return { out, seconds: (performance.now() - started) / 1000 };
}

/** (a) the grid through `npm run sweep`: wall seconds and the best val_loss. */
async function sweeplab(dir: string, db: string, env: Record<string, string> = {}): Promise<{ seconds: number; best: number; runs: number }> {
  const file = path.join(dir, "grid.yaml");
  fs.writeFileSync(file, sweepYaml());
  const { out, seconds } = await sweepCli(file, db, env);
  const id = /^sweep (\S+) \(/m.exec(out)?.[1];
  if (!id) throw new Error(`npm run sweep printed no sweep id:\n${out.slice(0, 500)}`);
  const runs = await sweepRuns(id);
  if (runs.length !== 16 || runs.some((r) => r.state !== "finished")) throw new Error(`sweep ${id}: ${runs.map((r) => r.state).join(", ")}`);
  return { seconds, best: Math.min(...runs.map((r) => Number(r.summary.val_loss_best))), runs: runs.length };
}

/** (b) two agents, each starting one PyTorch process per run, taking the next run when one ends. */
async function reference(corpusFile: string): Promise<{ seconds: number; best: number; perRun: number[] }> {
  const queue = gridConfigs();
  const results: { val_loss_best: number; seconds: number }[] = [];
  const started = performance.now();
  const agent = async () => {
    for (let config = queue.shift(); config; config = queue.shift()) {
      const child = spawn(PYTHON, [SCRIPT, corpusFile, JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe"] });
      results.push(JSON.parse((await exited(child, "charlm_run.py")).trim().split("\n").pop()!));
    }
  };
  await Promise.all([agent(), agent()]);
  return { seconds: (performance.now() - started) / 1000, best: Math.min(...results.map((r) => r.val_loss_best)), perRun: results.map((r) => r.seconds) };
}

/** The same 16 runs back to back in this process, warm: training with its evaluations, and without (ms each). */
function inProcess(): { withEval: number; trainOnly: number } {
  let withEval = 0, trainOnly = 0;
  for (const config of [gridConfigs()[15], ...gridConfigs()]) {
    const a = performance.now();
    for (const _ of new Trainer(config).run());
    const b = performance.now();
    for (const _ of new Trainer({ ...config, eval_every: 1e6 }).run()); // (one evaluation, at the end)
    const c = performance.now();
    if (config !== gridConfigs()[15] || withEval > 0) [withEval, trainOnly] = [withEval + (b - a), trainOnly + (c - b)];
  }
  return { withEval, trainOnly };
}

/** The grid through the executor in this process, each worker timed. */
async function breakdown(dir: string, db: string): Promise<void> {
  // the CLI's own cost: a sweep of one run of one step
  const trivial = path.join(dir, "trivial.yaml");
  fs.writeFileSync(trivial, "method: grid\nparameters:\n  task: {value: quadrant}\n  steps: {value: 1}\n");
  const cli = Math.min((await sweepCli(trivial, db)).seconds, (await sweepCli(trivial, db)).seconds);
  const inner = processLauncher();
  const workers: { startup: number; life: number }[] = [];
  const launcher: Launcher = {
    launch(input, onMessage, run) {
      const spawned = performance.now();
      let first = 0;
      const handle = inner.launch(input, (m) => {
        if (!first) first = performance.now();
        onMessage(m);
      }, run);
      void handle.exited.then(() => workers.push({ startup: first - spawned, life: performance.now() - spawned }));
      return handle;
    },
  };
  const parameters = { ...Object.fromEntries(Object.entries(FIXED).map(([k, v]) => [k, { value: v }])), ...Object.fromEntries(Object.entries(GRID).map(([k, v]) => [k, { values: v }])) };
  const result = await runSweep({ method: "grid", seed: 1, metric: { name: "val_loss", goal: "minimize" }, parameters }, 2, { launcher });
  const sum = (f: (w: (typeof workers)[number]) => number) => workers.reduce((a, w) => a + f(w), 0);
  const warm = inProcess();
  console.log(`     where the time goes (the grid through the executor in this process, ${fmt(result.seconds, 2)} s wall at concurrency 2):`);
  report("  npm run sweep's own start-up and end (1 run of 1 step)", `${fmt(cli, 2)} s`);
  report("  workers' lifetimes, summed (launch → end of run)", `${fmt(sum((w) => w.life) / 1000, 2)} s  (÷ 2 cores: ${fmt(sum((w) => w.life) / 2000, 2)} s)`);
  report("  of which launch → first message (sum)", `${fmt(sum((w) => w.startup) / 1000, 2)} s  (${fmt(sum((w) => w.startup) / workers.length, 0)} ms a run)`);
  report("  executor's own CPU (this process)", `${fmt(result.parentCpu, 2)} s`);
  report("  the 16 runs in one warm process: training + evaluation", `${fmt(warm.withEval / 1000, 2)} s  (evaluation ≈ ${fmt(Math.max(0, warm.withEval - warm.trainOnly) / 1000, 2)} s)`);
  report("  process cost beyond warm training (lifetimes − warm)", `${fmt((sum((w) => w.life) - warm.withEval) / 1000, 2)} s  (${fmt((sum((w) => w.life) - warm.withEval) / workers.length, 0)} ms a run)`);
}

export async function run(): Promise<void> {
  header("Sweep throughput: 16 char-LSTM runs, Sweeplab vs two agents × one PyTorch process per run");
  const scratch = scratchDatabase("sweeplab-bench-throughput-");
  const { dir, file: db } = scratch;
  const corpusFile = path.join(dir, "corpus.txt");
  fs.writeFileSync(corpusFile, BUILTIN_CORPUS);
  const baselines = speedBaselines();
  const torch = baselines.torch;
  console.log(`     load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores; PyTorch: ${torch ? `run here (${baselines.note})` : `not run here (${baselines.note}; set PYTHON): the RECORDED figure stands in`}`);
  try {
    const ours: Awaited<ReturnType<typeof sweeplab>>[] = [];
    const fresh: Awaited<ReturnType<typeof sweeplab>>[] = [];
    const theirs: Awaited<ReturnType<typeof reference>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(await sweeplab(dir, db));
      if (torch) theirs.push(await reference(corpusFile));
      fresh.push(await sweeplab(dir, db, { SWEEPLAB_WORKER_REUSE: "0" }));
    }
    const best = <T extends { seconds: number }>(xs: T[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const a = best(ours);
    report(`Sweeplab, npm run sweep --concurrency 2 (best of ${ROUNDS})`, `${fmt(a.seconds, 2)} s (${ours.map((o) => fmt(o.seconds, 2)).join(", ")}); best val_loss ${a.best.toFixed(3)}`);
    report(`  the same, a new worker process per run (SWEEPLAB_WORKER_REUSE=0)`, `${fmt(best(fresh).seconds, 2)} s (${fresh.map((o) => fmt(o.seconds, 2)).join(", ")}): reuse saves ${fmt((1 - a.seconds / best(fresh).seconds) * 100, 0)} %`);
    let refSeconds: number, label: string;
    if (torch) {
      const b = best(theirs);
      const perRun = b.perRun.reduce((x, y) => x + y, 0) / b.perRun.length;
      report(`2 agents × PyTorch process per run (best of ${ROUNDS})`, `${fmt(b.seconds, 2)} s (${theirs.map((o) => fmt(o.seconds, 2)).join(", ")}); best val_loss ${b.best.toFixed(3)}; ${fmt(perRun, 2)} s a process`);
      [refSeconds, label] = [b.seconds, "measured here"];
    } else {
      [refSeconds, label] = [RECORDED.seconds, `RECORDED ${RECORDED.date}`];
      report("2 agents × PyTorch process per run", `${fmt(refSeconds, 2)} s (RECORDED ${RECORDED.date}, not measured in this run)`);
    }
    const ratio = refSeconds / a.seconds;
    report(`Sweeplab speed-up over the agent pattern (${label})`, `${fmt(ratio, 2)}×`, { ok: ratio >= TARGET, target: `≥ ${TARGET}×` });
    await breakdown(dir, db);
  } finally {
    await scratch.done();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
