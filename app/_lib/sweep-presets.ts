import { isPlainObject } from "../../sweeps/config";
import type { SweepDoc } from "./sweep-form";

// Starting points for the new-sweep form: W&B sweep documents, small enough to finish in
// seconds to a minute on a laptop (few steps, small hidden sizes). Each shows a lesson of
// the lecture the engine follows.

export interface SweepPreset {
  id: string;
  title: string;
  blurb: string;
  doc: SweepDoc;
}

export const PRESETS: SweepPreset[] = [
  {
    id: "charlm-dropout-lr",
    title: "Dropout × learning rate on charlm",
    blurb: "3 × 3 grid of a small LSTM character model. ~9 runs, well under a minute.",
    doc: {
      name: "charlm dropout x lr",
      method: "grid",
      metric: { name: "val_loss", goal: "minimize" },
      parameters: {
        task: { value: "charlm" },
        cell: { value: "lstm" },
        hidden_size: { value: 32 },
        steps: { value: 200 },
        seq_length: { value: 16 },
        batch_size: { value: 8 },
        eval_every: { value: 20 },
        dropout: { values: [0, 0.2, 0.4] },
        learning_rate: { values: [0.003, 0.01, 0.03] },
      },
    },
  },
  {
    id: "quadrant-init-layernorm",
    title: "Init × layer norm on quadrant",
    blurb: "Kaiming vs Xavier vs a bad normal init (std 5), with and without layer norm. 6 runs, seconds.",
    doc: {
      name: "quadrant init x layernorm",
      method: "grid",
      metric: { name: "val_loss", goal: "minimize" },
      parameters: {
        task: { value: "quadrant" },
        optimizer: { value: "sgd" },
        hidden_size: { value: 64 },
        steps: { value: 200 },
        eval_every: { value: 10 },
        init_std: { value: 5 },
        init: { values: ["kaiming", "xavier", "normal"] },
        layernorm: { values: [false, true] },
      },
    },
  },
  {
    id: "recall-rnn-lstm",
    title: "RNN vs LSTM: long-range memory",
    blurb:
      "Recall a marked symbol at a cue 40 steps later, through distractors (delayed_recall). Both cells get the same learning rates: the LSTM recalls it, the vanilla RNN stays near chance (1/8) — its gradient vanishes before it reaches the symbol (a run's Gradient flow tab). Seed 1 of the README's table. 6 runs, a minute or less.",
    doc: {
      name: "delayed recall rnn vs lstm",
      method: "grid",
      metric: { name: "val_acc", goal: "maximize" },
      parameters: {
        task: { value: "delayed_recall" },
        delay: { value: 40 },
        steps: { value: 2000 },
        cell: { values: ["rnn", "lstm"] },
        learning_rate: { values: [0.003, 0.01, 0.03] },
      },
    },
  },
  {
    id: "charlm-random-lr",
    title: "Random search: learning rate × hidden size",
    blurb: "Random search over a log-scaled learning rate, 12 runs with hyperband early stopping.",
    doc: {
      name: "charlm random lr",
      method: "random",
      metric: { name: "val_loss", goal: "minimize" },
      run_cap: 12,
      early_terminate: { type: "hyperband", min_iter: 3, eta: 3 },
      parameters: {
        task: { value: "charlm" },
        steps: { value: 200 },
        seq_length: { value: 16 },
        batch_size: { value: 8 },
        eval_every: { value: 20 },
        learning_rate: { distribution: "log_uniform_values", min: 0.0005, max: 0.05 },
        hidden_size: { values: [16, 32, 48] },
      },
    },
  },
];

/** What a blank form starts from: the first preset's shape, one parameter to vary. */
export const BLANK_DOC: SweepDoc = {
  method: "random",
  metric: { name: "val_loss", goal: "minimize" },
  run_cap: 8,
  parameters: {
    task: { value: "charlm" },
    steps: { value: 200 },
    hidden_size: { value: 32 },
    learning_rate: { distribution: "log_uniform_values", min: 0.001, max: 0.03 },
  },
};

/** The same document with every mapping's keys sorted, for comparing documents. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/** The preset `doc` is, unchanged (key order aside); undefined once anything was edited. */
export function presetOf(doc: SweepDoc): SweepPreset | undefined {
  const text = JSON.stringify(canonical(doc));
  return PRESETS.find((p) => JSON.stringify(canonical(p.doc)) === text);
}
