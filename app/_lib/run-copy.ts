import { toYaml } from "../../sweeps/config";
import { nestKeys, nestsWhole } from "../../sweeps/nest";

// What the run page's "Copy config as YAML" and "Copy as CLI command" put on the clipboard.
// The command is read back by engine/terminal.ts parseTrainArgs: `--key=value` (so a value
// starting with `--` stays a value), the value as JSON when JSON would read it back the same
// (numbers, booleans), a string as itself unless JSON would read it as something else ("1e3",
// "true": then JSON-quoted); every word single-quoted for a POSIX shell when it needs it.

/**
 * A run's config as YAML, nested as its program logged it. Only the flat form is stored (a
 * program run's `optimizer: {lr}` is the key `optimizer.lr`; an engine run's keys have no dots
 * and come out as they are), so a key logged with a dot of its own (`{"a.b": 1}`) comes back
 * nested too: the store cannot tell the two apart. A config where one key is both a value and a
 * parent (`a` beside `a.b`: a value later logged as a map) is written flat, as stored: nesting
 * would drop one of them.
 */
export function configYaml(config: Record<string, unknown>): string {
  return toYaml(nestsWhole(config) ? nestKeys(config) : config);
}

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The text of one value as parseTrainArgs reads it (JSON when it parses, else the string). */
function cliValue(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value); // "1e3", "true", "null", "\"x\"": quoted, so they stay strings
  } catch {
    return value;
  }
}

/** `npm run train -- --key=value …` for a run's config, keys in the config's order. */
export function trainCommand(config: Record<string, unknown>): string {
  const args = Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => shellWord(`--${k}=${cliValue(v)}`));
  return ["npm", "run", "train", "--", ...args].join(" ");
}
