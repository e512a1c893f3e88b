// W&B's own test cases (github.com/wandb/sweeps, tests/), ported as data: each names the test
// it comes from. Inputs are W&B's; expected answers are never written here — the generator
// (generate.ts) runs W&B's engine on every case and commits what it answered, and the tests
// compare Sweeplab against that (and, when W&B can run, against W&B live).
//
// JSON cannot say everything Python can: a float with an integer value is written
// {__float__: 3000000} (W&B hashes it like the int), a tuple is a list. Cases that need
// what our configs cannot hold at all (NaN values, tuples distinct from lists, pytest
// monkeypatching) are listed in SKIPPED with the reason.

export type PyValue = unknown;

/** The value as Sweeplab sees it: {__float__: x} is just the number x. */
export function ours(v: PyValue): unknown {
  if (Array.isArray(v)) return v.map(ours);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && "__float__" in o) return Number(o.__float__);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, ours(x)]));
  }
  return v;
}

// ---- grid (tests/test_grid_search.py) -------------------------------------------------------

export interface GridCase {
  id: string;
  from: string;
  config: { method: "grid"; parameters: Record<string, unknown> };
  /** params of runs the sweep already has */
  runs?: Record<string, PyValue>[];
  /** W&B's test checks the order (otherwise only the set) */
  ordered: boolean;
}

const TGS = "tests/test_grid_search.py";
const v1v2 = { v1: { values: [1, 2, 3] }, v2: { values: [4, 5] } }; // conftest.py: sweep_config_2params_grid_search

export const GRID_CASES: GridCase[] = [
  { id: "from-start", from: `${TGS}::test_grid_from_start_with_and_without_randomize`, config: { method: "grid", parameters: v1v2 }, ordered: true },
  {
    id: "in-progress",
    from: `${TGS}::test_grid_search_starting_from_in_progress`,
    config: { method: "grid", parameters: v1v2 },
    runs: [{ v1: 2, v2: 4 }, { v1: 1, v2: 5 }],
    ordered: true,
  },
  {
    id: "list-values",
    from: `${TGS}::test_grid_search_with_list_values`,
    config: { method: "grid", parameters: { v1: { values: ["", [9, 5]] }, v2: { values: [256, 512] } } },
    ordered: true,
  },
  {
    id: "duplicated-values",
    from: `${TGS}::test_grid_search_duplicated_values_are_not_duplicated_in_answer (the tuple (2, 3) as the list [2, 3])`,
    config: { method: "grid", parameters: { v1: { values: [null, 2, 3, "a", [2, 3], 3] }, v2: { values: ["a", "b", "c'"] } } },
    ordered: true,
  },
  {
    id: "constant-propagated",
    from: `${TGS}::test_grid_search_constant_val_is_propagated`,
    config: { method: "grid", parameters: { v1: { values: ["a", "b", "c'"] }, v2: { value: 1 } } },
    ordered: true,
  },
  { id: "constants-only", from: `${TGS}::test_grid_search_constant_vals_only`, config: { method: "grid", parameters: { v1: { value: "a" }, v2: { value: "b" } } }, ordered: true },
  {
    id: "dict-values",
    from: `${TGS}::test_grid_search_dict_val_is_propagated`,
    config: {
      method: "grid",
      parameters: { v1: { values: ["a", "b", "c'"] }, v2: { values: [{ a: "b" }, { c: "d", b: "g" }, { e: { f: "g" } }, { a: "b" }, { b: "g", c: "d" }] } },
    },
    ordered: true,
  },
  {
    id: "anaconda1-order",
    from: `${TGS}::test_grid_search_anaconda1_order`,
    config: { method: "grid", parameters: { v1: { values: ["a", "b", "c", "a"] }, v2: { values: [1, 2, 3] } } },
    ordered: true,
  },
  {
    id: "int-uniform",
    from: `${TGS}::test_int_uniform_bounded_grid_search`,
    config: { method: "grid", parameters: { v1: { distribution: "int_uniform", min: -52, max: 10 }, v2: { value: "test" } } },
    ordered: true,
  },
  {
    id: "q-uniform",
    from: `${TGS}::test_q_uniform_bounded_grid_search`,
    config: { method: "grid", parameters: { v1: { distribution: "q_uniform", min: -9.211, max: 23.23, q: 2.341 }, v2: { value: "test" } } },
    ordered: true,
  },
  {
    id: "q-uniform-issue-12",
    from: "issue 12: q_uniform min 0.04, max 0.26, q 0.1 (W&B gives 0.04, 0.14, 0.24)",
    config: { method: "grid", parameters: { dropout: { distribution: "q_uniform", min: 0.04, max: 0.26, q: 0.1 } } },
    ordered: true,
  },
  {
    id: "dedup-issue-12",
    from: "issue 12: [rnn, lstm, gru, rnn] × 3 sizes is 9 runs in W&B",
    config: { method: "grid", parameters: { cell: { values: ["rnn", "lstm", "gru", "rnn"] }, hidden_size: { values: [32, 64, 128] } } },
    ordered: true,
  },
  {
    id: "repeated-yaml-hash",
    from: `${TGS}::test_grid_search_caches_repeated_yaml_hash_values`,
    config: { method: "grid", parameters: { cols: { values: [Array.from({ length: 100 }, (_, i) => `col_${i}`), ["next"]] } } },
    runs: Array.from({ length: 5 }, () => ({ cols: Array.from({ length: 100 }, (_, i) => `col_${i}`) })),
    ordered: true,
  },
  {
    id: "integer-float",
    from: `${TGS}::test_grid_search_matches_integer_float_values`,
    config: { method: "grid", parameters: { v1: { values: [3000000, "next"] }, v2: { value: "test" } } },
    runs: [{ v1: { __float__: 3000000 }, v2: "test" }],
    ordered: true,
  },
  {
    id: "bool-int",
    from: `${TGS}::test_grid_search_keeps_bool_and_int_values_distinct`,
    config: { method: "grid", parameters: { v1: { values: [true, 1] }, v2: { value: "test" } } },
    runs: [{ v1: true, v2: "test" }],
    ordered: true,
  },
  {
    id: "dict-key-order",
    from: `${TGS}::test_grid_search_matches_dict_values_regardless_of_key_order`,
    config: { method: "grid", parameters: { v1: { values: [{ a: 1, b: 2 }, { a: 3, b: 4 }] }, v2: { value: "test" } } },
    runs: [{ v1: { b: 2, a: 1 }, v2: "test" }],
    ordered: true,
  },
  {
    id: "dict-injected-key",
    from: `${TGS}::test_dict_valued_param_with_injected_key`,
    config: { method: "grid", parameters: { env_params: { values: [{ env_id: "Env-v0", max_steps: 1000 }, { env_id: "Env-v1", max_steps: 2000 }] } } },
    runs: [{ env_params: { env_id: "Env-v0", max_steps: 1000, env_name: "SAC_abc123" } }, { env_params: { env_id: "Env-v1", max_steps: 2000, env_name: "SAC_def456" } }],
    ordered: true,
  },
  {
    id: "dict-without-injection",
    from: `${TGS}::test_dict_valued_param_without_injection`,
    config: { method: "grid", parameters: { env_params: { values: [{ env_id: "Env-v0", max_steps: 1000 }, { env_id: "Env-v1", max_steps: 2000 }] } } },
    runs: [{ env_params: { env_id: "Env-v0", max_steps: 1000 } }, { env_params: { env_id: "Env-v1", max_steps: 2000 } }],
    ordered: true,
  },
  {
    id: "dict-missing-run",
    from: `${TGS}::test_dict_valued_param_missing_run_still_suggested`,
    config: {
      method: "grid",
      parameters: { env_params: { values: [{ env_id: "Env-v0", max_steps: 1000 }, { env_id: "Env-v1", max_steps: 2000 }, { env_id: "Env-v2", max_steps: 3000 }] } },
    },
    runs: [{ env_params: { env_id: "Env-v0", max_steps: 1000, env_name: "SAC_abc" } }, { env_params: { env_id: "Env-v2", max_steps: 3000, env_name: "SAC_def" } }],
    ordered: true,
  },
  {
    id: "dict-multiple-injected",
    from: `${TGS}::test_dict_valued_param_multiple_injected_keys`,
    config: { method: "grid", parameters: { env_params: { values: [{ env_id: "Env-v0", reward_scale: 0.5 }] } } },
    runs: [{ env_params: { env_id: "Env-v0", reward_scale: 0.5, env_name: "SAC_run1", created_at: "2026-03-27", internal_id: 42 } }],
    ordered: true,
  },
  {
    id: "scalar",
    from: `${TGS}::test_scalar_param_unaffected`,
    config: { method: "grid", parameters: { learning_rate: { values: [0.001, 0.01, 0.1] } } },
    runs: [{ learning_rate: 0.001 }, { learning_rate: 0.01 }],
    ordered: true,
  },
  {
    id: "scalar-all-covered",
    from: `${TGS}::test_scalar_param_all_covered`,
    config: { method: "grid", parameters: { batch_size: { values: [16, 32, 64] } } },
    runs: [{ batch_size: 16 }, { batch_size: 32 }, { batch_size: 64 }],
    ordered: true,
  },
  {
    id: "mixed-scalar-dict",
    from: `${TGS}::test_mixed_scalar_and_dict_params`,
    config: { method: "grid", parameters: { algorithm: { value: "SAC" }, env_params: { values: [{ env_id: "Env-v0", max_steps: 1000 }, { env_id: "Env-v1", max_steps: 2000 }] } } },
    runs: [
      { algorithm: "SAC", env_params: { env_id: "Env-v0", max_steps: 1000, env_name: "SAC_abc" } },
      { algorithm: "SAC", env_params: { env_id: "Env-v1", max_steps: 2000, env_name: "SAC_def" } },
    ],
    ordered: true,
  },
  {
    id: "nested-dict-injected",
    from: `${TGS}::test_nested_dict_value_with_injected_key`,
    config: { method: "grid", parameters: { env_params: { values: [{ env_id: "Env-v0", reward_kwargs: { lambda_energy: 0.001 } }] } } },
    runs: [{ env_params: { env_id: "Env-v0", reward_kwargs: { lambda_energy: 0.001 }, env_name: "SAC_injected" } }],
    ordered: true,
  },
  {
    id: "empty-runs-first-point",
    from: `${TGS}::test_empty_runs_suggests_first_grid_point`,
    config: { method: "grid", parameters: { env_params: { values: [{ env_id: "Env-v0", max_steps: 1000 }, { env_id: "Env-v1", max_steps: 2000 }] } } },
    ordered: true,
  },
];

/** Values W&B hashes: 3000000 and 3000000.0 are one (tests/test_grid_search.py::test_yaml_hash_float). */
export const YAML_HASH_CASE = { from: `${TGS}::test_yaml_hash_float`, values: [{ __float__: 3000000 }, 3000000] };

// ---- hyperband (tests/test_hyperband_stopping.py) -------------------------------------------

export interface StopRun {
  name: string;
  state: "running" | "finished";
  history: (number | "NaN")[];
}
export interface StopCase {
  id: string;
  from: string;
  config: Record<string, unknown>;
  runs: StopRun[];
}

const THS = "tests/test_hyperband_stopping.py";
const hb = (metric: string, goal: string, early_terminate: Record<string, unknown>) => ({
  method: "grid",
  metric: { name: metric, goal },
  early_terminate: { type: "hyperband", ...early_terminate },
  parameters: { a: { values: [1, 2, 3] } },
});
const count = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const running = (name: string, history: StopRun["history"]): StopRun => ({ name, state: "running", history });
const finished = (name: string, history: StopRun["history"]): StopRun => ({ name, state: "finished", history });

/** The docstring example of hyperband_stop_runs (and test_5runs_band1_stop_2). */
const docstringRuns = [finished("a", [10, 9]), running("b", [10, 10]), running("c", [10, 8, 8]), running("d", [10, 7, 7]), finished("e", [10, 6, 6])];

export const STOP_CASES: StopCase[] = [
  { id: "min-iter-bands", from: `${THS}::test_hyperband_min_iter_bands`, config: hb("loss", "minimize", { min_iter: 3, eta: 3 }), runs: [running("run", count(4, () => 10)), running("run2", count(10, (i) => 10 - i))] },
  { id: "min-iter-bands-max", from: `${THS}::test_hyperband_min_iter_bands_max`, config: hb("accuracy", "maximize", { min_iter: 3, eta: 3 }), runs: [running("run", count(4, () => 10)), running("run2", count(10, (i) => 10 + i))] },
  { id: "max-iter-bands", from: `${THS}::test_hyperband_max_iter_bands`, config: hb("loss", "minimize", { max_iter: 81, eta: 3, s: 3 }), runs: [running("run", count(4, () => 10)), running("run2", count(10, (i) => 10 - i))] },
  { id: "init-from-max-iter", from: `${THS}::test_init_from_max_iter`, config: hb("loss", "minimize", { max_iter: 18, eta: 3, s: 2 }), runs: [running("run", count(4, () => 10)), running("run2", count(10, (i) => 10 - i))] },
  { id: "single-run", from: `${THS}::test_single_run`, config: hb("loss", "minimize", { max_iter: 18, eta: 3, s: 2, strict: false }), runs: [running("run", count(10, (i) => 10 - i))] },
  { id: "2runs-band1-pass", from: `${THS}::test_2runs_band1_pass`, config: hb("loss", "minimize", { max_iter: 18, eta: 3, s: 2, strict: false }), runs: [running("run", [10, 10, 6]), running("run2", count(10, (i) => 10 - i))] },
  { id: "5runs-band1-stop-2", from: `${THS}::test_5runs_band1_stop_2 (the docstring example; strict omitted)`, config: hb("loss", "minimize", { max_iter: 5, eta: 2, s: 2 }), runs: docstringRuns },
  { id: "5runs-band1-stop-2-relaxed", from: `${THS}::test_5runs_band1_stop_2 with strict: false (Sweeplab's former default)`, config: hb("loss", "minimize", { max_iter: 5, eta: 2, s: 2, strict: false }), runs: docstringRuns },
  {
    id: "5runs-band1-stop-2-1stnoband",
    from: `${THS}::test_5runs_band1_stop_2_1stnoband`,
    config: hb("loss", "minimize", { max_iter: 5, eta: 2, s: 2 }),
    runs: [finished("a", [10]), running("b", [11]), running("c", [10, 8, 8]), running("d", [10, 7, 7]), finished("e", [10, 6, 6])],
  },
  {
    id: "eta-3",
    from: `${THS}::test_eta_3`,
    config: hb("loss", "minimize", { max_iter: 9, eta: 3, s: 2, strict: false }),
    runs: [finished("a", [9, 8]), running("b", [11, 11]), running("c", [10, 8, 3]), running("d", [10, 7, 4]), running("e", [10, 6, 6])],
  },
  {
    id: "eta-3-max",
    from: `${THS}::test_eta_3_max`,
    config: hb("loss", "maximize", { max_iter: 9, eta: 3, s: 2, strict: false }),
    runs: [finished("a", [-10, -9]), running("b", [-11, -11]), running("c", [-10, -8, -5, -3]), running("d", [-10, -6, -2]), running("e", [-10, -6, -6, -6])],
  },
  {
    id: "nan-metrics",
    from: `${THS}::test_hyperband_runs_with_nan_metrics (same shape: one value then 56 "NaN" strings, two finished 61-value runs; values ours)`,
    config: {
      method: "bayes",
      metric: { goal: "minimize", name: "overall_eval_loss" },
      parameters: { lr: { values: [0.001, 0.0003, 0.0001, 3e-5] } },
      early_terminate: { s: 2, eta: 3, type: "hyperband", max_iter: 300 },
    },
    runs: [
      running("c", [19.68895149230957, ...Array.from({ length: 56 }, () => "NaN" as const)]),
      finished("d", count(61, (i) => 4 + 2.2 * Math.exp(-i / 6) + 0.3 * Math.sin(i))),
      finished("e", count(61, (i) => 3.8 + 3 * Math.exp(-i / 5) + 0.3 * Math.cos(1.7 * i))),
    ],
  },
];

/**
 * The 116-run replays of tests/test_hyperband_stopping.py on W&B's tests/data/hyper-data.yaml
 * (metric "metric", maximised; brackets 30, 45, 67). Each stage gives every run not stopped so
 * far its first `cut[run]` evaluations, as running, and asks which to stop.
 */
export interface ReplayCase {
  id: string;
  from: string;
  config: Record<string, unknown>;
  /** history length at each stage */
  stages: number[];
  /** a permutation seed for the order of the runs (W&B's randomized variant), or null */
  shuffle: number | null;
}

const replayConfig = (strict: boolean | undefined) => ({
  method: "bayes",
  metric: { name: "metric", goal: "maximize" },
  early_terminate: { type: "hyperband", min_iter: 30, eta: 1.5, ...(strict === undefined ? {} : { strict }) },
  parameters: { a: { values: [1, 2] } },
});

export const REPLAY_DATA = "hyper-data.yaml";

export const REPLAY_CASES: ReplayCase[] = [
  { id: "extensive-relaxed", from: `${THS}::test_hyperband_extensive_relaxed`, config: replayConfig(false), stages: [32, 47, Infinity], shuffle: null },
  { id: "extensive-strict-omitted", from: `${THS}::test_hyperband_extensive_relaxed's stages with strict omitted (W&B's default since wandb/sweeps#108)`, config: replayConfig(undefined), stages: [32, 47, Infinity], shuffle: null },
  { id: "extensive-strict-forward", from: `${THS}::test_hyperband_extensive_strict[forward]`, config: replayConfig(true), stages: [35, 50, 72], shuffle: null },
  { id: "extensive-strict-randomized", from: `${THS}::test_hyperband_extensive_strict[randomized] (a fixed shuffle)`, config: replayConfig(true), stages: [35, 50, 72], shuffle: 12 },
];

/** A seeded permutation of 0..n-1 (Fisher–Yates on a small LCG), the same in every language's reading of the fixture. */
export function permutation(n: number, seed: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

// ---- schema (tests/test_schema.py, test_validation.py, test_config.py) ----------------------

export interface SchemaCase {
  id: string;
  from: string;
  /** a config object, or YAML text when int-vs-float matters (JSON objects lose 0.0 vs 0) */
  config: unknown;
  text?: string;
  /**
   * Where Sweeplab answers differently from W&B on purpose, why; the test then checks our
   * answer is `expect` and the message names `mentions`.
   */
  divergence?: { why: string; expect: "valid" | "invalid" | "warning"; mentions: string };
}

const TS = "tests/test_schema.py";
const TV = "tests/test_validation.py";
const TC = "tests/test_config.py";
const NO_SCHEDULER = "Sweeplab has no custom schedulers (scheduler, method: custom) nor multi-objective metrics; it refuses the key by name";
const v123 = { v1: { values: [1, 2, 3] } };
const schedulerFull = { engine: "wandb", source: "scheduler.py", optimizer: "build_study", search_space: "search_space" };
const command = ["${env}", "${interpreter}", "${program}", "sweep", "2dconv_lstm.stat.ac", "--dataset", "deam", "--temp_folder", "a_deam", "--batch-size"];
const meradata = (goal: string) => ({
  command,
  early_terminate: { min_iter: 3, type: "hyperband" },
  method: "random",
  metric: { goal, name: "val/loss" },
  name: "AC-2DConvLSTM-Stat-DEAM",
  parameters: {
    dropout: { values: ["0.15", "0.2", "0.25", "0.3", "0.4", "0.5"] },
    lr: { values: ["0.001", "0.005", "0.01"] },
    momentum: { values: ["0.8", "0.9", "0.95"] },
    n_fft: { value: 1024 },
    n_mels: { value: 128 },
  },
  program: "exec.py",
  project: "mer",
});

export const SCHEMA_CASES: SchemaCase[] = [
  { id: "nonuniform-categorical", from: `${TS}::test_invalid_sweep_config_nonuniform_array_elements_categorical (tuple as list)`, config: { method: "grid", parameters: { v1: { values: [null, 2, 3, "a", [2, 3]] } } } },
  { id: "min-max", from: `${TS}::test_min_max_validation`, config: { method: "random", parameters: { v1: { max: 3, min: 5 }, v2: { min: 5, max: 6 } } } },
  { id: "negative-sigma", from: `${TS}::test_negative_sigma_validation`, config: { method: "random", parameters: { v1: { mu: 0.1, sigma: -0.1, distribution: "normal" } } } },
  { id: "missing-parameters", from: `${TS}::test_missing_parameters_section`, config: { method: "random" } },
  { id: "wrong-prob-length", from: `${TS}::test_wrong_prob_length`, config: { method: "random", parameters: { v1: { values: [1, 2, 3], probabilities: [0.1, 0.2, 0.3, 0.4] } } } },
  { id: "irregular-probs", from: `${TS}::test_irregular_probs`, config: { method: "random", parameters: { v1: { values: [1, 2, 3], probabilities: [0.1, 0.2, 0.3] } } } },
  {
    id: "probs-isclose",
    from: "issue 12: probabilities that sum to 1 within numpy.isclose (3 × 0.333333) are valid",
    config: { method: "random", parameters: { v1: { values: [1, 2, 3], probabilities: [0.333333, 0.333333, 0.333333] } } },
  },
  {
    id: "categorical-prob-grid",
    from: `${TS}::test_categorical_prob_grid`,
    config: { method: "grid", parameters: { v1: { values: [1, 2, 3], probabilities: [0.2, 0.2, 0.6] } } },
    divergence: { why: "W&B's schema accepts it and its grid search then raises; Sweeplab refuses it when the sweep is written", expect: "invalid", mentions: "probabilities are not allowed" },
  },
  {
    id: "metrics-custom",
    from: `${TS}::test_metrics_multi_objective_with_custom_method`,
    config: { method: "custom", metrics: [{ name: "loss", goal: "minimize" }, { name: "accuracy", goal: "maximize" }], parameters: v123 },
    divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "metrics" },
  },
  { id: "metrics-requires-custom", from: `${TS}::test_metrics_requires_custom_method`, config: { method: "bayes", metrics: [{ name: "loss", goal: "minimize" }, { name: "accuracy", goal: "maximize" }], parameters: v123 } },
  { id: "metric-and-metrics", from: `${TS}::test_metric_and_metrics_mutually_exclusive`, config: { method: "custom", metric: { name: "loss" }, metrics: [{ name: "loss", goal: "minimize" }, { name: "accuracy", goal: "maximize" }], parameters: v123 } },
  { id: "metrics-at-least-two", from: `${TS}::test_metrics_requires_at_least_two`, config: { method: "custom", metrics: [{ name: "loss", goal: "minimize" }], parameters: v123 } },
  { id: "scheduler-wandb-valid", from: `${TS}::test_scheduler_wandb_engine_valid`, config: { method: "bayes", scheduler: schedulerFull, parameters: v123 }, divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "scheduler" } },
  { id: "scheduler-optuna", from: `${TS}::test_scheduler_unavailable_engine_raises[optuna]`, config: { method: "bayes", scheduler: { ...schedulerFull, engine: "optuna" }, parameters: v123 } },
  { id: "scheduler-ax", from: `${TS}::test_scheduler_unavailable_engine_raises[ax]`, config: { method: "bayes", scheduler: { ...schedulerFull, engine: "ax" }, parameters: v123 } },
  { id: "scheduler-invalid-engine", from: `${TS}::test_scheduler_invalid_engine_rejected`, config: { method: "bayes", scheduler: { ...schedulerFull, engine: "not-a-real-engine" }, parameters: v123 } },
  { id: "scheduler-missing-engine", from: `${TS}::test_scheduler_missing_required_field`, config: { method: "bayes", scheduler: { source: "scheduler.py", optimizer: "build_study", search_space: "search_space" }, parameters: v123 } },
  { id: "scheduler-only-engine", from: `${TS}::test_scheduler_only_engine_required`, config: { method: "bayes", scheduler: { engine: "wandb" }, parameters: v123 }, divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "scheduler" } },
  { id: "scheduler-optimizer-needs-source", from: `${TS}::test_scheduler_optimizer_or_search_space_requires_source[optimizer]`, config: { method: "bayes", scheduler: { engine: "wandb", optimizer: "build_study" }, parameters: v123 } },
  { id: "scheduler-search-space-needs-source", from: `${TS}::test_scheduler_optimizer_or_search_space_requires_source[search_space]`, config: { method: "bayes", scheduler: { engine: "wandb", search_space: "build_study" }, parameters: v123 } },
  { id: "scheduler-with-source", from: `${TS}::test_scheduler_optimizer_and_search_space_with_source_valid`, config: { method: "bayes", scheduler: schedulerFull, parameters: v123 }, divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "scheduler" } },
  { id: "scheduler-custom-method", from: `${TS}::test_scheduler_engine_wandb_requires_method`, config: { method: "custom", scheduler: { engine: "wandb" }, parameters: v123 } },
  { id: "scheduler-early-terminate", from: `${TS}::test_scheduler_and_early_terminate_mutually_exclusive`, config: { method: "bayes", scheduler: { engine: "wandb" }, early_terminate: { type: "hyperband", min_iter: 3 }, parameters: v123 } },
  { id: "scheduler-local-controller", from: `${TS}::test_scheduler_and_controller_mutually_exclusive[local]`, config: { method: "bayes", scheduler: { engine: "wandb" }, controller: { type: "local" }, parameters: v123 } },
  {
    id: "scheduler-cloud-controller",
    from: `${TS}::test_scheduler_and_controller_mutually_exclusive[cloud]`,
    config: { method: "bayes", scheduler: { engine: "wandb" }, controller: { type: "cloud" }, parameters: v123 },
    divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "scheduler" },
  },
  { id: "early-terminate-without-scheduler", from: `${TS}::test_early_terminate_without_scheduler_still_works`, config: { method: "bayes", metric: { name: "loss", goal: "minimize" }, early_terminate: { type: "hyperband", min_iter: 3 }, parameters: v123 } },
  {
    id: "scheduler-search-space-no-parameters",
    from: `${TS}::test_parameters_not_required_when_scheduler_defines_search_space`,
    config: { method: "bayes", scheduler: schedulerFull },
    divergence: { why: NO_SCHEDULER, expect: "invalid", mentions: "scheduler" },
  },
  { id: "parameters-required", from: `${TS}::test_parameters_still_required_without_scheduler`, config: { method: "bayes" } },
  { id: "parameters-required-empty-search-space", from: `${TS}::test_parameters_still_required_when_scheduler_has_no_search_space`, config: { method: "bayes", scheduler: { ...schedulerFull, search_space: "" } } },

  ...(["bayes", "grid", "random"] as const).map((m) => ({
    id: `invalid-goal-${m}`,
    from: `${TV}::test_validation_disable[${m}]`,
    config: { metric: { name: "loss", goal: "minimise" }, method: m, parameters: { v1: { values: ["a", "b", "c"] } } },
  })),
  { id: "empty-parameters", from: `${TV}::test_validation_not_enough_params`, config: { method: "random", parameters: {} } },
  { id: "uniform-int-bounds", from: `${TV}::test_minmax_type_inference (uniform with int bounds)`, config: { method: "random", parameters: { a: { min: 0, max: 1, distribution: "uniform" } } } },
  {
    id: "int-uniform-float-bounds",
    from: `${TV}::test_minmax_type_inference (int_uniform with 0.0 and 1.0, as YAML text)`,
    config: null,
    text: "method: random\nparameters:\n  a: {min: 0.0, max: 1.0, distribution: int_uniform}\n",
  },
  ...(["cloud", "local", "invalid"] as const).map((t) => ({ id: `controller-${t}`, from: `${TV}::test_controller[${t}]`, config: { controller: { type: t }, method: "random", parameters: { a: { values: [1, 2, 3, 4] } } } })),
  { id: "not-a-mapping", from: `${TV}::test_invalid_config`, config: "this is a totally invalid config" },
  { id: "no-method", from: `${TV}::test_sweepconfig_no_method_baseline_validation`, config: { parameters: { a: { values: [1, 2, 3, 4] } } } },
  {
    id: "hyperband-extra-key",
    from: `${TV}::test_invalid_early_stopping (hyperband with extra_key)`,
    config: { method: "bayes", parameters: { v1: { values: ["a", "b", "c"] } }, metric: { name: "loss", goal: "minimize" }, early_terminate: { type: "hyperband", extra_key: 1234, min_iter: 100 } },
  },
  {
    id: "early-terminate-invalid-type",
    from: `${TV}::test_invalid_early_stopping (type "invalid type")`,
    config: { method: "bayes", parameters: { v1: { values: ["a", "b", "c"] } }, metric: { name: "loss", goal: "minimize" }, early_terminate: { type: "invalid type" } },
  },
  {
    id: "nested-parameters",
    from: `${TV}::test_param_dict`,
    config: { method: "grid", metric: { name: "loss", goal: "minimize" }, parameters: { a: { parameters: { b: { values: [1, 2] }, c: { parameters: { d: { value: 1 } } } } } } },
  },
  { id: "min-above-max", from: `${TV}::test_invalid_minmax_with_no_sweepconfig_validation`, config: { method: "random", parameters: { a: { max: 0, min: 1 } } } },
  ...(["log_uniform", "q_log_uniform", "inv_log_uniform"] as const).map((d) => ({
    id: `deprecated-${d}`,
    from: `${TV}::test_that_old_distributions_warn[${d}]`,
    config: { method: "random", parameters: { a: { min: 1, max: 2, distribution: d } } },
    divergence: {
      why: "W&B lists it among its schema violations, which the wandb CLI prints as a warning before creating the sweep; Sweeplab accepts it with a warning too",
      expect: "warning" as const,
      mentions: d.replace("log_uniform", "log_uniform_values"),
    },
  })),
  ...(["log_uniform_values", "q_log_uniform_values", "inv_log_uniform_values"] as const).map((d) => ({
    id: `minmax-${d}`,
    from: `${TV}::test_that_minmax_validation_fails_on_loguniform_values_types[${d}]`,
    config: { method: "random", parameters: { a: { min: 2, max: 1, distribution: d } } },
  })),
  ...([-1, 0, 1, 300, -0.3, 5.1, "1"] as const).map((cap) => ({
    id: `run-cap-${JSON.stringify(cap)}`,
    from: `${TV}::test_that_run_cap_validation_works_for_min_value[${cap}]`,
    config: { method: "random", parameters: { a: { values: [1, 2, 3, 4] } }, run_cap: cap },
  })),
  { id: "hyperband-eta-default", from: `${TC}::test_hyperband_missing_eta_imputed`, config: meradata("minimize") },
  { id: "hyperband-goal-minimise", from: `${TC}::test_hyperband_incremental_corrects_goal`, config: meradata("minimise") },
  { id: "metric-not-a-mapping", from: `${TC}::test_invalid_metric`, config: { method: "grid", metric: "{'goal': 'maximize', 'name': 'val/loss'}", parameters: { a: { values: [1, 2, 3, 4] } } } },
];

/** W&B's inference of a parameter's distribution and its defaults (tests/test_config.py), as YAML text so 0 and 0.0 differ. */
export interface ParamCase {
  id: string;
  from: string;
  /** the spec as W&B YAML (flow mapping) */
  yaml: string;
}

export const PARAM_CASES: ParamCase[] = [
  { id: "int-uniform", from: `${TC}::test_json_type_inference_int_uniform`, yaml: "{min: 0, max: 1}" },
  { id: "uniform", from: `${TC}::test_json_type_inference_uniform`, yaml: "{min: 0.0, max: 1.0}" },
  { id: "uniform-mixed-a", from: `${TC}::test_json_type_inference_uniform_mixed`, yaml: "{min: 0.0, max: 1}" },
  { id: "uniform-mixed-b", from: `${TC}::test_json_type_inference_uniform_mixed`, yaml: "{min: 0, max: 1.0}" },
  { id: "normal-defaults", from: `${TC}::test_json_type_inference_and_imputation_normal`, yaml: "{distribution: normal}" },
  { id: "log-normal-defaults", from: `${TC}::test_json_type_inference_and_imputation_lognormal`, yaml: "{distribution: log_normal}" },
  { id: "categorical", from: `${TC}::test_json_type_inference_categorical`, yaml: "{values: [1, 2, 3]}" },
  { id: "constant", from: `${TC}::test_json_type_inference_constant`, yaml: "{value: abcd}" },
  { id: "q-normal", from: `${TC}::test_json_type_inference_q_normal`, yaml: "{distribution: q_normal, q: 0.1}" },
  { id: "q-beta", from: `${TC}::test_json_type_inference_q_beta`, yaml: "{distribution: q_beta}" },
  { id: "beta", from: `${TC}::test_json_type_inference_beta`, yaml: "{distribution: beta}" },
  { id: "totally-invalid", from: `${TC}::test_totally_invalid_config`, yaml: "{invalid: this config is not valid}" },
  { id: "categorical-empty", from: `${TC}::test_categorical_hyperparameter_no_values`, yaml: "{values: []}" },
  { id: "uniform-int-min-max", from: `${TC}::test_uniform_with_integer_min_max`, yaml: "{distribution: uniform, min: 0, max: 1}" },
  { id: "probabilities", from: "tests/test_random_search.py (categorical with probabilities)", yaml: "{values: [1, 2, 3], probabilities: [0.1, 0.2, 0.7]}" },
  { id: "log-uniform-values", from: `${TV}::test_that_minmax_validation_fails_on_loguniform_values_types (valid bounds)`, yaml: "{distribution: log_uniform_values, min: 0.0001, max: 0.1}" },
  { id: "q-uniform-no-q", from: "corpus 06 (q_uniform without q: q defaults to 1)", yaml: "{distribution: q_uniform, min: 100, max: 500}" },
];

/** W&B's names of its parameter types (config/schema.json definitions) → our distribution names. */
export const WANDB_TYPES: Record<string, string> = {
  param_single_value: "constant",
  param_categorical: "categorical",
  param_categorical_w_probabilities: "categorical_w_probabilities",
  param_int_uniform: "int_uniform",
  param_uniform: "uniform",
  param_loguniform: "log_uniform",
  param_loguniform_v2: "log_uniform_values",
  param_inv_loguniform: "inv_log_uniform",
  param_inv_loguniform_v2: "inv_log_uniform_values",
  param_quniform: "q_uniform",
  param_qloguniform: "q_log_uniform",
  param_qloguniform_v2: "q_log_uniform_values",
  param_normal: "normal",
  param_qnormal: "q_normal",
  param_lognormal: "log_normal",
  param_qlognormal: "q_log_normal",
  param_beta: "beta",
  param_qbeta: "q_beta",
};

/** W&B tests not ported, and why. */
export const SKIPPED: Record<string, string> = {
  [`${TGS}::test_grid_search_matches_nan_values`]: "NaN is not a value a sweep config can hold here (JSON has no NaN; RunConfig values are finite)",
  [`${TGS}::test_grid_search_keeps_list_and_tuple_values_distinct`]: "JSON and YAML configs have lists only, no tuples",
  [`${TGS}::test_nested_grid_search_advances`]: "nested parameters are refused by engine sweeps (a run's config is flat); the W&B-level parse accepts them (schema case nested-parameters)",
  [`${TS}::test_fill_validate_metrics_*`]: "multi-objective `metrics` is not supported (schema case metrics-custom)",
  [`${TV}::test_invalid_run_parameter`]: "a bayes search input check (a run value outside the listed values), not the schema",
};
