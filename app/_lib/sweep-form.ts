import * as z from "zod";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { APPLIES_WHEN, RunConfig, RUN_CONFIG_KEYS, type RunConfigKey } from "../../engine/config";
import {
  DISTRIBUTION_KEYS,
  gridBranches,
  gridCombinations,
  hasChoices,
  hasUnknownParameter,
  inferDistribution,
  isPlainObject,
  LOG_SCALED,
  sweepSize,
  toYaml,
  type Distribution,
  type SweepConfig,
  type SweepIssue,
} from "../../sweeps/config";
import type { SweepTimeEstimate } from "../../sweeps/estimate";

// The new-sweep form's data model, all derived from the two schemas (RunConfig for the
// fields, SweepConfig for validation). The form edits a plain W&B sweep document (what the
// YAML tab shows); these pure helpers read and change it. No React here.

export type SweepDoc = Record<string, unknown>;

/** What the form fills in when a person picks an early-termination rule (bench/hyperband-charlm.ts measures the hyperband one too). */
export const EARLY_TERMINATE_DEFAULTS = {
  hyperband: { type: "hyperband", min_iter: 3, eta: 3 },
  median: { type: "median", min_iter: 3, min_runs: 5 },
} as const;

// --- RunConfig fields, read from the schema --------------------------------------------------

export interface RunField {
  key: RunConfigKey;
  kind: "integer" | "number" | "boolean" | "enum" | "string";
  options?: string[];
  min?: number;
  max?: number;
  /** the bound itself is not allowed (e.g. dropout < 1) */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  default: unknown;
  description: string;
  group: string;
}

interface JsonProp {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
}

// Grouping only (the schema has no notion of it); keys not listed land in "Other".
const GROUPS: [string, readonly string[]][] = [
  ["Task", ["task", "corpus", "delay", "vocab_size"]],
  ["Model", ["cell", "activation", "hidden_size", "num_layers", "embedding_dim", "dropout", "layernorm", "init", "init_std", "forget_bias", "h0"]],
  ["Optimisation", ["optimizer", "learning_rate", "momentum", "weight_decay", "lr_schedule", "lr_step_every", "lr_gamma", "warmup_steps", "grad_clip"]],
  ["Training", ["steps", "seq_length", "batch_size", "eval_every", "eval_batches", "log_every", "val_fraction", "seed", "backend"]],
  ["Sampling", ["sample_every", "sample_length", "sampling", "temperature", "top_k"]],
];

function groupOf(key: string): string {
  return GROUPS.find(([, keys]) => keys.includes(key))?.[0] ?? "Other";
}

export const FIELD_GROUPS = [...GROUPS.map(([g]) => g), "Other"];

export const RUN_FIELDS: RunField[] = (() => {
  const schema = z.toJSONSchema(RunConfig, { io: "input" }) as { properties: Record<string, JsonProp> };
  return RUN_CONFIG_KEYS.map((key): RunField => {
    const p = schema.properties[key] ?? {};
    const kind: RunField["kind"] = p.enum ? "enum" : p.type === "integer" ? "integer" : p.type === "number" ? "number" : p.type === "boolean" ? "boolean" : "string";
    return {
      key,
      kind,
      options: p.enum,
      min: p.minimum ?? p.exclusiveMinimum,
      max: p.maximum ?? p.exclusiveMaximum,
      exclusiveMin: p.exclusiveMinimum !== undefined,
      exclusiveMax: p.exclusiveMaximum !== undefined,
      default: p.default,
      description: p.description ?? "",
      group: groupOf(key),
    };
  });
})();

export const FIELD_BY_KEY = new Map(RUN_FIELDS.map((f) => [f.key, f]));

/** The field of `key` in the form; `corpus` is a choice among the corpora the app knows (builtin first). */
export function formField(key: string, corpora: readonly string[]): RunField | undefined {
  const field = FIELD_BY_KEY.get(key as RunConfigKey);
  return field && key === "corpus" && corpora.length > 0 ? { ...field, kind: "enum", options: [...corpora] } : field;
}

/** "0 ≤ x < 1", "1 … 2048", "> 0" — the field's bounds as a hint. */
export function boundsHint(f: RunField): string {
  if (f.kind !== "integer" && f.kind !== "number") return "";
  const n = (v: number) => (Math.abs(v) >= 1e5 ? v.toExponential().replace("e+", "e") : String(v));
  const lo = f.min === undefined ? "" : `${n(f.min)} ${f.exclusiveMin ? "<" : "≤"} `;
  const hi = f.max === undefined ? "" : ` ${f.exclusiveMax ? "<" : "≤"} ${n(f.max)}`;
  return lo || hi ? `${lo}x${hi}` : "";
}

// --- parameter modes ---------------------------------------------------------------------------

export type ParamMode = "value" | "values" | "distribution" | "choices";

/** Distributions offered for a field (grid can only use the discrete ones). */
export function distributionsFor(f: RunField): Distribution[] {
  if (f.kind === "integer") return ["int_uniform", "q_uniform", "q_log_uniform_values", "q_normal", "q_log_normal"];
  if (f.kind === "number")
    return ["uniform", "log_uniform_values", "q_uniform", "q_log_uniform_values", "normal", "log_normal", "inv_log_uniform_values", "beta", "log_uniform"];
  return [];
}

export function modeOf(spec: unknown): ParamMode {
  const s = inferDistribution(spec);
  const d = isPlainObject(s) ? s.distribution : undefined;
  if (d === "constant") return "value";
  if (d === "categorical" || d === "categorical_w_probabilities") return "values";
  if (d === "choices") return "choices";
  return "distribution";
}

/**
 * Whether a RunConfig key applies under these choices (engine/config.ts APPLIES_WHEN): the
 * form offers, at the top level and under each choice, only the keys that shape those runs.
 * `context`: the choices made above (parameter → value), and the other top-level specs.
 */
export function appliesUnder(key: string, context: Record<string, unknown>): boolean {
  const when = APPLIES_WHEN[key as RunConfigKey];
  if (!when || !(when.key in context)) return true;
  const parent = inferDistribution(context[when.key]);
  if (!isPlainObject(parent)) return when.values.includes(String(context[when.key])); // a choice made above
  if (parent.distribution === "choices") return false; // it belongs under its choice
  if (parent.distribution === "constant") return when.values.includes(String(parent.value));
  return true;
}

/** The sub-parameters a choice starts with: the keys that apply only under it, at their defaults (momentum under momentum). */
export function choiceStart(name: string, value: string): Record<string, unknown> {
  const deps = (Object.entries(APPLIES_WHEN) as [RunConfigKey, { key: string; values: readonly string[] }][]).filter(([, w]) => w.key === name && w.values.includes(value));
  return Object.fromEntries(deps.flatMap(([k]) => {
    const f = RUN_FIELDS.find((x) => x.key === k);
    return f ? [[k, { value: f.default }]] : [];
  }));
}

export function distributionOf(spec: unknown): string | undefined {
  const s = inferDistribution(spec);
  return isPlainObject(s) && typeof s.distribution === "string" ? s.distribution : undefined;
}

const round = (x: number) => Number(x.toPrecision(3));

/** A sensible starting range for a numeric field: a decade each side of the default, inside the bounds. */
function defaultRange(f: RunField): { min: number; max: number } {
  const d = typeof f.default === "number" ? f.default : 0;
  const lo = f.min ?? -Infinity;
  const hi = f.max ?? Infinity;
  if (f.kind === "integer") {
    const min = Math.max(lo, Math.floor(d / 2));
    return { min, max: Math.max(min + 1, Math.min(hi, d * 2)) };
  }
  if (d > 0) {
    const min = Math.max(lo === 0 && f.exclusiveMin ? d / 10 : lo, round(d / 10));
    const max = Math.min(f.exclusiveMax ? hi * 0.9 : hi, round(d * 10));
    return { min: round(min), max: round(max) };
  }
  // default 0 (dropout, weight decay): from 0 to half the range
  const max = Number.isFinite(hi) ? round(hi / 2) : 1;
  return { min: Number.isFinite(lo) ? lo : 0, max };
}

/** The spec a parameter gets when the user switches it to a mode. */
export function specForMode(f: RunField, mode: ParamMode, current?: unknown): Record<string, unknown> {
  const currentValues = (() => {
    const s = inferDistribution(current);
    if (!isPlainObject(s)) return [];
    if (Array.isArray(s.values)) return s.values;
    if (isPlainObject(s.choices)) return Object.keys(s.choices);
    if ("value" in s) return [s.value];
    return [];
  })();
  if (mode === "value") return { value: currentValues[0] ?? f.default };
  if (mode === "choices") {
    const options = currentValues.length > 1 ? currentValues.map(String) : (f.options ?? []);
    return { choices: Object.fromEntries(options.map((o) => [o, choiceStart(f.key, o)])) };
  }
  if (mode === "values") {
    if (currentValues.length > 1) return { values: currentValues };
    if (f.kind === "enum") return { values: [...(f.options ?? [])] };
    if (f.kind === "boolean") return { values: [false, true] };
    if (f.kind === "integer" || f.kind === "number") {
      const r = defaultRange(f);
      return { values: [...new Set([r.min, f.default as number, r.max])].sort((a, b) => a - b) };
    }
    return { values: [f.default] };
  }
  const r = defaultRange(f);
  if (f.kind === "integer") return { distribution: "int_uniform", min: r.min, max: r.max };
  const positive = f.min !== undefined && f.min >= 0 && r.min > 0;
  return positive && r.max / r.min >= 20 ? { distribution: "log_uniform_values", ...r } : { distribution: "uniform", ...r };
}

/** The spec with its distribution changed, keeping the bounds where both have them. */
export function withDistribution(f: RunField, spec: unknown, distribution: Distribution): Record<string, unknown> {
  const prev = isPlainObject(spec) ? spec : {};
  const keys = DISTRIBUTION_KEYS[distribution] as readonly string[];
  const next: Record<string, unknown> = { distribution };
  const r = defaultRange(f);
  const fallback: Record<string, unknown> = {
    min: distribution === "log_uniform" ? round(Math.log(Math.max(r.min, 1e-12))) : r.min,
    max: distribution === "log_uniform" ? round(Math.log(Math.max(r.max, 1e-12))) : r.max,
    q: f.kind === "integer" ? 1 : round((r.max - r.min) / 10),
    mu: typeof f.default === "number" ? (distribution.includes("log_normal") ? round(Math.log(Math.max(f.default, 1e-12))) : f.default) : 0,
    sigma: 1,
    a: 2,
    b: 2,
  };
  for (const k of keys) next[k] = prev[k] !== undefined && !(distribution === "log_uniform") ? prev[k] : fallback[k];
  return next;
}

// --- editing the document ---------------------------------------------------------------------

export function paramsOf(doc: SweepDoc): Record<string, unknown> {
  return isPlainObject(doc.parameters) ? doc.parameters : {};
}

export function setParam(doc: SweepDoc, key: string, spec: unknown | undefined): SweepDoc {
  const params = { ...paramsOf(doc) };
  if (spec === undefined) delete params[key];
  else params[key] = spec;
  return { ...doc, parameters: params };
}

/** The document in `project`: where its project key stands, or first (where W&B's YAML has it). */
export function withProject(doc: SweepDoc, project: string): SweepDoc {
  return "project" in doc ? { ...doc, project } : { project, ...doc };
}

/** Set (or with undefined, remove) a top-level key; a nested key with "metric.goal". */
export function setPath(doc: SweepDoc, path: string, value: unknown): SweepDoc {
  const [head, ...rest] = path.split(".");
  if (rest.length === 0) {
    const next = { ...doc };
    if (value === undefined || value === "") delete next[head];
    else next[head] = value;
    return next;
  }
  const child = isPlainObject(doc[head]) ? (doc[head] as SweepDoc) : {};
  return { ...doc, [head]: setPath(child, rest.join("."), value) };
}

export function getPath(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const k of path.split(".")) {
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

// --- text inputs ↔ values ---------------------------------------------------------------------

/** What a user typed in a number box: a number when it reads as one, otherwise the text (so the schema reports it). */
export function parseScalar(text: string, kind: RunField["kind"] | "number"): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  if (kind === "boolean") return t === "true" ? true : t === "false" ? false : t;
  if (kind === "integer" || kind === "number") {
    const n = Number(t);
    return Number.isFinite(n) ? n : t;
  }
  return t;
}

/**
 * "0.001, 0.01, 0.1" → [0.001, 0.01, 0.1]. An empty item ("0,,0.2") stays in the list as ""
 * so the schema flags it on its field; only a trailing comma (the next value not typed yet,
 * and what YAML's flow lists allow) ends the list.
 */
export function parseList(text: string, kind: RunField["kind"]): unknown[] {
  if (text.trim() === "") return [];
  const items = text.split(",").map((s) => s.trim());
  if (items.length > 1 && items[items.length - 1] === "") items.pop();
  return items.map((s) => (s === "" ? "" : parseScalar(s, kind)));
}

export function formatList(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : "";
}

// --- warnings: valid, but probably not what was meant ----------------------------------------

// --- issues → fields -------------------------------------------------------------------------

/** Issues for a field: its own path and anything below it (e.g. values.2 under values). */
export function issuesAt(issues: readonly SweepIssue[], path: string, exact = false): SweepIssue[] {
  return issues.filter((i) => i.path === path || (!exact && i.path.startsWith(path + ".")));
}

/**
 * The issues no form field shows (whole-document ones, unknown keys, keys the form has no
 * input for): listed above the form so nothing is silently hidden.
 */
export function unplacedIssues(issues: readonly SweepIssue[], placed: readonly string[]): SweepIssue[] {
  return issues.filter((i) => !placed.some((p) => i.path === p || i.path.startsWith(p + ".")));
}

/** The RunConfig keys, once, when some issue is an unknown parameter (each message names only its own). */
export function unknownParameterKeyList(issues: readonly SweepIssue[]): string | null {
  return hasUnknownParameter(issues) ? RUN_CONFIG_KEYS.join(", ") : null;
}

/** Prefix a values.N issue with which value it is about. */
export function issueLabel(issue: SweepIssue, base: string): string {
  const rest = issue.path === base ? "" : issue.path.slice(base.length + 1);
  const m = /^values\.(\d+)$/.exec(rest);
  if (m && / \(got the string ""\)$/.test(issue.message)) return `value ${Number(m[1]) + 1} is empty (two commas in a row?)`;
  if (m) return `value ${Number(m[1]) + 1}: ${issue.message}`;
  if (rest && !["value", "values", "min", "max", "q", "mu", "sigma", "a", "b", "distribution", "probabilities", "name", "goal", "type"].includes(rest)) return `${rest}: ${issue.message}`;
  return issue.message;
}

// --- how many runs ------------------------------------------------------------------------------

export type RunEstimate =
  | { kind: "grid"; combinations: number; replicates: number; runs: number; capped: boolean }
  | { kind: "cap"; runs: number }
  | { kind: "unbounded" };

export function estimateRuns(config: SweepConfig): RunEstimate {
  const size = sweepSize(config);
  if (config.method === "grid") {
    const combinations = gridCombinations(config);
    if (combinations !== null && size !== null)
      return { kind: "grid", combinations, replicates: config.replicates, runs: size, capped: size < combinations * config.replicates };
  }
  return size === null ? { kind: "unbounded" } : { kind: "cap", runs: size };
}

/** Above either, Launch asks first: a sweep this large is rarely meant. */
export const CONFIRM_ABOVE = { runs: 100, wallMs: 30 * 60_000 };

export function needsConfirmation(runs: RunEstimate, time: SweepTimeEstimate | null): boolean {
  return (runs.kind !== "unbounded" && runs.runs > CONFIRM_ABOVE.runs) || (time?.wallMs ?? 0) > CONFIRM_ABOVE.wallMs;
}

/** "under a minute", "about 12 min", "about 3.5 h", "about 4 days": an estimate, rounded as one. */
/** "about 12 min"; an `upperBound` (early stopping may end runs sooner) reads "at most 12 min". */
export function formatEstimate(ms: number, upperBound = false): string {
  const about = upperBound ? "at most" : "about";
  const min = ms / 60_000;
  if (min < 1) return "under a minute";
  if (min < 90) return `${about} ${Math.round(min)} min`;
  const h = min / 60;
  if (h < 48) return `${about} ${h < 10 ? Number(h.toFixed(1)) : Math.round(h)} h`;
  return `${about} ${Math.round(h / 24)} days`;
}

/** The "3 × 3 = 9" line: per-parameter grid factors; for a tree of choices, each branch's grid ("optimizer=momentum 2 + ..."). */
export function gridLine(config: SweepConfig): string {
  if (!hasChoices(config.parameters)) return gridFactors(config).map((f) => `${f.key} ${f.count}`).join(" × ") || "of one point";
  return `over the choices: ${gridBranches(config).map((b) => `${b.label} ${b.count}`).join(" + ")}`;
}

/** Per-parameter grid factor for the "3 × 3 = 9" line. */
export function gridFactors(config: SweepConfig): { key: string; count: number }[] {
  return Object.entries(config.parameters)
    .map(([key, spec]) => {
      const n =
        spec.distribution === "constant" ? 1 : spec.distribution === "categorical" ? spec.values.length : spec.distribution === "int_uniform" ? spec.max - spec.min + 1 : null;
      return { key, count: n ?? 0 };
    })
    .filter((f) => f.count > 1)
    .sort((a, b) => a.key.localeCompare(b.key));
}

export function isLogScaledSpec(spec: unknown): boolean {
  const d = distributionOf(spec);
  return d !== undefined && LOG_SCALED.has(d as Distribution);
}

// --- YAML ---------------------------------------------------------------------------------------

/** The document as W&B-style YAML (what the YAML tab shows after a form edit). */
export function docToYaml(doc: SweepDoc): string {
  return toYaml(doc);
}

export function docToJson(doc: SweepDoc): string {
  return JSON.stringify(doc, null, 2);
}

/** The 1-based line of the YAML/JSON text where a config path is written (its key, or its nearest parent's), for issue lists. */
export function lineOfPath(text: string, path: string): number | null {
  return pathLineFinder(text)(path);
}

/** lineOfPath for many paths of one text: the text is parsed once. */
function pathLineFinder(text: string): (path: string) => number | null {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) return () => null;
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | null = null;
    for (const key of path === "" ? [] : path.split(".")) {
      let next: unknown;
      let at: [number, number, number] | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        next = pair?.value;
        at = isNode(pair?.key) ? pair.key.range ?? undefined : undefined;
      } else if (isSeq(node) && /^\d+$/.test(key)) {
        next = node.items[Number(key)];
        at = isNode(next) ? next.range ?? undefined : undefined;
      }
      if (!at) break;
      line = counter.linePos(at[0]).line;
      node = next;
    }
    return line;
  };
}

export type ListedIssue = Omit<SweepIssue, "line"> & { line: number | null; warning: boolean };

/** Problems then warnings of the text, each with its line, in line order (whole-document ones first). */
export function issueLines(text: string, issues: readonly SweepIssue[], warnings: readonly SweepIssue[] = []): ListedIssue[] {
  const lineOf = pathLineFinder(text);
  const all = [...issues.map((i) => ({ ...i, warning: false })), ...warnings.map((i) => ({ ...i, warning: true }))];
  return all
    .map((i) => ({ ...i, line: i.line ?? (i.path === "" ? null : lineOf(i.path)) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/**
 * A new sweep like `config`: its name marked as a copy, and without its seed, so that the copy's
 * random and Bayesian draws and its runs' seeds are new ones, not the same runs trained again.
 */
export function copyOf(config: SweepDoc, name: string): SweepDoc {
  const { seed: _seed, ...rest } = config as SweepDoc & { seed?: unknown };
  return { ...rest, name: `${name} (copy)` };
}
