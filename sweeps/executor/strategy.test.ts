import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSweepConfig } from "../config";
import { planFromConfig, trialsByIndex } from "./strategy";
import type { TrialInfo } from "./types";

// The executor's bridge to the pure search and stopping functions.

function config(input: Record<string, unknown>) {
  const parsed = parseSweepConfig(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const trial = (index: number, over: Partial<TrialInfo> = {}): TrialInfo => ({
  id: `run${index}`, name: `r-${index}`, sweepId: "s", index, state: "finished", config: {}, params: {}, summary: {},
  error: null, claimedBy: null, pid: null, rerunOf: null, createdAt: "", finishedAt: null, lastStep: 0, ingestSeq: 0, checkpointStep: null, interruptions: 0, ...over,
});

describe("planFromConfig", () => {
  const random = config({ method: "random", seed: 5, run_cap: 10, parameters: { learning_rate: { min: 0.001, max: 0.1, distribution: "log_uniform_values" }, cell: { values: ["rnn", "lstm"] } } });

  it("proposes the same runs for the same seed, with a derived seed and a full RunConfig", () => {
    const a = planFromConfig(random);
    const b = planFromConfig(random);
    for (let i = 0; i < 5; i++) assert.deepEqual(a.propose(i, []), b.propose(i, []));
    const p = a.propose(0, []);
    assert.ok(!("done" in p));
    assert.deepEqual(Object.keys(p.params).sort(), ["cell", "learning_rate"]);
    assert.equal(typeof p.config.seed, "number");
    assert.equal(p.config.hidden_size, 64, "defaults filled in");
    const other = planFromConfig({ ...random, seed: 6 }).propose(0, []);
    assert.notDeepEqual(other, p);
  });

  it("is done when the grid is exhausted", () => {
    const grid = planFromConfig(config({ method: "grid", parameters: { cell: { values: ["rnn", "gru"] } } }));
    const runs = [trial(0, { params: { cell: "rnn" } }), trial(1, { params: { cell: "gru" } })];
    const second = grid.propose(1, runs.slice(0, 1));
    assert.ok(!("done" in second));
    assert.equal(second.params.cell, "gru");
    assert.match((grid.propose(2, runs) as { done: string }).done, /grid exhausted/);
  });

  it("lines trials up by run index and ignores re-runs", () => {
    const c = config({ method: "grid", parameters: { cell: { values: ["rnn", "gru"] } } });
    const trials = trialsByIndex(c, [trial(1, { summary: { val_loss_best: 2 } }), trial(0, { summary: { val_loss: 3 } }), trial(0, { id: "again", rerunOf: "run0", summary: { val_loss: 1 } })], 3);
    assert.deepEqual(trials.map((t) => t.value), [3, 2, null]);
    assert.equal(trials[2].state, "queued");
  });

  it("asks the stopping rule with the run's history and the others'", () => {
    const plan = planFromConfig(config({ method: "random", metric: { name: "val_loss", goal: "minimize" }, early_terminate: { type: "hyperband", min_iter: 2, eta: 2 }, parameters: { cell: { values: ["rnn", "gru"] } } }));
    assert.equal(plan.earlyTermination, true);
    const h = (values: number[]) => ({ steps: values.map((_, i) => i), values, ended: false });
    const histories = new Map([["bad", h([5, 5])], ["a", h([1, 1])], ["b", h([1.5, 1.2])], ["c", h([2, 1.9])]]);
    assert.match(plan.shouldStop("bad", histories) ?? "", /./);
    assert.equal(plan.shouldStop("a", histories), null);
  });
});
