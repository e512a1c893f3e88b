// Hyperband's savings on a charlm sweep where it matters (issue 13 §4), measured on the
// shipped preset itself: `npm run bench -- hyperband-charlm [--seeds N]` (5 seeds: 7 minutes
// on 2 cores loaded by other work).
// The new-sweep form's hyperband preset (app/_lib/sweep-presets.ts, HYPERBAND_PRESET_ID) is the
// issue's sweep — 27 random char-LSTM runs, learning rate log-uniform over two decades ×
// dropout × hidden size — and this section runs its document as the form would launch it (its
// steps, eval_every, model, early_terminate; only the sweep seed is set) through the real
// executor (worker processes, a SQLite file, concurrency 2): without early termination, with
// the preset's hyperband, and with the form's hyperband default for comparison. The same sweep
// seed gives the same 27 configurations (random search does not learn from results), so each
// pair compares like with like. Per seed: the training steps hyperband ran over those of the
// full sweep, and its best val_loss over the full sweep's. Goal: ≤ 40% of the steps with the
// best val_loss within 2%, in the worst seed. Then the full sweeps' stored curves are replayed
// (sweeps/stop/replay.ts, the executor's own pruning ledger) over eta × min_iter, to show which
// settings would meet the goal at the preset's eval_every.
import os from "node:os";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { EARLY_TERMINATE_DEFAULTS } from "../app/_lib/sweep-form";
import { HYPERBAND_PRESET_ID, PRESETS } from "../app/_lib/sweep-presets";
import { isPlainObject, parseSweepConfig, sweepMetric, type HyperbandStop } from "../sweeps/config";
import { plannedStepsOf } from "../sweeps/stop/ledger";
import { replayGrid, replayPruning, type ReplayRun } from "../sweeps/stop/replay";
import type { RunRecord } from "../prisma/store";
import { sweepMetricPointsSince } from "../prisma/store/executor-store";
import { runSweep } from "./sweeps";
import { fmt, header, report, scratchDatabase } from "./util";

const GOAL = { steps: 0.4, best: 0.02 };
const GRID = { etas: [2, 3, 4, 5], minIters: [1, 2, 3, 4, 5] };

/** The shipped hyperband preset's document, and its early_terminate as parsed (defaults filled in). */
function preset(): { doc: Record<string, unknown>; hyperband: HyperbandStop } {
  const p = PRESETS.find((x) => x.id === HYPERBAND_PRESET_ID);
  if (!p) throw new Error(`no preset ${HYPERBAND_PRESET_ID} in app/_lib/sweep-presets.ts`);
  const parsed = parseSweepConfig(p.doc);
  if (!parsed.ok) throw new Error(`preset ${p.id}: ${parsed.issues[0].path}: ${parsed.issues[0].message}`);
  const et = parsed.config.early_terminate;
  if (et?.type !== "hyperband") throw new Error(`preset ${p.id}: early_terminate is not hyperband`);
  return { doc: p.doc, hyperband: et };
}

/** The preset's sweep with the seed `seed`, with `earlyTerminate` in place of the preset's (none: without early termination). */
export function sweepConfig(seed: number, earlyTerminate?: Record<string, unknown>): Record<string, unknown> {
  const { early_terminate: _, ...doc } = preset().doc;
  return { ...doc, seed, ...(earlyTerminate ? { early_terminate: earlyTerminate } : {}) };
}

const replayRuns = (runs: RunRecord[]): ReplayRun[] =>
  runs.map((r) => ({ id: r.id, name: r.name, state: r.state, plannedSteps: plannedStepsOf(r.config as Record<string, unknown>), lastStep: r.lastStep }));

/**
 * The steps a live hyperband sweep's pruned runs trained past the evaluation at which the rule
 * condemned them (the executor's latency: the point reaches the store with the next flush, and
 * the order to stop the worker with the answer to it), and the decisions themselves replayed
 * from its stored points (the ledger the executor used, so the same decisions).
 */
async function lateSteps(config: Record<string, unknown>, sweepId: string, runs: RunRecord[]): Promise<number> {
  const parsed = parseSweepConfig(config);
  if (!parsed.ok) throw new Error("bench config");
  const decided = new Map(replayPruning(parsed.config, replayRuns(runs), await sweepMetricPointsSince(sweepId, sweepMetric(parsed.config).name, 0)).stopped.map((s) => [s.id, s.step]));
  return runs.reduce((a, r) => a + (r.state === "pruned" && decided.has(r.id) ? Math.max(0, r.lastStep - decided.get(r.id)!) : 0), 0);
}

const param = (doc: Record<string, unknown>, key: string): unknown => {
  const p = isPlainObject(doc.parameters) ? doc.parameters[key] : undefined;
  return isPlainObject(p) ? (p.value ?? p.values ?? `${p.distribution} ${p.min}–${p.max}`) : undefined;
};
const steps = (runs: RunRecord[]) => runs.reduce((a, r) => a + r.lastStep, 0);
const best = (runs: RunRecord[]) => Math.min(...runs.map((r) => (typeof r.summary.val_loss_best === "number" ? r.summary.val_loss_best : Infinity)));
const pct = (x: number) => `${fmt(x * 100, 1)} %`;
const signed = (x: number) => `${x >= 0 ? "+" : ""}${pct(x)}`;

export async function run(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { seeds: { type: "string" } }, strict: false, allowPositionals: true });
  const seeds = Array.from({ length: Math.max(1, Number(values.seeds ?? 5) || 5) }, (_, i) => i + 1);
  const { doc, hyperband } = preset();
  const shipped = { label: "shipped preset", et: { type: "hyperband", min_iter: hyperband.min_iter, eta: hyperband.eta, strict: hyperband.strict } };
  const live = [shipped, { label: "form default", et: { ...EARLY_TERMINATE_DEFAULTS.hyperband } }];
  const at = (et: Record<string, unknown>) => `min_iter ${et.min_iter}, eta ${et.eta}`;
  header(
    `Hyperband on the charlm preset "${PRESETS.find((p) => p.id === HYPERBAND_PRESET_ID)!.title}": ${doc.run_cap} random runs ` +
      `(learning_rate ${param(doc, "learning_rate")} × dropout ${JSON.stringify(param(doc, "dropout"))} × hidden_size ${JSON.stringify(param(doc, "hidden_size"))}), ` +
      `${param(doc, "steps")} steps, val_loss every ${param(doc, "eval_every")}; ${seeds.length} seeds`,
  );
  const scratch = scratchDatabase("sweeplab-bench-hyperband-");
  console.log(`     load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
  try {
    const rows: { seed: number; label: string; steps: number; best: number; seconds: number }[] = [];
    const replays: ReturnType<typeof replayGrid>[] = [];
    for (const seed of seeds) {
      const full = await runSweep(sweepConfig(seed), 2);
      const fullSteps = steps(full.runs), fullBest = best(full.runs);
      report(`seed ${seed}: no early termination`, `${fullSteps} steps, best val_loss ${fullBest.toFixed(4)} (${fmt(full.seconds, 1)} s)`);
      for (const l of live) {
        const config = sweepConfig(seed, l.et);
        const pruned = await runSweep(config, 2);
        const share = steps(pruned.runs) / fullSteps, gap = best(pruned.runs) / fullBest - 1;
        const late = (await lateSteps(config, pruned.sweepId, pruned.runs)) / fullSteps;
        rows.push({ seed, label: l.label, steps: share, best: gap, seconds: pruned.seconds / full.seconds });
        const count = pruned.runs.filter((r) => r.state === "pruned").length;
        report(
          `seed ${seed}: hyperband ${at(l.et)} (${l.label})`,
          `${pct(share)} of the steps (${pct(late)} past the decisions), best val_loss ${best(pruned.runs).toFixed(4)} (${signed(gap)}; ${count} pruned, ${fmt(pruned.seconds, 1)} s)`,
        );
      }
      // the full sweep's curves, in the order they were stored, replayed over eta × min_iter
      const parsed = parseSweepConfig(sweepConfig(seed));
      if (!parsed.ok) throw new Error("bench config");
      const points = await sweepMetricPointsSince(full.sweepId, "val_loss", 0);
      replays.push(replayGrid(parsed.config, replayRuns(full.runs), points, hyperband.strict, GRID.etas, GRID.minIters).map((c) => ({ ...c, best: c.best === null ? null : c.best / fullBest - 1 })));
    }
    for (const l of live) {
      const mine = rows.filter((r) => r.label === l.label);
      const worstSteps = Math.max(...mine.map((r) => r.steps)), worstGap = Math.max(...mine.map((r) => r.best));
      const meanSteps = mine.reduce((a, r) => a + r.steps, 0) / mine.length;
      const what = `hyperband ${at(l.et)} (${l.label}), worst of ${seeds.length} seeds`;
      // the goal is the shipped preset's; the form default is shown for comparison
      const verdict = (ok: boolean, target: string) => (l === shipped ? { ok, target } : undefined);
      report(`${what}: steps`, `${pct(worstSteps)} (mean ${pct(meanSteps)})`, verdict(worstSteps <= GOAL.steps, `≤ ${pct(GOAL.steps)}`));
      report(`${what}: best val_loss`, signed(worstGap), verdict(worstGap <= GOAL.best, `within ${pct(GOAL.best)}`));
      report(`${what}: wall time`, `${pct(Math.max(...mine.map((r) => r.seconds)))} of the full sweep's (mean ${pct(mine.reduce((a, r) => a + r.seconds, 0) / mine.length)})`);
    }
    console.log(`     replay of the full sweeps' curves (${hyperband.strict ? "strict, W&B's default" : "best so far"}), at the preset's eval_every: steps run (mean, worst) / best val_loss over the full sweep's (worst)`);
    console.log(`     ${"eta".padEnd(4)}${"min_iter".padEnd(10)}${"steps mean".padEnd(12)}${"steps worst".padEnd(13)}${"best worst".padEnd(12)}meets goal`);
    for (let i = 0; i < replays[0].length; i++) {
      const cells = replays.map((r) => r[i]);
      const ran = cells.map((c) => 1 - c.steps_saved);
      const gaps = cells.map((c) => c.best ?? Infinity);
      const ok = Math.max(...ran) <= GOAL.steps && Math.max(...gaps) <= GOAL.best;
      const c = cells[0];
      const mark = c.eta === hyperband.eta && c.min_iter === hyperband.min_iter ? "   ← shipped preset" : "";
      console.log(`     ${String(c.eta).padEnd(4)}${String(c.min_iter).padEnd(10)}${pct(ran.reduce((a, b) => a + b, 0) / ran.length).padEnd(12)}${pct(Math.max(...ran)).padEnd(13)}${signed(Math.max(...gaps)).padEnd(12)}${ok ? "yes" : "no"}${mark}`);
    }
  } finally {
    await scratch.done();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
