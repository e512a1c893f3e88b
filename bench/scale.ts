// The scale-out store (issue 15), SQLite and PostgreSQL side by side, each on a fresh database:
//   1. metric ingestion from 8 concurrent writer processes (the store's appendRunEvents, as 8
//      servers/agents write), each warmed by a few reports first as a process that has been
//      logging is: points per second; target ≥ 200,000 on Postgres and never below SQLite;
//   2. claims: 1,000 queued runs claimed by 16 concurrent claimers: duplicates (must be 0) and rate;
//   3. the runs table at 100,000 runs: first page p50 (target ≤ 150 ms on both).
// Postgres must be running (RECIPE.md); without it the section says so and stops.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { prisma } from "../prisma/client";
import { createScratchDatabase } from "../prisma/postgres";
import { claimNextRun, createRun, createSweep, disconnectPrisma, queryRunsTable } from "../prisma/store";
import { fmt, header, percentile, repeat, report } from "./util";

const WRITERS = 8;
const BATCHES = 30;
const BATCH_STEPS = 1000; // × 5 metrics: 5,000 points a batch, 150,000 a writer (6 s or so: shorter spans were ±10% on 2 cores) (after WARM untimed batches)
const WARM = 5;
const CLAIMS = 1000;
const CLAIMERS = 16;
const TABLE_RUNS = 100_000;
const root = path.resolve(import.meta.dirname, "..");

async function use(url: string): Promise<void> {
  await disconnectPrisma();
  process.env.DATABASE_URL = url;
}

async function ingest(url: string): Promise<number> {
  await use(url);
  const ids = [];
  for (let i = 0; i < WRITERS; i++) ids.push((await createRun({ name: `writer-${i}`, config: { task: "charlm" } })).id);
  await disconnectPrisma();
  const writers = ids.map((id) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/scale-writer.ts")], { cwd: root, env: { ...process.env, DATABASE_URL: url, RUN_ID: id, BATCHES: String(BATCHES), BATCH_STEPS: String(BATCH_STEPS), WARM: String(WARM) }, stdio: ["pipe", "pipe", "inherit"] });
    const lines = readline.createInterface({ input: child.stdout! });
    const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
    return { child, next };
  });
  const ready = writers.map((w) => w.next());
  await Promise.all(ready);
  const done = writers.map((w) => w.next());
  for (const w of writers) w.child.stdin!.end("go\n"); // (closed: a writer with its stdin open would never exit)
  const spans = (await Promise.all(done)).map((l) => JSON.parse(l) as { started: number; ended: number; cpuMs: number });
  const seconds = (Math.max(...spans.map((s) => s.ended)) - Math.min(...spans.map((s) => s.started))) / 1000;
  const cpu = spans.reduce((sum, s) => sum + s.cpuMs, 0) / 1000;
  console.log(`     (${fmt(seconds, 2)} s; the writer processes used ${fmt(cpu, 2)} s of CPU of the ${fmt(seconds * os.cpus().length, 2)} s there were, the database the rest)`);
  return (WRITERS * BATCHES * BATCH_STEPS * 5) / seconds;
}

async function claims(url: string): Promise<{ rate: number; duplicates: number; claimed: number }> {
  await use(url);
  const sweep = await createSweep({ config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
  const rows = Array.from({ length: CLAIMS }, (_, i) => ({ id: `c${String(i).padStart(6, "0")}`, name: `q-${i}`, sweepId: sweep.id, index: i, config: "{}" }));
  await prisma().run.createMany({ data: rows });
  const got: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLAIMERS }, async (_, k) => {
      for (;;) {
        const run = await claimNextRun(`bench:${k}`, { sweepId: sweep.id });
        if (!run) return;
        got.push(run.id);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: got.length / seconds, duplicates: got.length - new Set(got).size, claimed: got.length };
}

async function table(url: string): Promise<number> {
  await use(url);
  const sweep = await createSweep({ config: { method: "random" }, rawConfig: "method: random", method: "random", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
  const t0 = Date.now();
  for (let i = 0; i < TABLE_RUNS; i += 5000) {
    const rows = Array.from({ length: 5000 }, (_, j) => {
      const n = i + j;
      const lr = 10 ** (-4 + (n % 997) / 332);
      return {
        id: `t${String(n).padStart(7, "0")}`,
        name: `run-${n}`,
        sweepId: sweep.id,
        index: n,
        state: "finished",
        config: JSON.stringify({ task: "charlm", learning_rate: lr, hidden_size: 32 * (1 + (n % 4)), dropout: (n % 5) / 10 }),
        params: JSON.stringify({ learning_rate: lr }),
        summary: JSON.stringify({ val_loss: 1 + ((n * 7919) % 1000) / 1000, train_loss: 1 + ((n * 104729) % 1000) / 1000 }),
        lastStep: 1000,
        createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000),
      };
    });
    await prisma().run.createMany({ data: rows });
  }
  console.log(`     (${fmt(TABLE_RUNS, 0)} runs stored in ${fmt((Date.now() - t0) / 1000, 1)} s)`);
  const columns = ["name", "state", "config.learning_rate", "config.hidden_size", "summary.val_loss", "summary.train_loss"];
  const samples = await repeat(15, () => queryRunsTable({ columns, sort: { field: "summary.val_loss", desc: false }, limit: 50, offset: 0 }));
  return percentile(samples, 50);
}

export async function run(): Promise<void> {
  header("The scale-out store: SQLite and PostgreSQL side by side (fresh databases)");
  let pg: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    pg = await createScratchDatabase("sweeplab_bench");
  } catch (error) {
    console.log(`     skipped: ${(error as Error).message}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-scale-"));
  const sqlite = (name: string) => `file:${path.join(dir, `${name}.db`)}`;
  try {
    const [sIngest, pIngest] = [await ingest(sqlite("ingest")), await ingest(pg.url)];
    report(`ingestion, ${WRITERS} writer processes, SQLite`, `${fmt(sIngest, 0)} points/s`);
    report(`ingestion, ${WRITERS} writer processes, PostgreSQL`, `${fmt(pIngest, 0)} points/s (${fmt(pIngest / sIngest, 2)}× SQLite)`, { ok: pIngest >= 200_000 && pIngest >= sIngest, target: "≥ 200,000 and ≥ SQLite" });
    for (const [name, url] of [["SQLite", sqlite("claims")], ["PostgreSQL", pg.url]] as const) {
      const c = await claims(url);
      report(`claims, ${CLAIMS} queued runs, ${CLAIMERS} claimers, ${name}`, `${fmt(c.rate, 0)} claims/s, ${c.claimed} claimed, ${c.duplicates} duplicates`, { ok: c.duplicates === 0 && c.claimed === CLAIMS, target: "every run once" });
    }
    for (const [name, url] of [["SQLite", sqlite("table")], ["PostgreSQL", pg.url]] as const) {
      const p50 = await table(url);
      report(`runs table at ${fmt(TABLE_RUNS, 0)} runs, first page (sorted by val_loss), ${name}`, `p50 ${fmt(p50, 1)} ms`, { ok: p50 <= 150, target: "≤ 150 ms" });
    }
  } finally {
    await disconnectPrisma();
    await pg.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
