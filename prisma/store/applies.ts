import { APPLIES_WHEN, RUN_CONFIG_KEYS, RunConfig, runConfigKeyKind, TASKS, type RunConfigKey } from "../../engine/config";
import { appliedConfigKeys } from "../../engine/tasks";

// Keys of an engine run's config that apply only under a choice (engine/config.ts
// APPLIES_WHEN: momentum under optimizer=momentum …) or to some tasks only (delay to
// delayed_recall, cell to the recurrent tasks), as the runs table's SQL needs them: for each
// such key, its parent key (the task itself for the second kind) and the "task/parent value"
// pairs under which it applies. The pairs are read off appliedConfigKeys itself (every task ×
// every value of the parent), so the table, the CSV and the run page agree by construction.

export interface Condition {
  parent: string;
  /** `${task}/${parent value}` for which the key applies */
  applies: string[];
}

/** The values of an enum field of RunConfig. */
function enumValues(key: RunConfigKey): string[] {
  const kind = runConfigKeyKind(key);
  return kind.type === "enum" ? kind.options : [];
}

function conditions(): Record<string, Condition> {
  const out: Record<string, Condition> = {};
  for (const [key, when] of Object.entries(APPLIES_WHEN) as [RunConfigKey, { key: RunConfigKey }][]) {
    const applies: string[] = [];
    for (const task of TASKS)
      for (const value of enumValues(when.key)) {
        const config = RunConfig.safeParse({ task, [when.key]: value });
        if (config.success && appliedConfigKeys(config.data).has(key)) applies.push(`${task}/${value}`);
      }
    out[key] = { parent: when.key, applies };
  }
  for (const key of RUN_CONFIG_KEYS) {
    if (key === "task" || key in out) continue;
    const tasks = TASKS.filter((task) => appliedConfigKeys(RunConfig.parse({ task })).has(key));
    if (tasks.length < TASKS.length) out[key] = { parent: "task", applies: tasks.map((task) => `${task}/${task}`) };
  }
  return out;
}

export const CONDITIONAL_CONFIG_KEYS: Readonly<Record<string, Condition>> = conditions();

/** The engine's task names: a run whose config names none of them (a program's) has no conditions. */
export const ENGINE_TASKS: readonly string[] = TASKS;
