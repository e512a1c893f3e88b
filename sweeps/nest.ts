// A run's config is stored flat: the logging API (sweeps/logging-api.ts) and program sweeps join
// a nested config's keys with "." (`optimizer.lr`), as W&B's runs table shows them. These nest
// it back as the program logged or reads it. Pure, with no Node imports: the run page uses it.

/** `{"optimizer.lr": 0.1, epochs: 3}` → `{optimizer: {lr: 0.1}, epochs: 3}`, keys in the order given. */
export function nestKeys(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(flat)) {
    const parts = key.split(".");
    let at = out;
    for (const p of parts.slice(0, -1)) {
      if (typeof at[p] !== "object" || at[p] === null || Array.isArray(at[p])) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = flat[key];
  }
  return out;
}

/** Whether nestKeys keeps every value: no key is both a value and a parent (`a` beside `a.b`), none has an empty part (`a..b`). */
export function nestsWhole(flat: Record<string, unknown>): boolean {
  const keys = new Set(Object.keys(flat));
  return [...keys].every((key) => {
    const parts = key.split(".");
    return !parts.includes("") && parts.slice(1).every((_, i) => !keys.has(parts.slice(0, i + 1).join(".")));
  });
}
