import { resolveRunConfig, type RunConfigInput } from "../engine/config";
import { appendRunEvents, createEndedRun, createSweep, setSweepState, type RunEventBatch } from "./store";

// A fixture database with realistic-looking sweeps: curves shaped by the config (learning
// rate, dropout, cell, init) with noise, some runs pruned, diverged or failed. Used by the
// e2e tests, the benchmarks and `npm run seed`. Deterministic for a given seed.
//
// Safe beside a running server on the same database: each sweep is stored finished and each
// run in its final state from the start, so no executor ever proposes or claims anything
// here; every write is one short transaction (a run row, then its points).

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  sweeps?: number;
  runsPerSweep?: number;
  /** Logged steps per run (train metrics every step, val every 10). */
  points?: number;
  seed?: number;
}

const CELLS = ["rnn", "lstm", "gru"] as const;

/** Final loss as a plausible function of the config: LSTM/GRU beat RNN, lr has a sweet spot. */
function quality(config: ReturnType<typeof resolveRunConfig>): number {
  const lrPenalty = Math.abs(Math.log10(config.learning_rate) + 2.3) * 0.35;
  const cellBonus = config.cell === "rnn" ? 0.35 : config.cell === "gru" ? 0.05 : 0;
  const dropoutEffect = Math.abs(config.dropout - 0.2) * 0.5;
  const initPenalty = config.init === "normal" ? 0.6 : 0;
  return 1.35 + lrPenalty + cellBonus + dropoutEffect + initPenalty - Math.log2(config.hidden_size / 32) * 0.08;
}

export async function seedFixture(options: FixtureOptions = {}): Promise<{ sweepIds: string[]; runIds: string[] }> {
  const sweeps = options.sweeps ?? 3;
  const runsPerSweep = options.runsPerSweep ?? 40;
  const points = options.points ?? 200;
  const rand = mulberry32(options.seed ?? 42);
  const sweepIds: string[] = [];
  const runIds: string[] = [];
  for (let s = 0; s < sweeps; s++) {
    const sweep = await createSweep({
      name: ["dropout-x-lr", "cells-on-charlm", "init-study", "hidden-size"][s % 4] + (s >= 4 ? `-${s}` : ""),
      config: {
        method: s % 2 ? "random" : "bayes",
        metric: { name: "val_loss", goal: "minimize" },
        parameters: {
          cell: { values: [...CELLS] },
          learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 1e-1 },
          dropout: { distribution: "uniform", min: 0, max: 0.6 },
          hidden_size: { values: [32, 64, 128] },
        },
        run_cap: runsPerSweep,
      },
      rawConfig: "",
      method: s % 2 ? "random" : "bayes",
      metricName: "val_loss",
      metricGoal: "minimize",
      concurrency: 2,
      seed: s,
      runCap: runsPerSweep,
      state: "finished",
    });
    sweepIds.push(sweep.id);
    for (let i = 0; i < runsPerSweep; i++) {
      const params: RunConfigInput = {
        task: "charlm",
        cell: CELLS[Math.floor(rand() * 3)],
        learning_rate: Number((10 ** (-4 + rand() * 3)).toPrecision(3)),
        dropout: Number((rand() * 0.6).toFixed(3)),
        hidden_size: [32, 64, 128][Math.floor(rand() * 3)],
        init: rand() < 0.15 ? "normal" : "xavier",
        steps: points,
        eval_every: 10,
        log_every: 1,
        seed: i,
      };
      const config = resolveRunConfig(params);
      const final = quality(config);
      const diverges = config.learning_rate > 0.06 && rand() < 0.5;
      const pruned = !diverges && final > 2.3 && rand() < 0.6;
      const length = pruned ? Math.floor(points / 3) : points;
      const metrics: NonNullable<RunEventBatch["metrics"]> = [];
      let divergedAt: number | null = null;
      for (let step = 1; step <= length; step++) {
        const progress = step / points;
        const base = final + (4.17 - final) * Math.exp(-progress * 6);
        const noise = (rand() - 0.5) * 0.08;
        let train = base - 0.05 * progress + noise;
        if (diverges && step > length * 0.6) train = step > length * 0.7 ? Number.NaN : train * (1 + (step - length * 0.6));
        if (Number.isNaN(train)) {
          divergedAt = step;
          metrics.push({ step, time: step * 0.05, values: { train_loss: Number.NaN } });
          break;
        }
        const values: Record<string, number> = { train_loss: train, grad_norm: 0.5 + rand() * (diverges ? step : 1), lr: config.learning_rate, throughput: 20_000 + rand() * 3000 };
        if (step % 10 === 0 || step === length) values.val_loss = base + 0.04 + Math.abs(noise) + config.dropout * 0.02;
        metrics.push({ step, time: step * 0.05, values });
      }
      const roll = rand();
      const state = divergedAt !== null ? "diverged" : pruned ? "pruned" : roll < 0.03 ? "failed" : "finished";
      const startedAt = new Date();
      const run = await createEndedRun({
        sweepId: sweep.id,
        index: i,
        config,
        params,
        state,
        divergedAt,
        error: divergedAt !== null ? `diverged at step ${divergedAt}: loss is NaN` : state === "failed" ? "worker exited with code 1" : null,
        startedAt,
        finishedAt: new Date(startedAt.getTime() + (metrics.at(-1)?.time ?? 0) * 1000),
      });
      runIds.push(run.id);
      await appendRunEvents([
        {
          runId: run.id,
          metrics,
          samples: config.task === "charlm" ? [{ step: length, temperature: 0.8, text: "To be, or not to be: that is the question." }] : [],
          logs: [{ level: "info", message: `training ${config.cell} with hidden ${config.hidden_size}` }],
        },
      ]);
    }
    await setSweepState(sweep.id, "finished"); // still finished: its end time is now that its runs are written
  }
  return { sweepIds, runIds };
}
