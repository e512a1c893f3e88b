// Ingestion over the logging API: the points per second one server (the route server: the same
// route handlers and Coordinator as `next start`) stores from 8 programs logging at once, each a
// Node child process using the TypeScript client (clients/ts). Baseline, measured in the same
// run: the store's own appendRunEvents in this process, fed the same batches with no HTTP.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startRouteServer } from "../app/_server/testdata/start-route-server";
import { buildClient, runScript } from "../clients/ts/testdata/harness";
import { fmt, header, report, timeIt } from "./util";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-ingest-"));
process.env.DATABASE_URL = `file:${path.join(dir, "baseline.db")}`;

const CLIENTS = 8;
const METRICS = 5;
const STEPS = 10_000; // × 5 metrics = 50,000 points per client
const BATCH_STEPS = 2_000; // 10,000 values: the largest batch the server takes

/** A program's training loop: STEPS steps of METRICS metrics, yielding to the event loop now and then as real training would. */
const program = `
  import * as sweeplab from __CLIENT__;
  const run = await sweeplab.init({ project: "bench", config: { client: Number(process.env.CLIENT_INDEX) } });
  const started = Date.now();
  for (let step = 0; step < ${STEPS}; step++) {
    const values = {};
    for (let m = 0; m < ${METRICS}; m++) values["metric_" + m] = Math.sin(step * (m + 1)) / (m + 1);
    run.log(values, { step });
    if (step % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await run.finish();
  console.log(JSON.stringify({ id: run.id, started, ended: Date.now(), duplicates: run.duplicates }));
`;

function batchValues(step0: number): { step: number; time: number; values: Record<string, number> }[] {
  const lines = [];
  for (let step = step0; step < step0 + BATCH_STEPS; step++) {
    const values: Record<string, number> = {};
    for (let m = 0; m < METRICS; m++) values[`metric_${m}`] = Math.sin(step * (m + 1)) / (m + 1);
    lines.push({ step, time: step / 100, values });
  }
  return lines;
}

export async function run(): Promise<void> {
  header(`Ingestion over the logging API (${CLIENTS} Node programs using clients/ts, one route server, SQLite)`);
  buildClient();
  const points = CLIENTS * STEPS * METRICS;

  // 1. over HTTP: 8 child processes at once
  const srv = await startRouteServer({ DATABASE_URL: `file:${path.join(dir, "server.db")}`, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
  let httpRate = 0;
  try {
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runScript(dir, `client${i}.mjs`, program, { SWEEPLAB_URL: srv.base, CLIENT_INDEX: String(i) })));
    const failed = results.find((r) => r.code !== 0);
    if (failed) throw new Error(`a client failed (${failed.code}): ${failed.stderr.slice(0, 400)}`);
    const spans = results.map((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as { started: number; ended: number });
    const seconds = (Math.max(...spans.map((s) => s.ended)) - Math.min(...spans.map((s) => s.started))) / 1000;
    httpRate = points / seconds;
    console.log(`     (${fmt(points, 0)} points in ${fmt(seconds, 2)} s, from each program's first log to the last finish)`);
  } finally {
    srv.server.kill("SIGKILL");
  }

  // 2. the baseline: the same batches into the store in this process, one at a time
  const { appendRunEvents, createRun, disconnectPrisma } = await import("../prisma/store");
  const runs = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => createRun({ index: i, config: {} })));
  const store = await timeIt(async () => {
    for (let step0 = 0, seq = 1; step0 < STEPS; step0 += BATCH_STEPS, seq++) {
      for (const r of runs) await appendRunEvents([{ runId: r.id, seq, metrics: batchValues(step0) }]);
    }
  });
  const storeRate = points / (store.ms / 1000);
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });

  report(`logging API, ${CLIENTS} clients × ${fmt(STEPS * METRICS, 0)} points`, `${fmt(httpRate, 0)} points/s`, { ok: httpRate >= 50_000, target: "≥ 50,000" });
  report("store's appendRunEvents in-process, same batches (baseline)", `${fmt(storeRate, 0)} points/s`);
  report("logging API / store in-process", `${fmt(httpRate / storeRate, 2)}×`);
}
