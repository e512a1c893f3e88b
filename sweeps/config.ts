import * as z from "zod";
import { Document, isPair, isScalar, parseDocument, visit } from "yaml";
import { APPLIES_WHEN, loggingIssues, RUN_CONFIG_KEYS, runConfigKeyKind, runConfigShape, type RunConfig, type RunConfigKey } from "../engine/config.ts";
import { estimateMemory, resourceIssues } from "../engine/resources.ts";
import { loggedMetrics } from "../engine/metrics.ts";
import { higherIsBetter, tracksBest } from "./summary.ts";
import { lawOf, outsideShare, quantize, sigmaFor, type Law, type Outside } from "./law.ts";
import { METRIC_NAME_MAX } from "../engine/protocol.ts";
import { isKey, KEY_RULE } from "./names.ts";
import { Project } from "./logging-api.ts";
import { syntaxProblems } from "./syntax-errors.ts";
import { branchLabel, choiceValue, expandBranches, isChoices, type Branch, type ChoicesSpec, type SweepParamSpec } from "./tree.ts";

export { branchLabel, hasChoices, isChoices, type ChoicesSpec, type SweepParamSpec } from "./tree.ts";

// SweepConfig: the one schema for sweeps (web form, API, CLI). It reads W&B sweep YAML/JSON
// as written for W&B: the W&B structure is checked first (wandb/sweeps config/schema.json),
// then what matters here: parameter names must be RunConfig keys and every value a sweep can
// produce must be a valid RunConfig value. Every mistake is an issue with a dotted path.

// ---- Parameter specs of a W&B sweep config: one zod variant per `distribution`, with W&B's
// defaults (q = 1, mu = 0, sigma = 1, a = b = 1) and W&B's inference when `distribution`
// is omitted (values → categorical, values + probabilities → categorical_w_probabilities,
// value → constant, integer min/max → int_uniform, other min/max → uniform, mu/sigma →
// normal, parameters → nested). Names and semantics follow wandb/sweeps (params.py,
// config/schema.json). Checks that need the parameter's name (RunConfig keys and types)
// come after, in checkEngineBinding.

const finite = z.number();
/**
 * A whole number. zod's z.int() ends the whole parse at a fraction (2.5), so a fractional
 * run_cap hid every other mistake of the config (a dropout of 2, a metric bayes needs): this
 * reports it and lets the other checks run, so the form shows every mistake at once.
 */
const integer = () => z.number().refine(Number.isSafeInteger, { error: (iss) => `must be an integer${got(iss.input)}` });
const positive = z.number().positive();
const q = positive.default(1).describe("Quantisation step: values are round(x / q) * q");

/** Every distribution and the keys it allows besides `distribution` (single source for the schema and its error messages). */
export const DISTRIBUTION_KEYS = {
  constant: ["value"],
  categorical: ["values"],
  categorical_w_probabilities: ["values", "probabilities"],
  int_uniform: ["min", "max"],
  uniform: ["min", "max"],
  q_uniform: ["min", "max", "q"],
  log_uniform: ["min", "max"],
  q_log_uniform: ["min", "max", "q"],
  log_uniform_values: ["min", "max"],
  q_log_uniform_values: ["min", "max", "q"],
  inv_log_uniform: ["min", "max"],
  inv_log_uniform_values: ["min", "max"],
  normal: ["mu", "sigma"],
  q_normal: ["mu", "sigma", "q"],
  log_normal: ["mu", "sigma"],
  q_log_normal: ["mu", "sigma", "q"],
  beta: ["a", "b"],
  q_beta: ["a", "b", "q"],
  nested: ["parameters"],
  // Sweeplab's conditional parameters (sweeps/tree.ts)
  choices: ["choices", "probabilities"],
} as const;
export type Distribution = Exclude<keyof typeof DISTRIBUTION_KEYS, "nested" | "choices">;
export const DISTRIBUTIONS = Object.keys(DISTRIBUTION_KEYS).filter((d) => d !== "nested" && d !== "choices") as Distribution[];

const defined = z.custom<unknown>((v) => v !== undefined, { message: "required" });
const lit = <D extends string>(d: D) => z.literal(d);

const minMax = { min: finite, max: finite };
const muSigma = { mu: finite.default(0), sigma: z.number().min(0).default(1) };
const ab = { a: z.number().min(0).default(1), b: z.number().min(0).default(1) };

export const ConstantSpec = z.strictObject({ distribution: lit("constant"), value: defined });
export const CategoricalSpec = z.strictObject({
  distribution: lit("categorical"),
  values: z.array(z.unknown()).min(1),
});
export const CategoricalProbSpec = z.strictObject({
  distribution: lit("categorical_w_probabilities"),
  values: z.array(z.unknown()).min(1),
  probabilities: z.array(z.number().min(0)).min(1),
});
export const IntUniformSpec = z.strictObject({ distribution: lit("int_uniform"), min: integer(), max: integer() });
export const UniformSpec = z.strictObject({ distribution: lit("uniform"), ...minMax });
export const QUniformSpec = z.strictObject({ distribution: lit("q_uniform"), ...minMax, q });
/** min/max are natural-log exponents: values are exp(min) .. exp(max) */
export const LogUniformSpec = z.strictObject({ distribution: lit("log_uniform"), ...minMax });
export const QLogUniformSpec = z.strictObject({ distribution: lit("q_log_uniform"), ...minMax, q });
export const LogUniformValuesSpec = z.strictObject({ distribution: lit("log_uniform_values"), min: positive, max: finite });
export const QLogUniformValuesSpec = z.strictObject({
  distribution: lit("q_log_uniform_values"),
  min: positive,
  max: finite,
  q,
});
/** exp(-u), u uniform in [min, max] */
export const InvLogUniformSpec = z.strictObject({ distribution: lit("inv_log_uniform"), ...minMax });
export const InvLogUniformValuesSpec = z.strictObject({
  distribution: lit("inv_log_uniform_values"),
  min: positive,
  max: finite,
});
export const NormalSpec = z.strictObject({ distribution: lit("normal"), ...muSigma });
export const QNormalSpec = z.strictObject({ distribution: lit("q_normal"), ...muSigma, q });
/** exp(N(mu, sigma)) */
export const LogNormalSpec = z.strictObject({ distribution: lit("log_normal"), ...muSigma });
export const QLogNormalSpec = z.strictObject({ distribution: lit("q_log_normal"), ...muSigma, q });
export const BetaSpec = z.strictObject({ distribution: lit("beta"), ...ab });
export const QBetaSpec = z.strictObject({ distribution: lit("q_beta"), ...ab, q });

const leafVariants = [
  ConstantSpec,
  CategoricalSpec,
  CategoricalProbSpec,
  IntUniformSpec,
  UniformSpec,
  QUniformSpec,
  LogUniformSpec,
  QLogUniformSpec,
  LogUniformValuesSpec,
  QLogUniformValuesSpec,
  InvLogUniformSpec,
  InvLogUniformValuesSpec,
  NormalSpec,
  QNormalSpec,
  LogNormalSpec,
  QLogNormalSpec,
  BetaSpec,
  QBetaSpec,
] as const;

export const LeafParamSpec = z.discriminatedUnion("distribution", leafVariants);
export type ParamSpec = z.output<typeof LeafParamSpec>;
export type ParamSpecInput = z.input<typeof LeafParamSpec>;

/** W&B's nested parameters (`x: {parameters: {...}}`): parsed so mistakes inside get paths, then rejected by config.ts. */
export interface NestedParamSpec {
  distribution: "nested";
  parameters: Record<string, ParamSpec | NestedParamSpec>;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** W&B's inference of `distribution` (plus categorical + probabilities → categorical_w_probabilities). */
export function inferDistribution(raw: unknown): unknown {
  if (!isPlainObject(raw)) return raw;
  const d = raw.distribution;
  if (d === "categorical" && "probabilities" in raw) return { ...raw, distribution: "categorical_w_probabilities" };
  if (d !== undefined) return raw;
  const has = (k: string) => k in raw;
  let inferred: string | undefined;
  if (has("parameters")) inferred = "nested";
  else if (has("choices")) inferred = "choices";
  else if (has("values")) inferred = has("probabilities") ? "categorical_w_probabilities" : "categorical";
  else if (has("value")) inferred = "constant";
  else if (has("min") || has("max"))
    inferred = Number.isInteger(raw.min) && Number.isInteger(raw.max) ? "int_uniform" : "uniform";
  else if (has("mu") || has("sigma")) inferred = "normal";
  return inferred ? { distribution: inferred, ...raw } : raw;
}

const NestedSpec: z.ZodType<NestedParamSpec> = z.strictObject({
  distribution: z.literal("nested"),
  parameters: z.record(
    z.string(),
    z.lazy(() => AnyParamSpec),
  ),
}) as never;

/** `choices`: each value maps to the sub-parameters that exist only under it (`sgd:` with nothing under it is `sgd: {}`). */
const ChoicesSchema: z.ZodType<ChoicesSpec> = z.strictObject({
  distribution: z.literal("choices"),
  choices: z.record(
    z.string(),
    z.preprocess((v) => (v === null ? {} : v), z.record(z.string(), z.lazy(() => AnyParamSpec as z.ZodType<SweepParamSpec>))),
  ),
  probabilities: z.array(z.number().min(0)).min(1).optional(),
}) as never;

/** A parameter spec as W&B reads it, nested included, plus Sweeplab's `choices`. */
export const AnyParamSpec: z.ZodType<ParamSpec | NestedParamSpec | ChoicesSpec> = z.preprocess(
  inferDistribution,
  z.discriminatedUnion("distribution", [...leafVariants, NestedSpec as never, ChoicesSchema as never]),
) as never;

export const ParameterSpecs = z
  .record(z.string(), AnyParamSpec)
  .describe("Parameter name (a RunConfig key) → how to choose its value (or `choices`: value → the parameters that exist only under it)");

// --- facts about specs used by the schema, the search and the UI -------------------------

export const CONTINUOUS: ReadonlySet<Distribution> = new Set([
  "uniform",
  "log_uniform",
  "log_uniform_values",
  "inv_log_uniform",
  "inv_log_uniform_values",
  "normal",
  "log_normal",
  "beta",
]);
export const LOG_SCALED: ReadonlySet<Distribution> = new Set([
  "log_uniform",
  "q_log_uniform",
  "log_uniform_values",
  "q_log_uniform_values",
  "inv_log_uniform",
  "inv_log_uniform_values",
  "log_normal",
  "q_log_normal",
]);
export { quantize };

/**
 * The closed range [lo, hi] of values a bounded distribution can produce (after exp and
 * quantisation), or null for unbounded ones and categoricals.
 */
export function supportRange(spec: ParamSpec): { lo: number; hi: number } | null {
  switch (spec.distribution) {
    case "int_uniform":
    case "uniform":
      return { lo: spec.min, hi: spec.max };
    case "q_uniform":
      return { lo: quantize(spec.min, spec.q), hi: quantize(spec.max, spec.q) };
    case "log_uniform":
      return { lo: Math.exp(spec.min), hi: Math.exp(spec.max) };
    case "q_log_uniform":
      return { lo: quantize(Math.exp(spec.min), spec.q), hi: quantize(Math.exp(spec.max), spec.q) };
    case "log_uniform_values":
    case "inv_log_uniform_values":
      return { lo: spec.min, hi: spec.max };
    case "q_log_uniform_values":
      return { lo: quantize(spec.min, spec.q), hi: quantize(spec.max, spec.q) };
    case "inv_log_uniform":
      return { lo: Math.exp(-spec.max), hi: Math.exp(-spec.min) };
    default:
      return null;
  }
}

/** The typical value of an unbounded distribution (its centre), quantised. */
export function centreValue(spec: ParamSpec): number | null {
  const qz = (x: number) => ("q" in spec ? quantize(x, spec.q) : x);
  switch (spec.distribution) {
    case "normal":
    case "q_normal":
      return qz(spec.mu);
    case "log_normal":
    case "q_log_normal":
      return qz(Math.exp(spec.mu));
    case "beta":
    case "q_beta":
      return qz(spec.a + spec.b > 0 ? spec.a / (spec.a + spec.b) : 0.5);
    default:
      return null;
  }
}

/**
 * A value's identity as W&B's grid sees it (grid_search.py yaml_hash): 3000000 and 3000000.0 are
 * one value (JSON has one number type), true and 1 are two, and mappings are equal whatever
 * the order of their keys.
 */
export function valueKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueKey).join(",")}]`;
  if (isPlainObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${valueKey(value[k])}`)
      .join(",")}}`;
  return value === undefined ? "undefined" : JSON.stringify(value);
}

/** The values without repeats (by valueKey), in the order they first appear. */
export function distinctValues<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = valueKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * numpy.arange(start, stop, step) for floats, value for value: ceil((stop - start) / step)
 * values, the i-th computed as start + i·((start + step) − start), as numpy fills them.
 */
export function arange(start: number, stop: number, step: number, limit = Infinity): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > limit) return new Array(Math.min(n, limit + 1));
  const delta = start + step - start;
  return Array.from({ length: n }, (_, i) => (i === 0 ? start : i === 1 ? start + step : start + i * delta));
}

/**
 * The values a grid enumerates for this spec, as W&B's grid_search.py builds them: listed
 * values without repeats, int_uniform min..max, q_uniform numpy.arange(min, max, q) (from min,
 * max left out); null when the distribution is continuous. Over `limit` values, an array of
 * limit + 1 holes (only its length is meaningful).
 */
export function gridValues(spec: ParamSpec, limit = Infinity): unknown[] | null {
  switch (spec.distribution) {
    case "constant":
      return [spec.value];
    case "categorical":
      return distinctValues(spec.values);
    case "int_uniform": {
      const n = spec.max - spec.min + 1;
      if (n > limit) return new Array(Math.min(n, limit + 1));
      return Array.from({ length: n }, (_, i) => spec.min + i);
    }
    case "q_uniform":
      return arange(spec.min, spec.max, spec.q, limit);
    default:
      return null;
  }
}

// ============================================================================================
// The sweep config
// ============================================================================================

export const METHODS = ["grid", "random", "bayes"] as const;
export type Method = (typeof METHODS)[number];
export const GOALS = ["minimize", "maximize"] as const;
/** Largest grid (combinations × replicates) a sweep may enumerate. */
export const GRID_LIMIT = 10_000;
export const DEFAULT_METRIC = { name: "val_loss", goal: "minimize" } as const;

export const Metric = z
  .strictObject({
    name: z.string().min(1).max(METRIC_NAME_MAX).describe("Metric to optimise, as logged (free-form, e.g. val_loss)"),
    goal: z.enum(GOALS).default("minimize"),
    target: z.number().optional().describe("No new runs start once a run reaches this value"),
    impute: z
      .enum(["worst", "latest", "best"])
      .optional()
      .describe("bayes: value given to failed runs (worst, or their latest/best logged value)"),
    impute_while_running: z
      .enum(["latest", "best", "worst", "false"])
      .optional()
      .describe('bayes: let running runs count with their value so far ("false": they count as pending, W&B\'s default)'),
  })
  .describe("The metric the search optimises");
export type Metric = z.output<typeof Metric>;

export const HyperbandStop = z.strictObject({
  type: z.literal("hyperband"),
  min_iter: integer().min(1).optional().describe("First bracket, in logged evaluations of the metric; brackets go on min_iter · eta^k"),
  max_iter: integer().min(1).optional().describe("Last evaluation; brackets are max_iter / eta^k, k = 1..s (wins over min_iter, as in W&B)"),
  s: integer().min(1).optional().describe("Number of brackets below max_iter (ignored with min_iter alone, as in W&B)"),
  eta: z.number().gt(1).default(3).describe("Keep the best 1/eta of runs at each bracket"),
  strict: z
    .boolean()
    .default(true)
    .describe("Judge a run by its value at the bracket (true, W&B's default) or by its best value so far (false)"),
});
export const MedianStop = z.strictObject({
  type: z.literal("median"),
  min_iter: integer().min(1).default(3).describe("Evaluations before a run can be stopped"),
  min_runs: integer().min(1).default(5).describe("Other runs that must have reached the same evaluation"),
});
export const EarlyTerminate = z.discriminatedUnion("type", [HyperbandStop, MedianStop]);
export type EarlyTerminate = z.output<typeof EarlyTerminate>;
export type HyperbandStop = z.output<typeof HyperbandStop>;
export type MedianStop = z.output<typeof MedianStop>;

/** Longest sweep name (descriptions may be ten times as long). */
export const NAME_MAX = 128;

/** Top-level keys of W&B's (accepted and kept; program, command and project are used here too). */
const wandbOnly = {
  program: z.string().optional(),
  command: z.array(z.unknown()).optional(),
  // the project the sweep and its runs land in, by the rule every project name follows
  project: Project.optional().describe("The project the sweep and its runs belong to (default: default)"),
  entity: z.string().optional(),
  name: z.string().max(NAME_MAX).optional(),
  description: z.string().max(10 * NAME_MAX).optional(),
  controller: z.looseObject({ type: z.enum(["local", "cloud"]) }).optional(),
  apiVersion: z.string().optional(),
  kind: z.literal("sweep").optional(),
  job: z.string().optional(),
  image_uri: z.string().optional(),
};
export const WANDB_ONLY_KEYS = Object.keys(wandbOnly);

/** The structure of a sweep config (what a form can be generated from); `SweepConfig` adds the checks. */
export const SweepConfigShape = z.strictObject({
  method: z.enum(METHODS).describe("Search strategy"),
  metric: Metric.optional(),
  parameters: ParameterSpecs,
  early_terminate: EarlyTerminate.optional().describe("Stop poor runs early"),
  run_cap: integer().min(1).optional().describe("Most runs this sweep starts"),
  // Sweeplab's own keys
  concurrency: integer().min(1).max(256).optional().describe("Runs at once (default: number of cores)"),
  seed: integer()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .describe("Sweep seed: same seed, same proposals"),
  replicates: integer().min(1).max(100).default(1).describe("Runs per configuration, each with its own seed"),
  bayes_model: z.enum(["gp", "tpe"]).optional().describe("bayes: the model, a Gaussian process with expected improvement (gp, as W&B; the default) or TPE"),
  /** "function": created by a client for its function agent (sweeplab.agent): free names, no program to run. */
  agent: z.literal("function").optional().describe("Set by the clients' sweep(): runs come from sweeplab.agent"),
  ...wandbOnly,
});
export const TOP_LEVEL_KEYS = Object.keys(SweepConfigShape.shape);

type ShapeOutput = z.output<typeof SweepConfigShape>;
/**
 * A valid sweep: parameters named by RunConfig keys (flat, or a tree of `choices`). An engine
 * sweep's metric is filled in (val_loss, which every engine run logs); a program's sweep has
 * one only when its config names one, as in W&B: then it has no best run and no goal, and
 * bayes and early termination, which need one, are refused without it.
 */
export type SweepConfig = Omit<ShapeOutput, "parameters"> & {
  parameters: Record<string, SweepParamSpec>;
};
export type SweepConfigInput = z.input<typeof SweepConfigShape>;

/** The metric of a sweep that must have one: bayes search and early termination (the schema refuses them without, as W&B does). */
export function sweepMetric(config: Pick<SweepConfig, "metric" | "method" | "early_terminate">): Metric {
  if (!config.metric) throw new Error(`this ${config.method} sweep names no metric: bayes search and early termination need one`);
  return config.metric;
}

const withMetric = (c: ShapeOutput): SweepConfig => ({
  ...c,
  ...(c.metric || isProgramSweep(c) ? {} : { metric: { ...DEFAULT_METRIC } }),
  parameters: c.parameters as Record<string, SweepParamSpec>,
});

/**
 * A sweep as W&B's own engine checks it, parameters free-named: the structure plus W&B's rules
 * (min < max, probabilities, metric for bayes and hyperband, grid-able distributions). Nothing
 * here knows the engine; W&B's schema tests run against this.
 */
export const WandbSweepConfig: z.ZodType<SweepConfig, SweepConfigInput> = SweepConfigShape.superRefine(checkWandbRules, { when: () => true }).transform(withMetric);

/**
 * A sweep of someone's own program: it names a `program` or a `command` (W&B's keys). Its
 * parameters are free names; agents and `npm run sweep` run the command (sweeps/program.ts).
 */
export function isProgramSweep(config: unknown): boolean {
  return isPlainObject(config) && (config.program !== undefined || config.command !== undefined || config.agent === "function");
}

/** What a program sweep runs: W&B's `program` and `command`. */
export interface ProgramSpec {
  program?: string;
  command?: string[];
}

/** The program and command of a sweep config, or null for an engine sweep. */
export function programSpecOf(config: Record<string, unknown>): ProgramSpec | null {
  if (config.agent === "function") return null;
  const program = typeof config.program === "string" ? config.program : undefined;
  const command = Array.isArray(config.command) ? config.command.map((w) => (typeof w === "boolean" ? (w ? "True" : "False") : String(w))) : undefined;
  return program === undefined && command === undefined ? null : { program, command };
}

/** Sweep.heldBy of a program's sweep that no one executor holds: only agents started with its id run it (never a server's pool). */
export const PROGRAM_SWEEP_HOLDER = "agents";

function checkProgram(raw: unknown, ctx: Ctx): void {
  if (!isPlainObject(raw)) return;
  const command = raw.command;
  if (Array.isArray(command)) {
    if (command.length === 0) issue(ctx, ["command"], "a command needs at least one word");
    // (W&B's agent writes each word with Python's str(): `1` is the word "1")
    command.forEach((w, i) => (w === null || typeof w === "object") && issue(ctx, ["command", i], `each word of a command is a string or a number, got ${got(w)}`));
    const words = command.filter((w): w is string => typeof w === "string");
    if (words.some((w) => w.includes("${program}")) && typeof raw.program !== "string") issue(ctx, ["program"], "the command uses ${program}: name the program");
  }
  if (raw.program === undefined && command === undefined && raw.agent !== "function") issue(ctx, ["program"], "a program sweep names a program or a command");
  // its runs log their config through the logging API: names it refuses would fail every run
  checkProgramNames(raw.parameters, "", ["parameters"], ctx);
  if (raw.agent === "function" && (raw.program !== undefined || command !== undefined)) issue(ctx, ["agent"], "a function agent's sweep runs no program: drop program and command, or agent");
}

/**
 * A program sweep's parameter names as its runs' config keys: W&B's nested `parameters` flatten to
 * `parent.child` (as the clients send them), a choice's sub-parameters keep their own names.
 */
function checkProgramNames(parameters: unknown, prefix: string, path: Path, ctx: Ctx): void {
  if (!isPlainObject(parameters)) return;
  for (const [name, spec] of Object.entries(parameters)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (!isKey(key)) issue(ctx, [...path, name], `"${key.slice(0, 60)}" is no config key the runs can log: a name is ${KEY_RULE}`);
    if (!isPlainObject(spec)) continue;
    checkProgramNames(spec.parameters, key, [...path, name, "parameters"], ctx);
    if (isPlainObject(spec.choices)) for (const [choice, sub] of Object.entries(spec.choices)) checkProgramNames(sub, prefix, [...path, name, "choices", choice], ctx);
  }
}

/** A sweep of our engine: W&B's rules, then every parameter bound to RunConfig (names, types, ranges, memory). */
export const SweepConfig: z.ZodType<SweepConfig, SweepConfigInput> = SweepConfigShape.superRefine(
  (raw, ctx) => {
    checkWandbRules(raw, ctx);
    // a sweep of the user's own program names its parameters freely, as in W&B
    if (!isProgramSweep(raw)) checkEngineBinding(raw, ctx);
    else checkProgram(raw, ctx);
  },
  { when: () => true }, // report every mistake at once, not only the structural ones
).transform(withMetric);

// --- checks that need more than one field ----------------------------------------------------

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function issue(ctx: Ctx, path: Path, message: string) {
  ctx.addIssue({ code: "custom", path, message });
}

const methodOf = (raw: Record<string, unknown>) => (METHODS.includes(raw.method as Method) ? (raw.method as Method) : undefined);

interface SpecAt {
  name: string;
  path: Path;
  /** the parsed spec, or undefined when it does not parse (the shape reports why) */
  spec: ParamSpec | NestedParamSpec | ChoicesSpec | undefined;
}

/** Every parameter of the tree with its path: the top-level ones, then those under each choice (parameters.x.choices.c.y). */
function walkParams(params: Record<string, unknown>, at: Path = ["parameters"]): SpecAt[] {
  const out: SpecAt[] = [];
  for (const [name, raw] of Object.entries(params)) {
    const parsed = AnyParamSpec.safeParse(raw);
    out.push({ name, path: [...at, name], spec: parsed.success ? parsed.data : undefined });
    const inferred = inferDistribution(raw);
    if (isPlainObject(inferred) && inferred.distribution === "choices" && isPlainObject(inferred.choices))
      for (const [key, sub] of Object.entries(inferred.choices))
        if (isPlainObject(sub)) out.push(...walkParams(sub, [...at, name, "choices", key]));
  }
  return out;
}

/** The leaf specs that parse, with their paths (nested ones, choices and broken ones left out). */
function leafSpecs(params: Record<string, unknown>): [string, ParamSpec, Path][] {
  return walkParams(params).flatMap(({ name, spec, path }) =>
    spec && spec.distribution !== "nested" && spec.distribution !== "choices" ? [[name, spec as ParamSpec, path] as [string, ParamSpec, Path]] : [],
  );
}

function checkWandbRules(raw: unknown, ctx: Ctx): void {
  if (!isPlainObject(raw)) return;
  const method = methodOf(raw);
  const et = EarlyTerminate.safeParse(raw.early_terminate);
  const stop = raw.early_terminate !== undefined && et.success ? et.data : undefined;

  if (raw.metric === undefined) {
    if (method === "bayes")
      issue(ctx, ["metric"], "required for method: bayes (as in W&B), e.g. metric: {name: val_loss, goal: minimize}");
    else if (stop)
      issue(ctx, ["metric"], `required by early_terminate: ${stop.type} (as in W&B), e.g. metric: {name: val_loss}`);
  }
  if (stop?.type === "hyperband") checkHyperband(stop, ctx);

  const params = raw.parameters;
  if (!isPlainObject(params)) return; // the shape already reported it
  if (Object.keys(params).length === 0) issue(ctx, ["parameters"], "at least one parameter is required");
  for (const { spec, path } of walkParams(params)) if (isChoices(spec)) checkChoices(spec, path, method, ctx);
  for (const [, spec, path] of leafSpecs(params)) {
    checkSpecAlone(spec, path, ctx);
    if (method !== "grid") continue;
    if (spec.distribution === "categorical_w_probabilities")
      issue(ctx, [...path, "probabilities"], "grid search tries every value, so probabilities are not allowed (as in W&B)");
    else if (gridValues(spec, GRID_LIMIT) === null)
      issue(
        ctx,
        [...path, "distribution"],
        `grid search needs a finite set of values, but ${spec.distribution} is continuous: use values: [...], int_uniform or q_uniform`,
      );
  }
  const tree = ParameterSpecs.safeParse(params);
  if (tree.success && expandBranches(tree.data as Record<string, SweepParamSpec>, GRID_LIMIT) === null)
    issue(ctx, ["parameters"], `the choices combine into more than ${fmtInt(GRID_LIMIT)} branches: nest fewer choices`);
}

/** A `choices` parameter: at least one choice, distinct values, probabilities as for values (and none in a grid). */
function checkChoices(spec: ChoicesSpec, path: Path, method: Method | undefined, ctx: Ctx) {
  const keys = Object.keys(spec.choices);
  const name = String(path[path.length - 1]);
  if (keys.length === 0) issue(ctx, [...path, "choices"], "give at least one choice, e.g. choices: {sgd: {}, adam: {learning_rate: {...}}}");
  const seen = new Map<string, string>();
  for (const key of keys) {
    const k = valueKey(choiceValue(name, key));
    if (seen.has(k)) issue(ctx, [...path, "choices", key], `the same value as the choice "${seen.get(k)}"`);
    else seen.set(k, key);
  }
  if (spec.probabilities === undefined) return;
  if (method === "grid") {
    issue(ctx, [...path, "probabilities"], "grid search tries every choice, so probabilities are not allowed");
    return;
  }
  if (spec.probabilities.length !== keys.length)
    issue(ctx, [...path, "probabilities"], `has ${spec.probabilities.length} entries but there are ${keys.length} choices: give one probability per choice, in their order`);
  const sum = spec.probabilities.reduce((a, b) => a + b, 0);
  if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) issue(ctx, [...path, "probabilities"], `must sum to 1 (they sum to ${sum})`);
}

/** Largest number of branches whose largest run and logging are checked one by one. */
const CHECKED_BRANCHES = 64;

function checkEngineBinding(raw: unknown, ctx: Ctx): void {
  if (!isPlainObject(raw) || !isPlainObject(raw.parameters)) return;
  const params = raw.parameters;
  const method = methodOf(raw);
  const names = Object.keys(params);
  const replicates = typeof raw.replicates === "number" ? raw.replicates : 1;
  let gridOk = method === "grid";
  let allKnown = true;
  for (const { name, path, spec } of walkParams(params)) {
    if (spec?.distribution === "nested") {
      issue(
        ctx,
        path,
        `nested parameters (${name}.parameters) are not supported: a run's config is flat, ` +
          `so sweep RunConfig keys directly (${RUN_CONFIG_KEYS.slice(0, 4).join(", ")}, ...), or use choices for parameters that exist only under a choice`,
      );
      gridOk = false;
      continue;
    }
    if (!isRunConfigKey(name)) {
      issue(ctx, path, unknownParameterMessage(name));
      gridOk = false;
      allKnown = false;
      continue;
    }
    if (!spec) {
      gridOk = false;
      allKnown = false;
      continue;
    }
    if (name === "seed" && replicates > 1)
      issue(ctx, path, `replicates: ${replicates} gives each configuration its own seeds, so seed cannot be swept too`);
    if (isChoices(spec)) {
      for (const key of Object.keys(spec.choices)) {
        const problem = runConfigValueProblem(name, choiceValue(name, key));
        if (problem) issue(ctx, [...path, "choices", key], `the choice "${key}" is not a valid ${name}: ${problem.replace(/ \(got .*\)$/, "")}`);
      }
      continue;
    }
    checkFitsRunConfig(name, spec, path, ctx);
    if (method === "grid" && (spec.distribution === "categorical_w_probabilities" || gridValues(spec, GRID_LIMIT) === null)) gridOk = false;
  }
  if (!allKnown || names.length === 0) return;
  const tree = ParameterSpecs.safeParse(params);
  const branches = tree.success ? expandBranches(tree.data as Record<string, SweepParamSpec>, GRID_LIMIT) : null;
  if (!branches) return;
  for (const b of branches.slice(0, CHECKED_BRANCHES)) {
    checkLargestRun(b.specs, ctx);
    checkLogging(b.specs, ctx);
  }
  if (gridOk) {
    const combos = branchGridSizes(branches).reduce((a, b) => a + b, 0);
    const runs = combos * replicates;
    if (runs > GRID_LIMIT) {
      const detail = replicates > 1 ? ` × ${replicates} replicates = ${fmtInt(runs)} runs` : "";
      issue(
        ctx,
        ["parameters"],
        `the grid has ${fmtInt(combos)} combinations${detail}, more than the limit of ${fmtInt(GRID_LIMIT)}: ` +
          `use fewer values or method: random with run_cap`,
      );
    }
    if (combos === 0) issue(ctx, ["parameters"], "the grid is empty: a q_uniform range holds no multiple of q from min (max is left out, as numpy.arange does)");
  }
}

/** Grid points of each branch: the product of its parameters' value counts (each counted up to GRID_LIMIT + 1); Infinity for a continuous one. */
function branchGridSizes(branches: readonly Branch[]): number[] {
  return branches.map((b) => Object.values(b.specs).reduce((n, spec) => n * (gridValues(spec, GRID_LIMIT)?.length ?? Infinity), 1));
}

/** The values of a spec worth trying for the largest run: every listed value, or a range's top. */
function candidateValues(spec: ParamSpec): unknown[] | null {
  if ("values" in spec && Array.isArray(spec.values)) return spec.values;
  if ("value" in spec) return [spec.value];
  const range = supportRange(spec);
  if (range) return [spec.distribution === "int_uniform" ? Math.floor(range.hi) : range.hi];
  const centre = centreValue(spec);
  return centre === null ? null : [centre];
}

const RunConfigFields = z.strictObject(runConfigShape);

/**
 * The largest run the sweep can propose (every numeric parameter at its top, each other one at
 * the value that needs the most memory) must fit (engine/resources.ts), or every run would fail
 * out of memory: the issue goes on the swept parameter the user would change.
 */
function checkLargestRun(specs: Record<string, ParamSpec>, ctx: Ctx): void {
  const largest: Record<string, unknown> = {};
  const choices: [string, unknown[]][] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const values = candidateValues(spec);
    if (!values || values.length === 0) continue;
    if (values.every((v) => typeof v === "number")) largest[name] = Math.max(...(values as number[]));
    else choices.push([name, values]);
  }
  const parse = (c: Record<string, unknown>): RunConfig | null => {
    const r = RunConfigFields.safeParse(c);
    return r.success ? (r.data as RunConfig) : null;
  };
  for (const [name, values] of choices) {
    let best: unknown = values[0], bestBytes = -1;
    for (const v of values) {
      const c = parse({ ...largest, [name]: v });
      const bytes = c ? estimateMemory(c).totalBytes : -1;
      if (bytes > bestBytes) (best = v), (bestBytes = bytes);
    }
    largest[name] = best;
  }
  const config = parse(largest);
  if (!config) return; // a combination other checks report (or the run's own validation will)
  const swept = Object.keys(specs);
  for (const found of resourceIssues(config)) {
    const field = [found.path, "hidden_size", "batch_size", "seq_length", "num_layers", "embedding_dim", "eval_batches"].find((k) => swept.includes(k));
    if (!field) continue;
    const shown = ["hidden_size", "num_layers", "batch_size", "seq_length", "eval_batches"].filter((k) => swept.includes(k)).map((k) => `${k} ${largest[k]}`);
    issue(ctx, ["parameters", field], `the largest run this sweep can propose (${shown.join(", ")}) cannot fit: ${found.message}`);
  }
}

/**
 * The run that logs the most (most steps, the smallest log_every, eval_every and sample_every)
 * must stay within the engine's bounds on logged points (engine/config.ts loggingIssues).
 */
function checkLogging(specs: Record<string, ParamSpec>, ctx: Ctx): void {
  const pick = (key: string, most: boolean) => {
    const values = specs[key] ? candidateValues(specs[key])?.filter((v): v is number => typeof v === "number" && v > 0) : undefined;
    return values?.length ? { [key]: most ? Math.max(...values) : Math.min(...values) } : {};
  };
  const tasks = specs.task ? candidateValues(specs.task) : null;
  const worst = RunConfigFields.safeParse({
    ...pick("steps", true),
    ...pick("log_every", false),
    ...pick("eval_every", false),
    ...pick("sample_every", false),
    ...(tasks?.includes("charlm") ? { task: "charlm" } : tasks?.length ? { task: tasks[0] } : {}),
  });
  if (!worst.success) return; // a value other checks report
  for (const found of loggingIssues(worst.data as RunConfig)) {
    const field = [found.path, "steps"].find((k) => k in specs) ?? found.path;
    issue(ctx, ["parameters", field], `the run that logs the most: ${found.message}`);
  }
}

const fmtInt = (n: number) => (n >= 1e15 ? n.toExponential(2) : n.toLocaleString("en-US"));

/**
 * W&B's hyperband_stopping.py: with max_iter, brackets are max_iter / eta^k for k = 1..s (s
 * required, min_iter ignored); with min_iter alone they are min_iter · eta^k, unbounded (s
 * ignored). The ignored keys are warnings (sweepWarnings), not errors: W&B accepts them.
 */
function checkHyperband(hb: HyperbandStop, ctx: Ctx) {
  const p = ["early_terminate"];
  if (hb.max_iter !== undefined && hb.s === undefined)
    issue(ctx, [...p, "s"], `required with max_iter (brackets are max_iter / eta^k for k = 1..s, as in W&B); or give min_iter alone`);
  else if (hb.max_iter === undefined && hb.min_iter === undefined)
    issue(ctx, [...p, "min_iter"], "give min_iter (first bracket), or max_iter + s");
  else if (hb.max_iter !== undefined && hb.max_iter / hb.eta < 1)
    issue(ctx, [...p, "max_iter"], `no brackets: max_iter / eta = ${hb.max_iter / hb.eta} < 1; raise max_iter or lower eta`);
}

/** W&B's own checks of one spec, which do not depend on its name. */
function checkSpecAlone(spec: ParamSpec, path: Path, ctx: Ctx) {
  if ("min" in spec && "max" in spec && !(spec.min < spec.max))
    issue(ctx, [...path, "max"], `must be greater than min (${spec.min})`);
  if (spec.distribution === "categorical_w_probabilities") {
    const { values, probabilities } = spec;
    if (probabilities.length !== values.length)
      issue(
        ctx,
        [...path, "probabilities"],
        `has ${probabilities.length} entries but values has ${values.length}: give one probability per value`,
      );
    const sum = probabilities.reduce((a, b) => a + b, 0);
    // numpy.isclose(sum, 1), as W&B checks it: three times 0.333333 is fine
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) issue(ctx, [...path, "probabilities"], `must sum to 1 (they sum to ${sum})`);
  }
}

// --- RunConfig keys and their types ---------------------------------------------------------


export function isRunConfigKey(name: string): name is RunConfigKey {
  return Object.prototype.hasOwnProperty.call(runConfigShape, name);
}


/** null when `value` is a valid `key`, else a short message such as "must be < 1". */
export function runConfigValueProblem(key: RunConfigKey, value: unknown): string | null {
  if (value === undefined) return "required";
  const r = (runConfigShape[key] as z.ZodType).safeParse(value);
  if (r.success) return null;
  return r.error.issues.map((i) => describeValueIssue(i, value)).join("; ");
}

function describeValueIssue(i: z.core.$ZodIssue, value: unknown): string {
  switch (i.code) {
    case "too_big":
      if (i.origin === "string") return `must be at most ${i.maximum} characters (got ${String(value).length})`;
      return `must be ${i.inclusive ? "≤" : "<"} ${i.maximum}${got(value)}`;
    case "too_small":
      return `must be ${i.inclusive ? "≥" : ">"} ${i.minimum}${got(value)}`;
    case "invalid_value":
      return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(" | ")}${got(value)}`;
    case "invalid_type":
      return i.expected === "int" ? `must be an integer${got(value)}` : `must be ${article(i.expected)}${got(value)}`;
    default:
      return i.message;
  }
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
function got(value: unknown): string {
  return ` (got ${describe(value)})`;
}
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list ${short(JSON.stringify(value))}`;
  if (typeof value === "string") return `the string ${short(JSON.stringify(value))}`;
  if (typeof value === "object") return `a mapping ${short(JSON.stringify(value))}`;
  return String(value);
}
const short = (s: string) => (s.length > 60 ? s.slice(0, 57) + "..." : s);

function checkFitsRunConfig(key: RunConfigKey, spec: ParamSpec, path: Path, ctx: Ctx) {
  const kind = runConfigKeyKind(key);
  const check = (where: Path, value: unknown, prefix = "") => {
    const problem = runConfigValueProblem(key, value);
    if (problem) issue(ctx, [...path, ...where], prefix + problem);
  };
  switch (spec.distribution) {
    case "constant":
      return check(["value"], spec.value);
    case "categorical":
    case "categorical_w_probabilities":
      spec.values.forEach((v, i) => check(["values", i], v));
      return;
  }
  if (kind.type !== "number") {
    const choices = kind.type === "enum" ? ` (${kind.options.join(" | ")})` : "";
    issue(
      ctx,
      [...path, "distribution"],
      `${key} takes a ${kind.type === "enum" ? "choice" : kind.type}${choices}, not numbers from ${spec.distribution}: use value or values`,
    );
    return;
  }
  if (kind.integer) {
    if (CONTINUOUS.has(spec.distribution)) {
      issue(
        ctx,
        [...path, "distribution"],
        `${key} is an integer but ${spec.distribution} gives fractions: use int_uniform, q_uniform, q_log_uniform_values or values`,
      );
      return;
    }
    if ("q" in spec && !Number.isInteger(spec.q)) {
      issue(ctx, [...path, "q"], `${key} is an integer, so q must be a whole number (got ${spec.q})`);
      return;
    }
  }
  const range = supportRange(spec);
  if (range) {
    const bounds = spec as unknown as { min: number; max: number };
    const exp = (side: "min" | "max", v: number) => {
      if (spec.distribution === "log_uniform" || spec.distribution === "q_log_uniform")
        return `exp(${bounds[side]}) = ${fmt(v)} `;
      if (spec.distribution === "inv_log_uniform") return `exp(-${bounds[side]}) = ${fmt(v)} `;
      if ("q" in spec && v !== bounds[side]) return `${side} rounded to q = ${fmt(v)} `;
      return "";
    };
    // inv_log_uniform: the smallest value comes from max
    const loSide = spec.distribution === "inv_log_uniform" ? "max" : "min";
    const hiSide = loSide === "min" ? "max" : "min";
    check([loSide], range.lo, exp(loSide, range.lo));
    if (range.hi !== range.lo) check([hiSide], range.hi, exp(hiSide, range.hi));
    return;
  }
  const centre = centreValue(spec);
  if (centre !== null) {
    const where = spec.distribution.endsWith("beta") ? "a" : "mu";
    const problem = runConfigValueProblem(key, centre);
    if (problem) {
      issue(ctx, [...path, where], `the centre of this distribution, ${fmt(centre)}, is not a valid ${key}: ${problem.replace(/ \(got .*\)$/, "")}`);
      return;
    }
    const found = lawOutside(key, spec);
    if (found && found.outside.share > MAX_TRUNCATED_SHARE) issue(ctx, [...path, spec.distribution.endsWith("beta") ? "b" : "sigma"], lawOutsideMessage(key, spec, found));
  }
}

/** A law may lose at most this share of its draws to a field's range (they are redrawn: the law is truncated, and says so). */
export const MAX_TRUNCATED_SHARE = 0.01;

/** How much of an unbounded law falls outside RunConfig's range for `key` (null: bounded law, or its centre is invalid). */
export function lawOutside(key: RunConfigKey, spec: ParamSpec): { law: Law; outside: Outside; range: string } | null {
  const law = lawOf(spec);
  if (!law) return null;
  const outside = outsideShare(law, (v) => runConfigValueProblem(key, v) === null);
  return outside && { law, outside, range: rangeText(key) };
}

/** "> 0", "≥ 0 and < 1": a numeric field's valid range, read from its schema. */
function rangeText(key: RunConfigKey): string {
  const json = z.toJSONSchema(runConfigShape[key] as z.ZodType, { io: "input" }) as Record<string, number | undefined>;
  const parts = [
    json.exclusiveMinimum !== undefined ? `> ${json.exclusiveMinimum}` : json.minimum !== undefined ? `≥ ${json.minimum}` : "",
    json.exclusiveMaximum !== undefined ? `< ${json.exclusiveMaximum}` : json.maximum !== undefined ? `≤ ${json.maximum}` : "",
  ].filter(Boolean);
  return parts.join(" and ") || "its valid values";
}

const sig3 = (v: number) => String(Number(v.toPrecision(3)));

const pct = (share: number) => {
  const p = share * 100;
  return p >= 10 ? `${p.toFixed(0)}%` : p >= 0.1 ? `${Number(p.toPrecision(2))}%` : `${Number(p.toPrecision(1))}%`;
};

function lawText(spec: ParamSpec): string {
  const q = "q" in spec ? `, q ${fmt(spec.q)}` : "";
  if (spec.distribution.endsWith("beta")) {
    const b = spec as { a: number; b: number };
    return `${spec.distribution}(a ${fmt(b.a)}, b ${fmt(b.b)}${q})`;
  }
  const n = spec as { mu: number; sigma: number };
  return `${spec.distribution}(mu ${fmt(n.mu)}, sigma ${fmt(n.sigma)}${q})`;
}

function lawOutsideMessage(key: RunConfigKey, spec: ParamSpec, found: NonNullable<ReturnType<typeof lawOutside>>): string {
  const { outside, law } = found;
  const sides = [outside.below > 0 && `${pct(outside.below)} below`, outside.above > 0 && `${pct(outside.above)} above`].filter(Boolean).join(" and ");
  const sigma = sigmaFor(law, (v) => runConfigValueProblem(key, v) === null, MAX_TRUNCATED_SHARE);
  const fix = [
    law.kind === "normal" && !law.log && found.range.startsWith(">") ? "log_normal or log_uniform_values for a positive parameter" : null,
    sigma !== null ? `sigma ≤ ${fmt(Number(sigma.toPrecision(2)))} (at most ${pct(MAX_TRUNCATED_SHARE)} outside)` : null,
    "a bounded law such as uniform",
  ].filter(Boolean);
  return (
    `${pct(outside.share)} of the draws of ${lawText(spec)} fall outside ${key}'s range (${found.range}; ${sides}). ` +
    `Redrawing them would sample another law than the one written (median ${sig3(outside.truncatedMedian)} instead of ${sig3(outside.median)}); ` +
    `use ${fix.join(", or ")}`
  );
}

/** The warning for a law that loses a little (≤ MAX_TRUNCATED_SHARE) to the range: it is sampled truncated. */
function lawTruncatedMessage(key: RunConfigKey, spec: ParamSpec, found: NonNullable<ReturnType<typeof lawOutside>>): string {
  return (
    `${pct(found.outside.share)} of the draws of ${lawText(spec)} fall outside ${key}'s range (${found.range}) and are redrawn: ` +
    `the sweep samples this law truncated to the range (median ${sig3(found.outside.truncatedMedian)} instead of ${sig3(found.outside.median)})`
  );
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString());

// --- warnings: valid, but not what the author may expect -------------------------------------

const DEPRECATED_LOG: Partial<Record<Distribution, Distribution>> = {
  log_uniform: "log_uniform_values",
  q_log_uniform: "q_log_uniform_values",
  inv_log_uniform: "inv_log_uniform_values",
};

/**
 * What a sweep will do that its author may not expect, each at the path it concerns: W&B's
 * deprecated exponent distributions, laws truncated to a field's range, repeated values, early-
 * termination keys W&B ignores, and (engine sweeps) a metric no run will log or a goal that
 * runs against it. Works on raw input, so the form can show warnings beside mistakes.
 */
export function sweepWarnings(input: unknown, options: { engine?: boolean } = {}): SweepIssue[] {
  const engine = options.engine ?? true;
  const out: SweepIssue[] = [];
  if (!isPlainObject(input)) return out;
  const warn = (path: string, message: string) => out.push({ path, message });
  const method = methodOf(input);
  const params = isPlainObject(input.parameters) ? input.parameters : {};

  // (W&B accepts any metric name, and real configs use ones with spaces: a warning, not a mistake)
  const metricName = isPlainObject(input.metric) ? input.metric.name : undefined;
  if (!engine && typeof metricName === "string" && !isKey(metricName))
    warn("metric.name", `the logging API refuses a metric named "${metricName.slice(0, 60)}" (a name is ${KEY_RULE}): runs that log it lose that batch, and the sweep sees no ${metricName.slice(0, 60)}`);

  for (const [name, spec, at] of leafSpecs(params)) {
    const path = at.join(".");
    const replacement = DEPRECATED_LOG[spec.distribution];
    if (replacement) {
      const { min, max } = spec as { min: number; max: number };
      const [lo, hi] = spec.distribution === "inv_log_uniform" ? [Math.exp(-max), Math.exp(-min)] : [Math.exp(min), Math.exp(max)];
      const [loText, hiText] = spec.distribution === "inv_log_uniform" ? [`exp(-${fmt(max)})`, `exp(-${fmt(min)})`] : [`exp(${fmt(min)})`, `exp(${fmt(max)})`];
      // bounds that are positive were probably meant as values; negative ones as exponents
      const fix = min > 0 ? `for values between ${fmt(min)} and ${fmt(max)} use ${replacement}` : `the same law is ${replacement} with min ${fmt(lo)}, max ${fmt(hi)}`;
      warn(`${path}.distribution`, `${name} uses ${spec.distribution}, where min/max are base-e exponents: its values run from ${loText} = ${fmt(lo)} to ${hiText} = ${fmt(hi)}. W&B deprecates it; ${fix}`);
    }
    if (spec.distribution === "categorical" || spec.distribution === "categorical_w_probabilities") {
      const repeated = spec.values.filter((v, i) => spec.values.findIndex((w) => valueKey(w) === valueKey(v)) !== i);
      if (repeated.length > 0) {
        const list = distinctValues(repeated).map((v) => JSON.stringify(v)).join(", ");
        warn(
          `${path}.values`,
          method === "grid"
            ? `${list} ${repeated.length === 1 ? "is" : "are"} listed more than once: the grid runs each value once (as W&B)`
            : `${list} ${repeated.length === 1 ? "is" : "are"} listed more than once, so ${method ?? "the"} search draws ${repeated.length === 1 ? "it" : "them"} more often (as W&B)`,
        );
      }
    }
    if (method === "grid" && spec.distribution === "q_uniform") {
      const steps = (spec.max - spec.min) / spec.q;
      if (Math.abs(steps - Math.round(steps)) < 1e-9 && steps >= 1)
        warn(
          `${path}.max`,
          `the grid stops before max (${fmt(spec.max)}): W&B enumerates q_uniform as numpy.arange(min, max, q), which leaves max out; ` +
            `to run ${fmt(spec.max)} too, raise max a little above it`,
        );
    }
    if (engine && isRunConfigKey(name)) {
      const found = lawOutside(name, spec);
      if (found && found.outside.share > 0 && found.outside.share <= MAX_TRUNCATED_SHARE) warn(path, lawTruncatedMessage(name, spec, found));
    }
  }

  if (engine) for (const w of flatConditionWarnings(params, method, typeof input.replicates === "number" ? input.replicates : 1)) warn(w.path, w.message);
  if (engine)
    for (const { name, path } of walkParams(params)) {
      // a key under a choice where it does not apply (momentum under optimizer: adam)
      const when = APPLIES_WHEN[name as RunConfigKey];
      if (!when) continue;
      for (let i = 1; i + 2 < path.length; i++)
        if (path[i] === when.key && path[i + 1] === "choices" && !when.values.includes(String(path[i + 2])))
          warn(path.join("."), `${name} applies only when ${when.key} is ${when.values.join(" or ")}: under ${when.key}: ${String(path[i + 2])} it has no effect on the runs`);
    }

  const et = isPlainObject(input.early_terminate) ? input.early_terminate : null;
  if (et?.type === "hyperband") {
    if (et.max_iter !== undefined && et.min_iter !== undefined)
      warn("early_terminate.min_iter", `ignored: with max_iter, the brackets are max_iter / eta^k for k = 1..s (as W&B); min_iter only counts without max_iter`);
    else if (et.min_iter !== undefined && et.s !== undefined)
      warn("early_terminate.s", `ignored with min_iter (as W&B): the brackets go on min_iter · eta^k without end; s counts brackets below max_iter`);
  }

  const metric = isPlainObject(input.metric) ? input.metric : null;
  if (metric && method !== "bayes") {
    for (const key of ["impute", "impute_while_running"] as const)
      if (metric[key] !== undefined) warn(`metric.${key}`, `only bayes search uses it; ${method ?? "this"} search ignores it`);
  }
  if (engine) {
    const name = typeof metric?.name === "string" ? metric.name : DEFAULT_METRIC.name;
    const problem = metricProblem(name, sweptTasks(params));
    if (problem) warn("metric.name", problem);
    const goal = metric?.goal;
    if ((goal === "minimize" || goal === "maximize") && tracksBest(name) && (goal === "maximize") !== higherIsBetter(name))
      warn("metric.goal", `${name} is ${higherIsBetter(name) ? "an accuracy: higher is better" : "a loss: lower is better"}, but the goal is ${goal}, so the search looks for the worst runs`);
  }
  return out;
}

/**
 * An engine key swept flat beside the key it depends on (engine/config.ts APPLIES_WHEN), e.g.
 * momentum beside optimizer: the runs of the other optimizers repeat one configuration for
 * every momentum. The warning shows the conditional form and the runs it saves.
 */
function flatConditionWarnings(params: Record<string, unknown>, method: Method | undefined, replicates: number): SweepIssue[] {
  const top = new Map(leafSpecs(params).filter(([, , path]) => path.length === 2).map(([name, spec]) => [name, spec]));
  const out: SweepIssue[] = [];
  for (const [key, when] of Object.entries(APPLIES_WHEN) as [RunConfigKey, { key: RunConfigKey; values: readonly string[] }][]) {
    const own = top.get(key), parent = top.get(when.key);
    if (!own || !parent || own.distribution === "constant") continue;
    const parentValues = parent.distribution === "constant" ? [parent.value] : "values" in parent ? distinctValues(parent.values) : null;
    if (!parentValues) continue;
    const applies = parentValues.filter((v) => when.values.includes(String(v)));
    const others = parentValues.filter((v) => !when.values.includes(String(v)));
    if (others.length === 0) continue;
    const list = (vs: unknown[]) => vs.map((v) => String(v)).join(", ");
    const condition = `${when.key} is ${when.values.join(" or ")}`;
    if (applies.length === 0) {
      out.push({ path: `parameters.${key}`, message: `${key} applies only when ${condition}, and this sweep's ${when.key} is ${list(others)}: every ${key} gives the same run. Fix ${key} or sweep ${when.key} ${when.values.join("/")}` });
      continue;
    }
    const ownGrid = gridValues(own, GRID_LIMIT);
    const choices =
      `${when.key}: {choices: {` +
      parentValues.map((v) => (applies.includes(v) ? `${String(v)}: {${key}: {...}}` : `${String(v)}: {}`)).join(", ") +
      `}}`;
    let saving: string;
    if (method === "grid" && ownGrid) {
      const rest = [...top.entries()].filter(([n]) => n !== key && n !== when.key).reduce((n, [, spec]) => n * (gridValues(spec, GRID_LIMIT)?.length ?? 1), 1);
      const flat = parentValues.length * ownGrid.length * rest * replicates;
      const tree = (applies.length * ownGrid.length + others.length) * rest * replicates;
      saving = `the grid runs each other ${when.key} (${list(others)}) ${ownGrid.length} times over with the same effect. As choices, ${choices}, it has ${fmtInt(tree)} runs instead of ${fmtInt(flat)}: ${fmtInt(flat - tree)} runs saved`;
    } else {
      const wasted =
        parent.distribution === "categorical_w_probabilities"
          ? parent.values.reduce<number>((a, v, i) => a + (others.includes(v) ? (parent.probabilities[i] ?? 0) : 0), 0)
          : others.length / parentValues.length;
      saving = `${pct(wasted)} of the runs (those with ${when.key} ${list(others)}) vary a ${key} that has no effect, and the search learns noise from it. As choices, ${choices}, ${key} exists only in the runs it shapes`;
    }
    out.push({ path: `parameters.${key}`, message: `${key} applies only when ${condition}, but it is swept beside ${when.key} as a flat parameter: ${saving}` });
  }
  return out;
}

/** The metrics the runs of a sweep (raw input) will log: what its metric field can offer. */
export function sweepMetrics(input: unknown): string[] {
  const params = isPlainObject(input) && isPlainObject(input.parameters) ? input.parameters : {};
  return [...new Set(sweptTasks(params).flatMap((t) => loggedMetrics(t)))];
}

/** The tasks a sweep's runs can have (the RunConfig default when task is not swept). */
function sweptTasks(params: Record<string, unknown>): RunConfig["task"][] {
  const parsed = params.task === undefined ? null : AnyParamSpec.safeParse(params.task);
  const defaultTask = (runConfigShape.task as z.ZodType).parse(undefined) as RunConfig["task"];
  if (!parsed) return [defaultTask];
  if (!parsed.success) return [];
  const spec = parsed.data;
  const values = isChoices(spec)
    ? Object.keys(spec.choices).map((k) => choiceValue("task", k))
    : spec.distribution === "constant" ? [spec.value] : "values" in spec ? spec.values : [];
  return values.filter((v): v is RunConfig["task"] => runConfigValueProblem("task", v) === null);
}

/** null when every task of the sweep logs `metric`; else what to say (with the closest logged name). */
export function metricProblem(metric: string, tasks: readonly RunConfig["task"][]): string | null {
  if (tasks.length === 0) return null;
  const missing = tasks.filter((t) => !loggedMetrics(t).includes(metric));
  if (missing.length === 0) return null;
  const logged = [...new Set(tasks.flatMap((t) => loggedMetrics(t)))];
  const guess = logged.map((m) => [m, levenshtein(metric, m)] as const).sort((a, b) => a[1] - b[1])[0];
  const hint = guess && guess[1] <= Math.max(2, Math.floor(metric.length / 4)) ? ` Did you mean "${guess[0]}"?` : "";
  const reliance = "(bayes, early termination and the best run rely on it)";
  if (missing.length < tasks.length)
    return `runs of ${missing.join(", ")} never log "${metric}", so the sweep would not see its metric for them ${reliance}.${hint} Logged by every task: ${logged.filter((m) => tasks.every((t) => loggedMetrics(t).includes(m))).join(", ")}`;
  const who = tasks.length === 1 ? `a ${tasks[0]} run never logs` : "no run of this sweep logs";
  return `${who} "${metric}", so the sweep would never see its metric ${reliance}.${hint} Logged: ${logged.join(", ")}`;
}

// --- unknown parameter names ----------------------------------------------------------------

const ALIASES: Record<string, RunConfigKey> = {
  lr: "learning_rate",
  learningrate: "learning_rate",
  hidden: "hidden_size",
  hidden_dim: "hidden_size",
  hidden_units: "hidden_size",
  units: "hidden_size",
  n_layers: "num_layers",
  layers: "num_layers",
  nlayers: "num_layers",
  epochs: "steps",
  max_steps: "steps",
  num_steps: "steps",
  wd: "weight_decay",
  clip: "grad_clip",
  max_grad_norm: "grad_clip",
  clip_norm: "grad_clip",
  gradient_clip: "grad_clip",
  seq_len: "seq_length",
  bptt: "seq_length",
  emb_dim: "embedding_dim",
  embedding_size: "embedding_dim",
  embed_dim: "embedding_dim",
  rnn_type: "cell",
  cell_type: "cell",
  layer_norm: "layernorm",
  optim: "optimizer",
  p_dropout: "dropout",
  scheduler: "lr_schedule",
  lr_scheduler: "lr_schedule",
  warmup: "warmup_steps",
};

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The RunConfig key a mistyped or W&B-style name most likely means, if any. */
export function suggestKey(name: string): RunConfigKey | undefined {
  const norm = name.toLowerCase().replace(/-/g, "_");
  const last = norm.split(".").pop() ?? norm;
  for (const n of [norm, last]) {
    if (isRunConfigKey(n)) return n;
    if (ALIASES[n]) return ALIASES[n];
  }
  let best: RunConfigKey | undefined;
  let bestD = Infinity;
  for (const k of RUN_CONFIG_KEYS) {
    const d = levenshtein(last, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= (last.length >= 6 ? 2 : 1) ? best : undefined;
}

/** Short, as a config with many unknown names gets one per name; lists of the keys show them once (RUN_CONFIG_KEYS). */
export function unknownParameterMessage(name: string): string {
  const guess = suggestKey(name);
  return `unknown parameter "${name}": not a RunConfig key${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

/** The other reading of unknown parameters, said once beside them: the user's own program. */
export const PROGRAM_SWEEP_HINT = "to sweep your own program instead, add `program:` (or `command:`), as in W&B, or create the sweep from the client (sweeplab.sweep)";
export const hasUnknownParameter = (issues: readonly { message: string }[]) => issues.some((i) => i.message.startsWith("unknown parameter "));

// ============================================================================================
// Parsing: objects (API, form) and text (W&B YAML or JSON)
// ============================================================================================

export interface SweepIssue {
  /** dotted path, e.g. `parameters.dropout.max`; "" for the whole document */
  path: string;
  message: string;
  /** 1-based line of a syntax error in the text (other issues have a path instead) */
  line?: number;
}
/**
 * The result of reading a sweep: the config or its mistakes, and in both cases the warnings
 * (sweepWarnings): what the sweep will do that its author may not expect.
 */
export type SweepParseResult = { ok: true; config: SweepConfig; warnings: SweepIssue[] } | { ok: false; issues: SweepIssue[]; warnings: SweepIssue[] };

function parseWith(schema: z.ZodType<SweepConfig, SweepConfigInput>, input: unknown, engine: boolean): SweepParseResult {
  const r = schema.safeParse(input, { reportInput: true });
  const warnings = sweepWarnings(input, { engine: engine && !isProgramSweep(input) });
  if (r.success) return { ok: true, config: r.data, warnings };
  return { ok: false, issues: formatIssues(r.error.issues, input), warnings };
}

/** Validate an already-parsed config (JSON body, form state) as a sweep of our engine. */
export function parseSweepConfig(input: unknown): SweepParseResult {
  return parseWith(SweepConfig, input, true);
}

/** Validate a config as W&B's engine does, parameters free-named (nothing bound to RunConfig). */
export function parseWandbSweepConfig(input: unknown): SweepParseResult {
  return parseWith(WandbSweepConfig, input, false);
}

/**
 * Parse a sweep config written as W&B YAML or JSON. The YAML is read with YAML 1.2 rules
 * (as JSON), so `1e-5` is a number; PyYAML, which the `wandb` CLI uses, reads it as a string.
 * Integer-vs-float matters for W&B's inference (`min: 0.0, max: 1.0` is uniform, `min: 0,
 * max: 1` int_uniform), so it is read from the text before numbers become JS numbers.
 */
export function parseSweepConfigText(text: string): SweepParseResult {
  return parseText(text, parseSweepConfig);
}

/** parseWandbSweepConfig on W&B YAML or JSON text. */
export function parseWandbSweepConfigText(text: string): SweepParseResult {
  return parseText(text, parseWandbSweepConfig);
}

function parseText(text: string, parse: (input: unknown) => SweepParseResult): SweepParseResult {
  const read = readSweepText(text);
  if (!read.ok) return { ...read, warnings: [] };
  const parsed = parse(read.data);
  const result = { ...parsed, warnings: [...read.textWarnings, ...parsed.warnings] };
  if (read.textIssues.length === 0) return result;
  return { ok: false, issues: [...read.textIssues, ...(result.ok ? [] : result.issues)], warnings: result.warnings };
}

/** Text (YAML or JSON) → plain data, with W&B's int-vs-float inference of min/max applied; syntax errors as issues. */
export function readSweepText(text: string): { ok: true; data: unknown; textIssues: SweepIssue[]; textWarnings: SweepIssue[] } | { ok: false; issues: SweepIssue[] } {
  if (text.trim() === "") return { ok: false, issues: [{ path: "", message: "the config is empty" }] };
  // The YAML reader recurses once per level: a document nested thousands deep ("- - - … 1")
  // overflows the stack. That is the document's fault, so it is an issue, not a crash.
  const tooDeep = { ok: false as const, issues: [{ path: "", message: `the document is nested too deeply (at most ${MAX_DEPTH} levels)` }] };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    if (e instanceof RangeError) return tooDeep;
    throw e;
  }
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0)
    return { ok: false, issues: syntaxProblems(text, problems).map((p) => ({ path: "", line: p.line, message: `not valid YAML or JSON: ${p.message}` })) };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    if (e instanceof RangeError) return tooDeep;
    return { ok: false, issues: [{ path: "", message: `could not read the document: ${(e as Error).message}` }] };
  }
  if (depthOf(raw) > MAX_DEPTH) return tooDeep;
  const textIssues: SweepIssue[] = [];
  if (isPlainObject(raw) && isPlainObject(raw.parameters)) raw = { ...raw, parameters: inferRangeTypes(raw.parameters, "parameters", textIssues) };
  return { ok: true, data: bigintsToNumbers(raw), textIssues, textWarnings: text.trimStart().startsWith("{") ? [] : pyyamlStrings(doc, text) };
}

/** A float as PyYAML (YAML 1.1) reads one: a dot, and an exponent only with its sign (yaml.resolver). */
const PYYAML_FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/;

/**
 * Numbers written in exponent form that PyYAML, which the `wandb` CLI reads YAML with, reads as
 * strings (`9e-6`, `1e3`, `1.0e5`): W&B refuses the file or sweeps the strings. Here they are the
 * numbers they look like; a warning says so, with the spelling both read alike. (JSON text is
 * read by W&B's JSON reader, which agrees with ours.)
 */
function pyyamlStrings(doc: ReturnType<typeof parseDocument>, text: string): SweepIssue[] {
  const out: SweepIssue[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (node.format !== "EXP" || node.type !== "PLAIN" || !node.range) return;
      const written = text.slice(node.range[0], node.range[1]);
      if (PYYAML_FLOAT.test(written)) return;
      const path = [...ancestors.flatMap((a) => (isPair(a) && isScalar(a.key) ? [String(a.key.value)] : [])), ...(typeof key === "number" ? [String(key)] : [])];
      const value = Number(node.value);
      const spelled = pyyamlSpelling(value.toExponential());
      out.push({ path: path.join("."), message: `W&B's YAML reader (PyYAML) reads ${written} as the string "${written}", so W&B refuses or differs on this file; here it is the number ${value}. Written ${spelled}, both read it as that number` });
    },
  });
  return out;
}

/** How deep a sweep document may nest (a real one nests 4 levels: parameters.x.values[i]). */
const MAX_DEPTH = 64;

/** Nesting depth of plain data, counted without recursion. */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    deepest = Math.max(deepest, d + 1);
    if (deepest > MAX_DEPTH) return deepest;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return deepest;
}

/**
 * Fill `distribution` of min/max specs from the integer-ness written in the text (ints are
 * bigint here), and note an explicit int_uniform whose bounds are written as floats (W&B's
 * schema refuses `min: 0.0` there; once read, 0.0 and 0 are the same number).
 */
function inferRangeTypes(params: Record<string, unknown>, at: string, issues: SweepIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(params)) {
    if (isPlainObject(spec) && spec.distribution === "int_uniform")
      for (const side of ["min", "max"] as const)
        if (typeof spec[side] === "number") issues.push({ path: `${at}.${name}.${side}`, message: `must be an integer, written without a decimal point (got ${spec[side]} written as a float)` });
    if (isPlainObject(spec) && isPlainObject(spec.choices) && (spec.distribution === undefined || spec.distribution === "choices"))
      out[name] = {
        ...spec,
        choices: Object.fromEntries(
          Object.entries(spec.choices).map(([key, sub]) => [key, isPlainObject(sub) ? inferRangeTypes(sub, `${at}.${name}.choices.${key}`, issues) : sub]),
        ),
      };
    else if (!isPlainObject(spec) || spec.distribution !== undefined) out[name] = spec;
    else if (isPlainObject(spec.parameters)) out[name] = { ...spec, parameters: inferRangeTypes(spec.parameters, `${at}.${name}.parameters`, issues) };
    else if (("min" in spec || "max" in spec) && !("values" in spec) && !("value" in spec))
      out[name] = {
        distribution: typeof spec.min === "bigint" && typeof spec.max === "bigint" ? "int_uniform" : "uniform",
        ...spec,
      };
    else out[name] = spec;
  }
  return out;
}

function bigintsToNumbers(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(bigintsToNumbers);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bigintsToNumbers(x)]));
  return v;
}

// --- zod issues → {path, message} -----------------------------------------------------------

function getAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join(".");

/** Is `path` a parameter spec (parameters.x, parameters.x.parameters.y for nested, parameters.x.choices.c.y under a choice)? */
function isSpecPath(path: readonly PropertyKey[]): boolean {
  if (path.length < 2 || path[0] !== "parameters") return false;
  let i = 2;
  while (i < path.length) {
    if (path[i] === "parameters" && i + 1 < path.length) i += 2;
    else if (path[i] === "choices" && i + 2 < path.length) i += 3;
    else return false;
  }
  return true;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): SweepIssue[] {
  const out: SweepIssue[] = [];
  const seen = new Set<string>();
  const push = (path: readonly PropertyKey[], message: string) => {
    const p = joinPath(path);
    const key = `${p}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path: p, message });
    }
  };
  for (const i of issues) {
    const path = i.path;
    const value = getAt(input, path);
    if (value === undefined && i.code !== "unrecognized_keys" && i.code !== "custom" && i.code !== "invalid_union") {
      push(path, "required");
      continue;
    }
    switch (i.code) {
      case "unrecognized_keys":
        for (const k of i.keys) push([...path, k], unknownKeyMessage(path, k, input));
        break;
      case "invalid_union": {
        if ("discriminator" in i && i.discriminator === "distribution") {
          const specPath = path.slice(0, -1);
          const spec = getAt(input, specPath);
          if (isPlainObject(spec) && spec.distribution === undefined)
            push(specPath, "cannot tell the distribution: give value, values, min + max, or distribution");
          else
            push(path, `unknown distribution ${JSON.stringify(value)} (one of: ${DISTRIBUTIONS.join(", ")})`);
        } else if ("discriminator" in i && i.discriminator === "type") {
          push(path, value === undefined ? 'required: "hyperband" or "median"' : `must be "hyperband" or "median" (got ${describe(value)})`);
        } else push(path, i.message);
        break;
      }
      case "invalid_type":
        if (value === undefined) push(path, "required");
        else if (path.length === 0) push(path, `a sweep config must be a mapping of keys (got ${describe(value)})`);
        else if (joinPath(path) === "parameters")
          push(path, `must be a mapping of parameter names to specs, with at least one parameter (got ${describe(value)})`);
        else if (isSpecPath(path))
          push(path, `must be a mapping such as {value: ${short(JSON.stringify(value) ?? "")}} or {values: [...]} (got ${describe(value)})`);
        else push(path, describeValueIssue(i, value));
        break;
      case "invalid_value":
        if (path.join(".") === "metric.goal")
          push(path, `must be "minimize" or "maximize" (got ${describe(value)}); W&B rejects it too`);
        else if (path.join(".") === "method")
          push(path, `must be one of grid | random | bayes (got ${describe(value)})`);
        else push(path, describeValueIssue(i, value));
        break;
      case "too_small":
        if (i.origin === "array") push(path, `must have at least ${i.minimum} item${i.minimum === 1 ? "" : "s"}`);
        else if (i.origin === "string") push(path, "must not be empty");
        else push(path, describeValueIssue(i, value));
        break;
      case "too_big":
        push(path, describeValueIssue(i, value));
        break;
      default:
        push(path, i.message);
    }
  }
  return out;
}

function unknownKeyMessage(path: readonly PropertyKey[], key: string, input: unknown): string {
  if (path.length === 0)
    return (
      `unknown top-level key "${key}" (W&B keys: method, metric, parameters, early_terminate, run_cap, ` +
      `${WANDB_ONLY_KEYS.join(", ")}; Sweeplab keys: concurrency, seed, replicates, bayes_model)`
    );
  if (isSpecPath(path)) {
    const spec = inferDistribution(getAt(input, path));
    const d = isPlainObject(spec) ? String(spec.distribution) : "";
    const allowed = (DISTRIBUTION_KEYS as Record<string, readonly string[]>)[d];
    if (allowed) return `"${key}" is not a key of a ${d} parameter (allowed: distribution, ${allowed.join(", ")})`;
  }
  if (path[0] === "metric") return `unknown key "${key}" in metric (allowed: name, goal, target, impute, impute_while_running)`;
  if (path[0] === "early_terminate") {
    const et = getAt(input, path);
    const allowed = isPlainObject(et) && et.type === "median" ? "type, min_iter, min_runs" : "type, min_iter, max_iter, s, eta, strict";
    return `unknown key "${key}" in early_terminate (allowed: ${allowed})`;
  }
  return `unknown key "${key}"`;
}

// ============================================================================================
// Helpers for the executor and the form
// ============================================================================================

/** The branches of a valid sweep's parameter tree (one, the flat space, without choices); see sweeps/tree.ts. */
export function sweepBranches(config: Pick<SweepConfig, "parameters">): Branch[] {
  return expandBranches(config.parameters, GRID_LIMIT) ?? [];
}

/** Names of the swept parameters in W&B's order (sorted), those under choices included. */
export function parameterNames(config: Pick<SweepConfig, "parameters">): RunConfigKey[] {
  return ([...new Set(sweepBranches(config).flatMap((b) => Object.keys(b.specs)))] as RunConfigKey[]).sort();
}

/**
 * Names of the parameters that take more than one value: within a branch (a list of two or
 * more, a range, a law), or across the tree's branches (a choice, or a constant each branch sets
 * apart). A one-value list varies nothing.
 */
export function variedParameterNames(config: Pick<SweepConfig, "parameters">): string[] {
  const constants = new Map<string, Set<string>>();
  const varied = new Set<string>();
  for (const branch of sweepBranches(config)) {
    for (const [name, spec] of Object.entries(branch.specs)) {
      const grid = gridValues(spec, 2);
      if (grid === null || grid.length > 1) {
        varied.add(name);
        continue;
      }
      const seen = constants.get(name) ?? new Set<string>();
      seen.add(valueKey(grid[0]));
      constants.set(name, seen);
      if (seen.size > 1) varied.add(name);
    }
  }
  return [...varied].sort();
}

/** Number of grid combinations (before replicates): the sum over the tree's branches; null when the search space is not a finite grid. */
export function gridCombinations(config: SweepConfig): number | null {
  const n = branchGridSizes(sweepBranches(config)).reduce((a, b) => a + b, 0);
  return Number.isFinite(n) ? n : null;
}

/**
 * A sweep's parameters (raw, as stored) as one spec per name for the views: a tree's sub-
 * parameters are named too, each with the spec of the first branch that draws it (a constant
 * only when no branch draws it); `absent` holds the names some branch does not have, whose
 * cell is empty (n/a) in a run of that branch rather than the default the run kept.
 */
export function viewParameters(raw: unknown): { specs: Record<string, unknown>; absent: Set<string> } {
  if (!isPlainObject(raw) || !Object.values(raw).some((s) => isPlainObject(s) && isChoices(inferDistribution(s)))) return { specs: isPlainObject(raw) ? raw : {}, absent: new Set() };
  const tree = ParameterSpecs.safeParse(raw);
  const branches = tree.success ? expandBranches(tree.data as Record<string, SweepParamSpec>, GRID_LIMIT) : null;
  if (!branches) return { specs: {}, absent: new Set() };
  const specs: Record<string, ParamSpec> = {};
  for (const b of branches)
    for (const [name, spec] of Object.entries(b.specs)) if (!specs[name] || (specs[name].distribution === "constant" && spec.distribution !== "constant")) specs[name] = spec;
  // a choice parameter: all its choices
  const chosen = new Map<string, unknown[]>();
  for (const b of branches) for (const [name, value] of b.when) chosen.set(name, distinctValues([...(chosen.get(name) ?? []), value]));
  for (const [name, values] of chosen) specs[name] = { distribution: "categorical", values };
  const absent = new Set(Object.keys(specs).filter((name) => branches.some((b) => !(name in b.specs))));
  return { specs, absent };
}

/** A tree grid's sum, branch by branch ("optimizer=momentum" and its grid points); one entry for a flat grid. */
export function gridBranches(config: SweepConfig): { label: string; count: number }[] {
  const branches = sweepBranches(config);
  const sizes = branchGridSizes(branches);
  return branches.map((b, i) => ({ label: branchLabel(b), count: sizes[i] }));
}

/** Runs the sweep will start: grid size × replicates (capped by run_cap), run_cap, or null when unbounded. */
export function sweepSize(config: SweepConfig): number | null {
  const grid = config.method === "grid" ? gridCombinations(config) : null;
  const total = grid === null ? null : grid * config.replicates;
  if (total === null) return config.run_cap ?? null;
  return config.run_cap !== undefined ? Math.min(total, config.run_cap) : total;
}

/** A config as plain data with defaults made explicit (what the form's YAML/JSON tabs show). */
export function sweepToObject(config: SweepConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

export function sweepToJson(config: SweepConfig): string {
  return JSON.stringify(sweepToObject(config), null, 2);
}

/** YAML that parseSweepConfigText reads back to the same config (every distribution is explicit). */
export function sweepToYaml(config: SweepConfig): string {
  return toYaml(sweepToObject(config));
}

/** A number in exponent form as PyYAML reads a float: with a dot and a signed exponent (1e-7 → 1.0e-7). */
function pyyamlSpelling(written: string): string {
  const m = /^([-+]?\d+)(\.\d*)?e([-+]?)(\d+)$/.exec(written);
  return m ? `${m[1]}${m[2] && m[2] !== "." ? m[2] : ".0"}e${m[3] || "+"}${m[4]}` : written;
}

/**
 * YAML that the `wandb` CLI (PyYAML, YAML 1.1) reads as we do: numbers that JavaScript writes in
 * exponent form (1e-7, 1e+21) get a dot and a signed exponent, else PyYAML reads them as strings.
 * Every YAML the app writes (the form's YAML tab, a sweep's export, a run's config) goes through it.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value);
  doc.schema.tags = doc.schema.tags.map((t) =>
    (t.tag === "tag:yaml.org,2002:float" || t.tag === "tag:yaml.org,2002:int") && !t.format && t.stringify
      ? { ...t, stringify: (...args: Parameters<NonNullable<typeof t.stringify>>) => pyyamlSpelling(t.stringify!(...args)) }
      : t,
  );
  return doc.toString({ lineWidth: 0 });
}
