// A writer process of bench/scale.ts: appends BATCHES report batches of BATCH_STEPS steps × 5
// metrics to its run through the store (as a server or agent does), after a go-signal on stdin.
import { appendRunEvents, disconnectPrisma } from "../prisma/store";

const runId = process.env.RUN_ID!;
const batches = Number(process.env.BATCHES);
const steps = Number(process.env.BATCH_STEPS);
await appendRunEvents([]); // (connects, migrations checked, before the clock starts)
process.stdout.write("ready\n");
await new Promise((r) => process.stdin.once("data", r));
const started = Date.now();
for (let b = 0; b < batches; b++) {
  const metrics = [];
  for (let s = b * steps; s < (b + 1) * steps; s++) {
    const values: Record<string, number> = {};
    for (let m = 0; m < 5; m++) values[`metric_${m}`] = Math.sin(s * (m + 1)) / (m + 1);
    metrics.push({ step: s, time: s / 100, values });
  }
  await appendRunEvents([{ runId, seq: b + 1, metrics }]);
}
process.stdout.write(JSON.stringify({ started, ended: Date.now() }) + "\n");
await disconnectPrisma();
