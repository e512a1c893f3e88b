// The run-time model of engine/speed.ts against real runs: each config below runs as a sweep
// of 3 replicates at concurrency 1 through the real executor (worker processes, a SQLite file),
// so a run's time is what a sweep spends on it: spawn (its first run), training, evaluation,
// samples and the executor's own work. Each is compared with the form's estimate of the sweep
// (sweeps/estimate.ts at MEASURED_SPEED) per run, and the five constants are fitted again by
// least squares on relative error over the stored runs, so that MEASURED_SPEED can be updated
// from this output on other hardware.
// Target: every estimate within a factor of 2 of the measured time (the form shows it as "about").
// Then what a server shows once it has finished runs: each config estimated at the speed
// calibrated (sweeps/estimate.ts calibrateSpeed) on the other configs' runs as the store keeps
// them. Target: within ×1.5.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { resolveRunConfig, type RunConfigInput } from "../engine/config";
import { fitSpeed, MEASURED_SPEED, type Speed } from "../engine/speed";
import { disconnectPrisma, recentRunTimes } from "../prisma/store";
import { parseSweepConfig } from "../sweeps/config";
import { calibrateSpeed, meanRunMs, runTimeWork } from "../sweeps/estimate";
import { defaultWorkerCommand } from "../sweeps/launcher";
import { runSweep } from "./sweeps";
import { fmt, header, report } from "./util";

/** Configs of different shapes: start-up bound, call bound (long sequences, small matrices), flop bound. */
export const SPEED_CONFIGS: RunConfigInput[] = [
  { task: "quadrant", hidden_size: 64, steps: 200, eval_every: 10 },
  { task: "quadrant", hidden_size: 512, batch_size: 128, steps: 200, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 32, seq_length: 16, batch_size: 8, steps: 200, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 128, seq_length: 32, batch_size: 16, steps: 200, eval_every: 50 },
  // layer norm: the same products as without, and 1.5 to 1.75 times the time (its elementwise passes)
  { task: "charlm", cell: "lstm", layernorm: true, hidden_size: 64, seq_length: 32, batch_size: 16, steps: 200, eval_every: 50 },
  { task: "charlm", cell: "gru", hidden_size: 64, seq_length: 64, batch_size: 8, steps: 150, eval_every: 50 },
  { task: "charlm", cell: "rnn", hidden_size: 256, seq_length: 32, batch_size: 32, steps: 100, eval_every: 50 },
  { task: "charlm", cell: "lstm", hidden_size: 256, num_layers: 2, seq_length: 32, batch_size: 32, steps: 40, eval_every: 20 },
  { task: "charlm", cell: "lstm", hidden_size: 512, seq_length: 32, batch_size: 32, steps: 20, eval_every: 10, sample_every: 0 },
  { task: "delayed_recall", hidden_size: 32, steps: 500, eval_every: 25, delay: 12 },
  { task: "repeated_ones", cell: "rnn", hidden_size: 16, seq_length: 32, steps: 500, eval_every: 50 },
  // long runs of small models: batch bound (per batch: drawing it, the loss, the update, the report)
  { task: "quadrant", hidden_size: 64, steps: 5000, eval_every: 500 },
  { task: "quadrant", hidden_size: 16, steps: 10000, eval_every: 1000 },
  { task: "charlm", cell: "gru", hidden_size: 16, seq_length: 8, batch_size: 4, steps: 3000, eval_every: 500 },
];

const REPLICATES = 3;

/** The sweep of this one config: REPLICATES runs, one at a time. */
function sweepOf(config: RunConfigInput): Record<string, unknown> {
  return { method: "grid", replicates: REPLICATES, concurrency: 1, parameters: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])) };
}

/** The form's estimate of a run of this sweep, on average (its first run starts its worker): ms. */
function sweepRunMs(config: RunConfigInput, speed: Speed = MEASURED_SPEED): number {
  const parsed = parseSweepConfig(sweepOf(config));
  if (!parsed.ok) throw new Error(`speed bench: ${parsed.issues[0].path}: ${parsed.issues[0].message}`);
  return meanRunMs(parsed.config, speed)!;
}

/** Wall time per run of a sweep of this one config, run one at a time (ms), and the sweep. */
async function measureMs(config: RunConfigInput): Promise<{ ms: number; sweepId: string }> {
  const { seconds, runs, sweepId } = await runSweep(sweepOf(config), 1);
  if (runs.length !== REPLICATES) throw new Error(`speed bench: ${runs.length} runs, expected ${REPLICATES}`);
  return { ms: (seconds * 1000) / REPLICATES, sweepId };
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
  const warmup = (await measureMs(SPEED_CONFIGS[0])).sweepId;
  const measured: { input: RunConfigInput; ms: number; sweepId: string }[] = [];
  let worst = 1;
  for (const input of SPEED_CONFIGS) {
    const config = resolveRunConfig(input);
    const { ms, sweepId } = await measureMs(input);
    measured.push({ input, ms, sweepId });
    const est = sweepRunMs(input);
    const ratio = est / ms;
    worst = Math.max(worst, ratio, 1 / ratio);
    const label = `${config.task} ${config.task === "quadrant" ? "mlp" : `${config.num_layers}×${config.cell}`}${config.layernorm ? "+ln" : ""} h${config.hidden_size} b${config.batch_size} T${config.seq_length} ×${config.steps}`;
    report(label, `${fmt(ms, 0)} ms measured, ${fmt(est, 0)} ms estimated (×${ratio.toFixed(2)})`);
  }
  report("worst estimate / measured", `×${worst.toFixed(2)}`, { ok: worst <= 2, target: "within ×2" });
  // the constants again, fitted on every run as the store keeps it (each with whether it started its worker)
  const stored = await recentRunTimes({ limit: 1000 });
  const fit = fitSpeed(stored.filter((r) => r.sweepId !== warmup).map(runTimeWork))!;
  const show = (s: Speed) =>
    `{ startupMs: ${s.startupMs.toFixed(0)}, spawnMs: ${(s.spawnMs ?? 0).toFixed(0)}, flopsPerMs: ${s.flopsPerMs.toExponential(2)}, msPerCall: ${s.msPerCall.toPrecision(3)}, msPerBatch: ${(s.msPerBatch ?? 0).toPrecision(3)}, msPerElement: ${(s.msPerElement ?? 0).toPrecision(3)} }`;
  console.log(`     fitted on this machine: ${show(fit)}   recorded (engine/speed.ts): ${show(MEASURED_SPEED)}`);

  // What the form shows once a server has trained runs (sweeps/estimate.ts calibrateSpeed on the
  // runs the store returns, as app/sweeps/new does): each config estimated from the stored runs of
  // the other configs only, so no run is priced on its own time. Measured here against the
  // config's runs as the store records them (startedAt → finishedAt, what a calibration sees: a
  // sweep's first run carries its worker's spawn, the gaps between runs ~10-25 ms are in none),
  // beside the recorded constants against the same. Both sides are a run of the sweep on
  // average: the estimate prices one spawn over its 3 runs, as the form does.
  const worstOf = { calibrated: 1, recorded: 1 };
  for (const m of measured) {
    const calibration = calibrateSpeed(stored.filter((r) => r.sweepId !== m.sweepId && r.sweepId !== warmup));
    if (!calibration) throw new Error("speed bench: too few stored runs to calibrate on");
    const own = stored.filter((r) => r.sweepId === m.sweepId).map((r) => r.ms);
    const ms = own.reduce((a, b) => a + b, 0) / own.length;
    const ratio = sweepRunMs(m.input, calibration.speed) / ms;
    const recorded = sweepRunMs(m.input) / ms;
    console.log(`       stored ${own.map((t) => t.toFixed(0)).join(" and ")} ms: calibrated ×${ratio.toFixed(2)}, recorded ×${recorded.toFixed(2)}   ${show(calibration.speed)} on ${calibration.runs} runs`);
    worstOf.calibrated = Math.max(worstOf.calibrated, ratio, 1 / ratio);
    worstOf.recorded = Math.max(worstOf.recorded, recorded, 1 / recorded);
  }
  report("calibrated on this server's other runs: worst estimate / stored run time", `×${worstOf.calibrated.toFixed(2)} (recorded constants: ×${worstOf.recorded.toFixed(2)})`, {
    ok: worstOf.calibrated <= 1.5,
    target: "within ×1.5",
  });
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
