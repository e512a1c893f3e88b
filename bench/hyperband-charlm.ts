// Hyperband's savings on a charlm sweep where it matters (issue 13 §4):
// `npm run bench -- hyperband-charlm [--seeds N]` (3 seeds: about 6 minutes on 2 idle cores, 11 on a loaded machine).
// A 27-run random sweep of char-LSTMs — learning rate log-uniform over two decades × dropout ×
// hidden size — is run through the real executor (worker processes, a SQLite file, concurrency
// 2) without early termination, and again with hyperband at the sweep form's default and at
// the charlm preset's settings. The same sweep seed gives the same 27 configurations (random
// search does not learn from results), so each pair compares like with like. Per seed: the
// training steps hyperband ran over those of the full sweep, and its best val_loss over the
// full sweep's. Goal: ≤ 40% of the steps with the best val_loss within 2%, on every seed.
// Then the full sweeps' stored curves are replayed (sweeps/stop/replay.ts, the executor's own
// pruning ledger) over eta × min_iter, to show which settings would meet the goal.
import os from "node:os";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { parseSweepConfig } from "../sweeps/config";
import { plannedStepsOf } from "../sweeps/stop/ledger";
import { replayGrid, type ReplayRun } from "../sweeps/stop/replay";
import type { RunRecord } from "../prisma/store";
import { sweepMetricPointsSince } from "../prisma/store/executor-store";
import { runSweep } from "./sweeps";
import { fmt, header, report, scratchDatabase } from "./util";

const STEPS = 600;
const EVAL_EVERY = 25;
const GOAL = { steps: 0.4, best: 0.02 };
/** Live settings: the sweep form's hyperband default and the charlm preset's (app/_components/sweeps/SweepSettings.tsx, app/_lib/sweep-presets.ts). */
const LIVE = [
  { label: "form default", min_iter: 3, eta: 3 },
  { label: "charlm preset", min_iter: 3, eta: 2 },
] as const;

export function sweepConfig(seed: number, earlyTerminate?: { min_iter: number; eta: number }): Record<string, unknown> {
  return {
    method: "random",
    seed,
    run_cap: 27,
    metric: { name: "val_loss", goal: "minimize" },
    ...(earlyTerminate ? { early_terminate: { type: "hyperband", ...earlyTerminate } } : {}),
    parameters: {
      task: { value: "charlm" },
      cell: { value: "lstm" },
      embedding_dim: { value: 16 },
      batch_size: { value: 16 },
      seq_length: { value: 32 },
      steps: { value: STEPS },
      eval_every: { value: EVAL_EVERY },
      sample_every: { value: 0 },
      learning_rate: { distribution: "log_uniform_values", min: 0.0003, max: 0.03 },
      dropout: { values: [0, 0.2, 0.4] },
      hidden_size: { values: [32, 64, 128] },
    },
  };
}

const steps = (runs: RunRecord[]) => runs.reduce((a, r) => a + r.lastStep, 0);
const best = (runs: RunRecord[]) => Math.min(...runs.map((r) => (typeof r.summary.val_loss_best === "number" ? r.summary.val_loss_best : Infinity)));
const pct = (x: number) => `${fmt(x * 100, 1)} %`;

export async function run(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { seeds: { type: "string" } }, strict: false, allowPositionals: true });
  const seeds = Array.from({ length: Math.max(1, Number(values.seeds ?? 3) || 3) }, (_, i) => i + 1);
  header(`Hyperband on a charlm sweep: 27 random runs (lr log-uniform 3e-4–3e-2 × dropout × hidden), ${seeds.length} seeds, ${STEPS} steps, val_loss every ${EVAL_EVERY}`);
  const scratch = scratchDatabase("sweeplab-bench-hyperband-");
  const dir = scratch.dir;
  console.log(`     load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
  try {
    const rows: { seed: number; label: string; steps: number; best: number }[] = [];
    const replays: ReturnType<typeof replayGrid>[] = [];
    for (const seed of seeds) {
      const full = await runSweep(sweepConfig(seed), 2);
      const fullSteps = steps(full.runs), fullBest = best(full.runs);
      report(`seed ${seed}: no early termination`, `${fullSteps} steps, best val_loss ${fullBest.toFixed(4)} (${fmt(full.seconds, 1)} s)`);
      for (const live of LIVE) {
        const pruned = await runSweep(sweepConfig(seed, { min_iter: live.min_iter, eta: live.eta }), 2);
        const share = steps(pruned.runs) / fullSteps, gap = best(pruned.runs) / fullBest - 1;
        rows.push({ seed, label: live.label, steps: share, best: gap });
        const count = pruned.runs.filter((r) => r.state === "pruned").length;
        report(`seed ${seed}: hyperband min_iter ${live.min_iter}, eta ${live.eta} (${live.label})`, `${pct(share)} of the steps, best val_loss ${best(pruned.runs).toFixed(4)} (${gap >= 0 ? "+" : ""}${pct(gap)}; ${count} pruned, ${fmt(pruned.seconds, 1)} s)`);
      }
      // the full sweep's curves, in the order they were stored, replayed over eta × min_iter
      const parsed = parseSweepConfig(sweepConfig(seed));
      if (!parsed.ok) throw new Error("bench config");
      const points = await sweepMetricPointsSince(full.sweepId, "val_loss", 0);
      const runs: ReplayRun[] = full.runs.map((r) => ({ id: r.id, name: r.name, state: r.state, plannedSteps: plannedStepsOf(r.config as Record<string, unknown>), lastStep: r.lastStep }));
      replays.push(replayGrid(parsed.config, runs, points, true, [2, 3, 4], [1, 2, 3, 5, 8]).map((c) => ({ ...c, best: c.best === null ? null : c.best / fullBest - 1 })));
    }
    for (const live of LIVE) {
      const mine = rows.filter((r) => r.label === live.label);
      const worstSteps = Math.max(...mine.map((r) => r.steps)), worstGap = Math.max(...mine.map((r) => r.best));
      report(`hyperband ${live.min_iter}/${live.eta} (${live.label}), worst of ${seeds.length} seeds: steps`, pct(worstSteps), { ok: worstSteps <= GOAL.steps, target: `≤ ${pct(GOAL.steps)}` });
      report(`hyperband ${live.min_iter}/${live.eta} (${live.label}), worst of ${seeds.length} seeds: best val_loss`, `${worstGap >= 0 ? "+" : ""}${pct(worstGap)}`, { ok: worstGap <= GOAL.best, target: `within ${pct(GOAL.best)}` });
    }
    console.log(`     replay of the full sweeps' curves (strict, W&B's default): steps run (mean, worst) / best val_loss over the full sweep's (worst), per seed order as stored`);
    console.log(`     ${"eta".padEnd(4)}${"min_iter".padEnd(10)}${"steps mean".padEnd(12)}${"steps worst".padEnd(13)}${"best worst".padEnd(12)}meets goal`);
    for (let i = 0; i < replays[0].length; i++) {
      const cells = replays.map((r) => r[i]);
      const ran = cells.map((c) => 1 - c.steps_saved);
      const gaps = cells.map((c) => c.best ?? Infinity);
      const ok = Math.max(...ran) <= GOAL.steps && Math.max(...gaps) <= GOAL.best;
      const c = cells[0];
      console.log(`     ${String(c.eta).padEnd(4)}${String(c.min_iter).padEnd(10)}${pct(ran.reduce((a, b) => a + b, 0) / ran.length).padEnd(12)}${pct(Math.max(...ran)).padEnd(13)}${("+" + pct(Math.max(...gaps))).padEnd(12)}${ok ? "yes" : "no"}`);
    }
  } finally {
    await scratch.done();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
