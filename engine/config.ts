import * as z from "zod";
import { resourceIssues } from "./resources";

// RunConfig: everything one training run needs, every key with a default so a sweep names
// only what it varies. The key names are fixed by DESIGN.md (snake_case, as W&B users write
// them); the web form, the API, the sweep parser, the CLI and the worker all validate with
// this one schema. Unknown keys are errors (strict object).

export const TASKS = ["charlm", "repeated_ones", "delayed_recall", "quadrant"] as const;
export const CELLS = ["rnn", "lstm", "gru"] as const;
export const ACTIVATIONS = ["tanh", "relu"] as const;
export const INITS = ["kaiming", "xavier", "orthogonal", "normal"] as const;
export const OPTIMIZERS = ["sgd", "momentum", "adagrad", "adam"] as const;
export const LR_SCHEDULES = ["constant", "step", "cosine"] as const;
export const H0_MODES = ["zeros", "learned"] as const;
export const FORGET_BIASES = ["chrono", "one"] as const;
export const SAMPLINGS = ["temperature", "greedy"] as const;
export const BACKENDS = ["js", "wasm"] as const;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const runConfigShape = {
  task: z.enum(TASKS).default("charlm").describe("What the network learns"),
  corpus: z
    .string()
    .min(1)
    .default("builtin")
    .describe('charlm text: "builtin" (the shipped corpus) or the name of a corpus uploaded to the app (in the terminal, also a path to a UTF-8 text file)'),
  cell: z.enum(CELLS).default("lstm").describe("Recurrent cell"),
  activation: z.enum(ACTIVATIONS).default("tanh").describe("Nonlinearity of the vanilla RNN and the MLP"),
  hidden_size: int(1, 2048).default(64).describe("Units per recurrent layer (or MLP hidden layer)"),
  num_layers: int(1, 8).default(1).describe("Stacked recurrent layers"),
  embedding_dim: int(0, 1024).default(16).describe("Input embedding size; 0 = one-hot input"),
  dropout: z.number().min(0).lt(1).default(0).describe("Probability of dropping a unit (inverted dropout)"),
  layernorm: z.boolean().default(false).describe("Layer norm on the pre-activations: of each recurrent layer's gates, the input and recurrent terms apart (Ba et al. 2016); of the MLP's hidden layers. The hidden state itself is not normalised"),
  init: z.enum(INITS).default("xavier").describe("Weight initialisation"),
  init_std: z.number().positive().max(100).default(1).describe("Std of the `normal` init (large = the lecture's bad init)"),
  forget_bias: z
    .enum(FORGET_BIASES)
    .default("chrono")
    .describe("LSTM gate biases at init: chrono = forget ln U(1, T−1) and input its negative, T the sequence length (Tallec & Ollivier 2018); one = forget 1, input 0"),
  h0: z.enum(H0_MODES).default("zeros").describe("Initial hidden state"),
  optimizer: z.enum(OPTIMIZERS).default("adam").describe("Optimizer"),
  learning_rate: z.number().positive().max(100).default(0.01).describe("Base learning rate"),
  momentum: z.number().min(0).lt(1).default(0.9).describe("Momentum coefficient (momentum optimizer)"),
  weight_decay: z.number().min(0).max(1).default(0).describe("L2 weight decay"),
  lr_schedule: z.enum(LR_SCHEDULES).default("constant").describe("Learning-rate schedule"),
  lr_step_every: int(1, 10_000_000).default(1000).describe("Step schedule: steps between decays"),
  lr_gamma: z.number().positive().max(1).default(0.5).describe("Step schedule: decay factor"),
  warmup_steps: int(0, 10_000_000).default(0).describe("Linear warm-up steps"),
  grad_clip: z.number().min(0).max(1e6).default(5).describe("Global-norm gradient clipping; 0 = off"),
  seq_length: int(1, 4096).default(32).describe("Truncated BPTT length (timesteps per chunk)"),
  batch_size: int(1, 4096).default(16).describe("Parallel streams / examples per step"),
  steps: int(1, 10_000_000).default(500).describe("Training steps"),
  eval_every: int(1, 10_000_000).default(50).describe("Evaluate on held-out data every N steps"),
  eval_batches: int(1, 1000).default(4).describe("Batches per evaluation"),
  log_every: int(1, 10_000_000).default(10).describe("Log train metrics every N steps"),
  val_fraction: z.number().gt(0).lt(1).default(0.1).describe("Share of the data held out for validation"),
  seed: int(0, 2 ** 31 - 1).default(1).describe("Random seed"),
  delay: int(1, 1000).default(5).describe("delayed_recall: steps from the marked symbol to the cue that asks for it (distractors in between)"),
  vocab_size: int(2, 256).default(8).describe("delayed_recall: number of distinct symbols"),
  sample_every: int(0, 10_000_000).default(100).describe("charlm: log a sample every N steps; 0 = never"),
  sample_length: int(1, 10_000).default(200).describe("charlm: characters per sample"),
  sampling: z
    .enum(SAMPLINGS)
    .default("temperature")
    .describe("charlm: how samples pick each character: temperature = draw from softmax(logits / temperature), within top_k; greedy = the most likely (as temperature 0)"),
  temperature: z.number().min(0).max(100).default(0.8).describe("charlm: sampling temperature; 0 = greedy"),
  top_k: int(0, 256).default(0).describe("charlm: draw only among the k most likely (exactly k, ties to the lower index, as torch.topk); 0 = all"),
  backend: z.enum(BACKENDS).default("wasm").describe("Kernel backend: wasm (WebAssembly SIMD) or js (the reference); wasm falls back to js where SIMD is missing"),
} as const;

/**
 * Keys that apply only under a choice of another key (elsewhere their value never reaches the
 * run): `momentum` when `optimizer` is momentum, and so on. `activation` also always applies to
 * an MLP task, which has no cell (tasks/index.ts appliedConfigKeys). The sweep form, the sweep
 * warnings and the run page read this one table.
 */
export const APPLIES_WHEN: Partial<Record<RunConfigKey, { key: RunConfigKey; values: readonly string[] }>> = {
  momentum: { key: "optimizer", values: ["momentum"] },
  init_std: { key: "init", values: ["normal"] },
  lr_step_every: { key: "lr_schedule", values: ["step"] },
  lr_gamma: { key: "lr_schedule", values: ["step"] },
  activation: { key: "cell", values: ["rnn"] },
  forget_bias: { key: "cell", values: ["lstm"] },
};

/** Most points one run may log per metric (steps / log_every, steps / eval_every). */
export const MAX_LOGGED_POINTS = 100_000;
/** Most samples one charlm run may log (steps / sample_every). */
export const MAX_SAMPLES = 10_000;

type LoggingFields = Pick<z.output<z.ZodObject<typeof runConfigShape>>, "task" | "steps" | "log_every" | "eval_every" | "sample_every">;

/** A run may not log an unbounded number of points: each issue names the `*_every` field to raise. */
export function loggingIssues(c: LoggingFields): { path: RunConfigKey; message: string }[] {
  const fmt = (n: number) => n.toLocaleString("en-US");
  const issues: { path: RunConfigKey; message: string }[] = [];
  const check = (field: "log_every" | "eval_every" | "sample_every", every: number, limit: number, what: string) => {
    const n = Math.floor(c.steps / every);
    if (n > limit)
      issues.push({ path: field, message: `${fmt(c.steps)} steps with ${field} ${fmt(every)} would log ${fmt(n)} ${what}, more than ${fmt(limit)}: use ${field} ≥ ${fmt(Math.ceil(c.steps / limit))} or fewer steps` });
  };
  check("log_every", c.log_every, MAX_LOGGED_POINTS, "points per training metric");
  check("eval_every", c.eval_every, MAX_LOGGED_POINTS, "evaluations");
  if (c.task === "charlm" && c.sample_every > 0) check("sample_every", c.sample_every, MAX_SAMPLES, "samples");
  return issues;
}

// A config must also fit in memory (resources.ts) and log a bounded number of points: the
// issue names the field to change.
export const RunConfig = z.strictObject(runConfigShape).superRefine((config, ctx) => {
  for (const issue of [...resourceIssues(config), ...loggingIssues(config)]) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
});
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;
export type RunConfigKey = keyof typeof runConfigShape;
export const RUN_CONFIG_KEYS = Object.keys(runConfigShape) as RunConfigKey[];

/** Parse a (partial) config into a full RunConfig with defaults; throws a ZodError with paths. */
export function resolveRunConfig(input: unknown): RunConfig {
  return RunConfig.parse(input ?? {});
}

export const DEFAULT_RUN_CONFIG: RunConfig = RunConfig.parse({});

export type KeyKind = { type: "number"; integer: boolean } | { type: "enum"; options: string[] } | { type: "string" } | { type: "boolean" };

/** What kind of value a RunConfig key takes, read from its zod schema. */
export function runConfigKeyKind(key: RunConfigKey): KeyKind {
  let s = runConfigShape[key] as unknown as { def: { type: string; innerType?: unknown; entries?: Record<string, string> }; isInt?: boolean; options?: string[] };
  while (s.def.innerType) s = s.def.innerType as typeof s;
  switch (s.def.type) {
    case "number":
      return { type: "number", integer: Boolean(s.isInt) };
    case "enum":
      return { type: "enum", options: s.options ?? Object.values(s.def.entries ?? {}) };
    case "boolean":
      return { type: "boolean" };
    default:
      return { type: "string" };
  }
}
