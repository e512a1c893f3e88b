// API benchmarks (issue 6): the runs table for 10,000 runs and the compare endpoint for
// 100 runs × 10,000 points, both through the route handlers (query parsing, store, JSON),
// printed with p50/p95. Plus the browser-side data shaping of the compare view (smoothing
// 100 downsampled curves), which runs before the canvas draws.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, header, percentile, repeat, report, timeIt } from "./util";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-api-"));
process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;

const { appendRunEvents, createRun, createSweep, disconnectPrisma } = await import("../prisma/store");
const { resolveRunConfig } = await import("../engine/config");
const tableRoute = await import("../app/api/compare/table/route");
const compareRoute = await import("../app/api/compare/route");
const sweepsRoute = await import("../app/api/sweeps/route");
const { prepareCurve } = await import("../app/_lib/curves");

async function call(handler: (req: Request) => Promise<Response>, url: string): Promise<{ status: number; bytes: number }> {
  const res = await handler(new Request(`http://bench${url}`));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} → ${res.status}: ${text.slice(0, 200)}`);
  return { status: res.status, bytes: text.length };
}

function line(label: string, times: number[], target: number, extra = ""): void {
  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  report(label, `p50 ${fmt(p50)} ms, p95 ${fmt(p95)} ms${extra}`, { ok: p95 < target, target: `p95 < ${target} ms` });
}

export async function run(): Promise<void> {
  header("API: runs table, compare and the sweeps list (route handlers, SQLite through Prisma)");

  // 10,000 runs in one sweep with config, params and a summary.
  const sweep = await createSweep({ name: "bench", config: {}, rawConfig: "", method: "random", metricName: "val_loss", metricGoal: "minimize", concurrency: 2, seed: 1 });
  const cells = ["rnn", "lstm", "gru"] as const;
  const made = await timeIt(async () => {
    for (let i = 0; i < 10_000; i += 500) {
      const batch = await Promise.all(
        Array.from({ length: 500 }, (_, j) => {
          const k = i + j;
          const params = { cell: cells[k % 3], dropout: (k % 10) / 20, learning_rate: 10 ** (-4 + (k % 7) / 2), seed: k % 5 };
          return createRun({ sweepId: sweep.id, index: k, config: resolveRunConfig(params), params });
        }),
      );
      await appendRunEvents(batch.map((r, j) => ({ runId: r.id, metrics: [{ step: 100, time: 10, values: { train_loss: 1 + ((i + j) % 89) / 60, val_loss: 1.1 + ((i + j) % 97) / 50, grad_norm: 1 } }] })));
    }
  });
  console.log(`     (created 10,000 runs in ${fmt(made.ms / 1000)} s)`);

  let bytes = 0;
  const first = await repeat(15, async () => (bytes = (await call(tableRoute.GET, `/api/compare/table?sort=summary.val_loss&limit=200`)).bytes));
  line("runs table, 10,000 runs: first page (200 rows) sorted by val_loss", first, 250, `, ${fmt(bytes / 1024, 0)} KB`);
  const deep = await repeat(15, () => call(tableRoute.GET, `/api/compare/table?sort=-derived.train_val_gap&filter=config.cell=lstm&offset=3000&limit=200`));
  line("runs table: filtered, sorted by a curve-derived column, page at offset 3,000", deep, 250);
  const grouped = await repeat(5, async () => (bytes = (await call(tableRoute.GET, `/api/compare/table?sweep=${sweep.id}&group=seeds&sort=summary.val_loss`)).bytes));
  line("runs table: 10,000 runs folded into configurations (all rows)", grouped, 1500, `, ${fmt(bytes / 1024, 0)} KB`);

  // 100 runs × 10,000 points of val_loss and train_loss.
  const runs: string[] = [];
  const ingest = await timeIt(async () => {
    for (let r = 0; r < 100; r++) {
      const run = await createRun({ index: r, config: { seed: r } });
      runs.push(run.id);
      for (let s0 = 0; s0 < 10_000; s0 += 5000) {
        await appendRunEvents([
          {
            runId: run.id,
            metrics: Array.from({ length: 5000 }, (_, k) => {
              const s = s0 + k + 1;
              return { step: s, time: s / 50, values: { val_loss: 1 + 3 * Math.exp(-s / (1500 + r * 20)) + 0.05 * Math.sin(s / 7 + r) + (s === 7777 ? 5 : 0) } };
            }),
          },
        ]);
      }
    }
  });
  console.log(`     (logged 100 runs × 10,000 points in ${fmt(ingest.ms / 1000)} s)`);
  const ids = runs.join(",");
  const one = await repeat(10, async () => (bytes = (await call(compareRoute.GET, `/api/compare?runs=${ids}&keys=val_loss&points=1000`)).bytes));
  line("compare, 100 runs × 10,000 points → 1,000 each (one metric)", one, 1000, `, ${fmt(bytes / 1024 / 1024, 2)} MB`);

  // Browser-side shaping: 100 curves of ~1,000 points, debiased EMA.
  const res = await compareRoute.GET(new Request(`http://bench/api/compare?runs=${ids}&keys=val_loss&points=1000`));
  const body = (await res.json()) as { series: Record<string, { val_loss: [number, number | null, number][] }> };
  const series = runs.map((id) => ({ runId: id, name: id, color: "#000", points: body.series[id].val_loss.map(([x, y, t]) => ({ x, y, t })) }));
  const shaping = await repeat(10, () => series.map((s) => prepareCurve(s, "step", { kind: "ema", amount: 0.6 })));
  line("compare view shaping: 100 curves smoothed (EMA), before drawing", shaping, 100);
  const spike = body.series[runs[0]].val_loss.some(([step, value]) => step === 7777 && value !== null && value > 5);
  report("downsampled series keep the spike at step 7,777", spike ? "kept" : "LOST", { ok: spike, target: "kept" });

  // The sweeps list (issue 13): a page of 50 with each sweep's progress, as sweeps accumulate —
  // 50 sweeps (the baseline, measured here) and then 1,000, each with a few runs.
  const addSweeps = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const s = await createSweep({ name: `list ${i}`, config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: i, state: "finished" });
      const made = await Promise.all([0, 1, 2].map((index) => createRun({ sweepId: s.id, index, config: { task: "quadrant" }, params: {} })));
      await appendRunEvents(made.map((r, j) => ({ runId: r.id, metrics: [{ step: 10, time: 1, values: { val_loss: 1 + j / 10 } }] })));
    }
  };
  await addSweeps(50);
  const few = await repeat(15, () => call(sweepsRoute.GET, `/api/sweeps`));
  await addSweeps(950);
  const many = await repeat(15, () => call(sweepsRoute.GET, `/api/sweeps`));
  line("sweeps list, first page, with 1,000 sweeps (GET /api/sweeps)", many, 250);
  const ratio = percentile(many, 50) / percentile(few, 50);
  report("  ... against the same page with 50 sweeps (baseline)", `${fmt(ratio, 2)}× (p50 ${fmt(percentile(few, 50))} ms)`, { ok: ratio < 1.5, target: "< 1.5×: flat" });

  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
