import { toYaml } from "../../sweeps/config";

// What the run page's "Copy config as YAML" and "Copy as CLI command" put on the clipboard.
// The command is read back by engine/terminal.ts parseTrainArgs: `--key=value` (so a value
// starting with `--` stays a value), the value as JSON when JSON would read it back the same
// (numbers, booleans), a string as itself unless JSON would read it as something else ("1e3",
// "true": then JSON-quoted); every word single-quoted for a POSIX shell when it needs it.

export function configYaml(config: Record<string, unknown>): string {
  return toYaml(config);
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
