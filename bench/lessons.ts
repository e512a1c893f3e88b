// The lecture's lesson on long-range memory, measured: `npm run bench -- lessons` (or
// `npx tsx bench/lessons.ts`; not part of the default `npm run bench`: ~35 runs, a few minutes).
//
// delayed_recall at delay 40, 2000 steps, every other key at the engine's default. Both cells get
// the same learning-rate grid (the default in the middle) and seeds 1–5; each run trains in a
// worker process, as the app's runs do. The table is the final val_acc of every run; then each
// cell at its best learning rate, the figures of issue 12 and, for reference, the LSTM with the
// forget-gate bias of 1 that the engine used before (forget_bias: one).
// Then the float64 PyTorch replay of seed 1 of each cell at the defaults (bench/recall-replay.ts;
// skipped without torch, or with --no-replay).
import os from "node:os";
import type { RunConfigInput } from "../engine/config";
import { DEFAULT_RUN_CONFIG } from "../engine/config";
import { defaultWorkerCommand, processLauncher } from "../sweeps/launcher";
import { header, report } from "./util";

export const LESSON: RunConfigInput = { task: "delayed_recall", delay: 40, steps: 2000 };
export const LR_GRID = [0.003, DEFAULT_RUN_CONFIG.learning_rate, 0.03];
export const SEEDS = [1, 2, 3, 4, 5];
/** A run "solves" the task when its final val_acc reaches this (chance is 1/8). */
export const SOLVED = 0.95;
const TARGET = { gap: 0.3, solved: 4 };

interface Row {
  label: string;
  lr: number;
  config: RunConfigInput;
  acc: (number | null)[];
}

/** Final val_acc of one run, trained by the worker; null if it did not finish. */
function trainInWorker(config: RunConfigInput, command: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    let acc: number | null = null;
    const handle = processLauncher({ command }).launch({ config: config as never }, (m) => {
      if (m.type === "done" && m.state === "finished") acc = m.summary.val_acc ?? null;
      if (m.type === "error") console.error(`  worker error: ${m.message}`);
    });
    void handle.exited.then(() => resolve(acc));
  });
}

async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  return out;
}

const mean = (xs: (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0) / xs.length;
const solved = (xs: (number | null)[]) => xs.filter((x) => x !== null && x >= SOLVED).length;
const f2 = (x: number | null) => (x === null ? "  -  " : x.toFixed(2).padStart(5));

export async function run(): Promise<void> {
  header("lessons: long-range memory — delayed_recall, RNN vs LSTM");
  const concurrency = Math.max(1, Math.min(4, os.availableParallelism()));
  const command = defaultWorkerCommand();
  const rows: Row[] = [];
  for (const cell of ["rnn", "lstm"] as const)
    for (const lr of LR_GRID) rows.push({ label: cell, lr, config: { ...LESSON, cell, learning_rate: lr }, acc: [] });
  const ablation: Row = { label: "lstm, forget_bias one", lr: DEFAULT_RUN_CONFIG.learning_rate, config: { ...LESSON, cell: "lstm", forget_bias: "one" }, acc: [] };
  rows.push(ablation);
  console.log(`delay ${LESSON.delay}, ${LESSON.steps} steps, other keys at their defaults; learning rates ${LR_GRID.join(", ")} (default ${DEFAULT_RUN_CONFIG.learning_rate}); seeds ${SEEDS.join(", ")}; ${rows.length * SEEDS.length} runs, ${concurrency} at a time`);
  console.log(`final val_acc (chance 0.125; solved: ≥ ${SOLVED})\n`);
  const started = performance.now();
  const jobs = rows.flatMap((r) => SEEDS.map((seed, s) => async () => {
    r.acc[s] = await trainInWorker({ ...r.config, seed }, command);
  }));
  await pool(jobs, concurrency);

  console.log(`| cell | learning rate | ${SEEDS.map((s) => `seed ${s}`).join(" | ")} | mean 1–3 | mean 1–5 | solved |`);
  console.log(`|---|---|${SEEDS.map(() => "---|").join("")}---|---|---|`);
  for (const r of rows)
    console.log(`| ${r.label} | ${r.lr}${r.lr === DEFAULT_RUN_CONFIG.learning_rate ? " (default)" : ""} | ${r.acc.map(f2).join(" | ")} | ${f2(mean(r.acc.slice(0, 3)))} | ${f2(mean(r.acc))} | ${solved(r.acc)}/${SEEDS.length} |`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)\n`);

  const at = (cell: string, lr: number) => rows.find((r) => r.label === cell && r.lr === lr)!;
  const best = (cell: string) => rows.filter((r) => r.label === cell).reduce((a, b) => (mean(b.acc) > mean(a.acc) ? b : a));
  const lr0 = DEFAULT_RUN_CONFIG.learning_rate;
  const lstm = at("lstm", lr0), rnn = at("rnn", lr0), bestLstm = best("lstm"), bestRnn = best("rnn");
  const gap = mean(lstm.acc.slice(0, 3)) - mean(rnn.acc.slice(0, 3));
  report("LSTM − RNN, mean val_acc over seeds 1–3 (defaults)", gap.toFixed(2), { ok: gap >= TARGET.gap, target: `≥ ${TARGET.gap}` });
  report("LSTM seeds solved (defaults)", `${solved(lstm.acc)}/${SEEDS.length}`, { ok: solved(lstm.acc) >= TARGET.solved, target: `≥ ${TARGET.solved}/${SEEDS.length}` });
  const fair = mean(bestLstm.acc.slice(0, 3)) - mean(bestRnn.acc.slice(0, 3));
  report("LSTM − RNN, each at its best lr, seeds 1–3", `${fair.toFixed(2)} (LSTM ${bestLstm.lr}, RNN ${bestRnn.lr})`, { ok: fair >= TARGET.gap, target: `≥ ${TARGET.gap}` });
  report("LSTM with forget_bias one (the old init): solved", `${solved(ablation.acc)}/${SEEDS.length}, mean ${mean(ablation.acc).toFixed(2)}`);

  if (!process.argv.includes("--no-replay")) {
    const { replayReport } = await import("./recall-replay");
    for (const cell of ["lstm", "rnn"] as const) await replayReport({ ...LESSON, cell, seed: 1 });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
