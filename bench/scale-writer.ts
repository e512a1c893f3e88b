// A writer process of bench/scale.ts: appends BATCHES report batches of BATCH_STEPS steps × 5
// metrics to its run through the store (as a server or agent does), after a go-signal on stdin
// (after WARM batches before it).
import { appendRunEvents, disconnectPrisma } from "../prisma/store";

const runId = process.env.RUN_ID!;
const batches = Number(process.env.BATCHES);
const steps = Number(process.env.BATCH_STEPS);
const WARM = Number(process.env.WARM ?? 5);
function batch(b: number) {
  const metrics = [];
  for (let s = b * steps; s < (b + 1) * steps; s++) {
    const values: Record<string, number> = {};
    for (let m = 0; m < 5; m++) values[`metric_${m}`] = Math.sin(s * (m + 1)) / (m + 1);
    metrics.push({ step: s, time: s / 100, values });
  }
  return [{ runId, seq: b + 1, metrics }];
}
// WARM batches before the clock starts, as a server or agent that has been logging runs has
// done: its connections open, the migrations checked, its code compiled (8 processes compiling
// at once on 2 cores took a third of the timed CPU) — a process's start is not ingestion
for (let b = 0; b < WARM; b++) await appendRunEvents(batch(b));
process.stdout.write("ready\n");
await new Promise((r) => process.stdin.once("data", r));
const started = Date.now();
const cpu = process.cpuUsage();
for (let b = WARM; b < WARM + batches; b++) await appendRunEvents(batch(b));
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ started, ended: Date.now(), cpuMs: (used.user + used.system) / 1000 }) + "\n");
await disconnectPrisma();
