// The run-time model of engine/speed.ts against real runs: each config below runs as a sweep
// of 2 replicates at concurrency 1 through the real executor (worker processes, a SQLite file),
// so a run's time is what a sweep spends on it: spawn, training, evaluation, samples and the
// executor's own work. Each is compared with estimateRunMs(MEASURED_SPEED), and the three
// constants are fitted again by least squares on relative error, so that MEASURED_SPEED can be
// updated from this output on other hardware.
// Target: every estimate within a factor of 2 of the measured time (the form shows it as "about").
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resolveRunConfig, type RunConfigInput } from "../engine/config";
import { estimateRunMs, MEASURED_SPEED, runWork, type Speed } from "../engine/speed";
import { disconnectPrisma } from "../prisma/store";
import { defaultWorkerCommand } from "../sweeps/launcher";
import { runSweep } from "./sweeps";
import { fmt, header, report } from "./util";

/** Configs of different shapes: start-up bound, call bound (long sequences, small matrices), flop bound. */
export const SPEED_CONFIGS: RunConfigInput[] = [
  { task: "quadrant", hidden_size: 64, steps: 200, eval_every: 10 },
  { task: "quadrant", hidden_size: 512, batch_size: 128, steps: 200, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 32, seq_length: 16, batch_size: 8, steps: 200, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 128, seq_length: 32, batch_size: 16, steps: 200, eval_every: 50 },
  { task: "charlm", cell: "gru", hidden_size: 64, seq_length: 64, batch_size: 8, steps: 150, eval_every: 50 },
  { task: "charlm", cell: "rnn", hidden_size: 256, seq_length: 32, batch_size: 32, steps: 100, eval_every: 50 },
  { task: "charlm", cell: "lstm", hidden_size: 256, num_layers: 2, seq_length: 32, batch_size: 32, steps: 40, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 512, seq_length: 32, batch_size: 32, steps: 20, eval_every: 10, sample_every: 0 },
  { task: "delayed_recall", hidden_size: 32, steps: 500, eval_every: 25, delay: 12 },
  { task: "repeated_ones", cell: "rnn", hidden_size: 16, seq_length: 32, steps: 500, eval_every: 50 },
];

const REPLICATES = 2;

/** Wall time per run of a sweep of this one config, run one at a time (ms). */
async function measureMs(config: RunConfigInput): Promise<number> {
  const parameters = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }]));
  const { seconds, runs } = await runSweep({ method: "grid", replicates: REPLICATES, parameters }, 1);
  if (runs.length !== REPLICATES) throw new Error(`speed bench: ${runs.length} runs, expected ${REPLICATES}`);
  return (seconds * 1000) / REPLICATES;
}

/** Least squares on relative error: minimise Σ ((a + b·flops + c·calls) / measured − 1)². */
export function fitSpeed(rows: { flops: number; calls: number; ms: number }[]): Speed {
  const X = rows.map((r) => [1 / r.ms, r.flops / r.ms, r.calls / r.ms]);
  const A = [0, 1, 2].map((i) => [0, 1, 2].map((j) => X.reduce((s, x) => s + x[i] * x[j], 0)));
  const y = [0, 1, 2].map((i) => X.reduce((s, x) => s + x[i], 0));
  const [a, b, c] = solve3(A, y);
  return { startupMs: Math.max(a, 0), flopsPerMs: b > 0 ? 1 / b : Infinity, msPerCall: Math.max(c, 0) };
}

function solve3(A: number[][], y: number[]): number[] {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(A);
  return [0, 1, 2].map((k) => det(A.map((row, i) => row.map((v, j) => (j === k ? y[i] : v)))) / d);
}

export async function run(): Promise<void> {
  header("Run-time estimate (engine/speed.ts) against runs in real sweeps");
  // a database of its own (the sweeps suite, if it ran first, removed its own)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-speed-"));
  await disconnectPrisma();
  process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
  console.log(`     worker: ${defaultWorkerCommand().slice(1).join(" ")}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
  // warm-up, not counted: a server's executor is warm, and the first sweep of a process compiles
  // Prisma's query plans and the executor's code (the first config measured 213 ms run alone, 84 ms
  // after the other suites)
  await measureMs(SPEED_CONFIGS[0]);
  const rows: { flops: number; calls: number; ms: number }[] = [];
  let worst = 1;
  for (const input of SPEED_CONFIGS) {
    const config = resolveRunConfig(input);
    const ms = await measureMs(input);
    const est = estimateRunMs(config);
    const ratio = est / ms;
    worst = Math.max(worst, ratio, 1 / ratio);
    rows.push({ ...runWork(config), ms });
    const label = `${config.task} ${config.task === "quadrant" ? "mlp" : `${config.num_layers}×${config.cell}`} h${config.hidden_size} b${config.batch_size} T${config.seq_length} ×${config.steps}`;
    report(label, `${fmt(ms, 0)} ms measured, ${fmt(est, 0)} ms estimated (×${ratio.toFixed(2)})`);
  }
  report("worst estimate / measured", `×${worst.toFixed(2)}`, { ok: worst <= 2, target: "within ×2" });
  const fit = fitSpeed(rows);
  console.log(
    `     fitted on this machine: { startupMs: ${fit.startupMs.toFixed(0)}, flopsPerMs: ${fit.flopsPerMs.toExponential(2)}, msPerCall: ${fit.msPerCall.toPrecision(3)} }` +
      `   recorded (engine/speed.ts): { startupMs: ${MEASURED_SPEED.startupMs}, flopsPerMs: ${MEASURED_SPEED.flopsPerMs.toExponential(2)}, msPerCall: ${MEASURED_SPEED.msPerCall} }`,
  );
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
