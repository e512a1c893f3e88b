import { runConfigKeyKind, runConfigShape, type RunConfigKey } from "../engine/config.ts";
import type { ParamSpec } from "./config.ts";

// Conditional search spaces (a Sweeplab extension W&B's schema has no key for): a parameter
// with `choices` instead of `values` maps each of its values to sub-parameters that exist only
// under it (any spec, choices nested). The tree unfolds into branches: one flat space per
// combination of choices, the choice parameters fixed, each branch's sub-parameters overriding
// the top-level specs of the same name. Grid enumerates every branch's grid in turn; random
// draws a branch with the product of its choices' probabilities; bayes models the union
// (search/tree-space.ts).

/** `optimizer: {choices: {sgd: {}, momentum: {momentum: {...}}}, probabilities?: [...]}` as parsed. */
export interface ChoicesSpec {
  distribution: "choices";
  /** choice (as written: a mapping key) → the parameters that exist only under it */
  choices: Record<string, Record<string, SweepParamSpec>>;
  probabilities?: number[];
}
export type SweepParamSpec = ParamSpec | ChoicesSpec;

export function isChoices(spec: unknown): spec is ChoicesSpec {
  return typeof spec === "object" && spec !== null && (spec as { distribution?: unknown }).distribution === "choices";
}

/**
 * The value a choice stands for. Choices are mapping keys, so always text: for a numeric or
 * boolean field (or a free-named parameter) a key that reads as a number or true/false is that
 * value, as it would be in `values: [...]`; a text field keeps the text.
 */
export function choiceValue(name: string, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(runConfigShape, name)) {
    const kind = runConfigKeyKind(name as RunConfigKey).type;
    if (kind === "enum" || kind === "string") return key;
  }
  if (key === "true") return true;
  if (key === "false") return false;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(key) ? Number(key) : key;
}

/** One combination of choices: a flat space. */
export interface Branch {
  /** the choices made, outermost first: [parameter, value] */
  when: [string, unknown][];
  /** every parameter of the branch, choice parameters as constants */
  specs: Record<string, ParamSpec>;
  /** product of the choices' probabilities */
  probability: number;
}

/** "optimizer=momentum, init=normal" (or "all runs" for a space without choices). */
export function branchLabel(branch: Pick<Branch, "when">): string {
  return branch.when.length === 0 ? "all runs" : branch.when.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

export function hasChoices(params: Record<string, SweepParamSpec>): boolean {
  return Object.values(params).some(isChoices);
}

export function choiceProbabilities(spec: ChoicesSpec): number[] {
  const n = Object.keys(spec.choices).length;
  return spec.probabilities && spec.probabilities.length === n ? spec.probabilities : new Array(n).fill(1 / n);
}

/**
 * The branches of a parameter tree, in grid order: choice parameters by name, the last varying
 * fastest, each one's choices in the order written. null when there are more than `limit`.
 */
export function expandBranches(params: Record<string, SweepParamSpec>, limit = Infinity): Branch[] | null {
  const leaves: Record<string, ParamSpec> = {};
  const conditionals: [string, ChoicesSpec][] = [];
  // W&B's nested parameters (a program's `optimizer: {parameters: {lr: …}}`) are searched as
  // dotted names (`optimizer.lr`); the program gets them nested back (sweeps/program.ts)
  const flat = (group: Record<string, SweepParamSpec>, prefix: string) => {
    for (const name of Object.keys(group).sort()) {
      const spec = group[name];
      const nested = (spec as { distribution?: string }).distribution === "nested" ? (spec as unknown as { parameters: Record<string, SweepParamSpec> }).parameters : null;
      if (nested) flat(nested, `${prefix}${name}.`);
      else if (isChoices(spec)) conditionals.push([prefix + name, spec]);
      else leaves[prefix + name] = spec;
    }
  };
  flat(params, "");
  let out: Branch[] = [{ when: [], specs: leaves, probability: 1 }];
  for (const [name, spec] of conditionals) {
    // this parameter's alternatives: each choice times the branches of its sub-parameters
    const alternatives: Branch[] = [];
    const probabilities = choiceProbabilities(spec);
    Object.entries(spec.choices).forEach(([key, sub], k) => {
      const value = choiceValue(name, key);
      const inner = expandBranches(sub ?? {}, limit);
      if (inner === null) return;
      for (const b of inner)
        alternatives.push({ when: [[name, value], ...b.when], specs: { [name]: { distribution: "constant", value }, ...b.specs }, probability: probabilities[k] * b.probability });
    });
    if (out.length * alternatives.length > limit) return null;
    const next: Branch[] = [];
    for (const a of out)
      for (const b of alternatives) next.push({ when: [...a.when, ...b.when], specs: { ...a.specs, ...b.specs }, probability: a.probability * b.probability });
    out = next;
  }
  return out;
}

/** The branch a run's params belong to: every choice it made matches, or -1. */
export function branchOf(branches: readonly Branch[], params: Record<string, unknown>, same: (a: unknown, b: unknown) => boolean): number {
  if (branches.length === 1) return 0;
  return branches.findIndex((b) => b.when.every(([k, v]) => k in params && same(params[k], v)));
}
