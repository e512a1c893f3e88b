import { RUN_CONFIG_KEYS } from "../../engine/config";
import { formatKeyValue } from "./format";

// Legend names: the run's name, then what differs between the runs shown
// ("brisk-river-1 · lstm · lr 0.003 · seed 1574409985"), so a line can be told apart and found
// in the tables by the same name.

const SHORT: Record<string, string> = {
  learning_rate: "lr",
  hidden_size: "hidden",
  num_layers: "layers",
  embedding_dim: "emb",
  batch_size: "batch",
  seq_length: "seq",
  weight_decay: "wd",
  grad_clip: "clip",
  init_std: "std",
  lr_schedule: "sched",
};
/** Values that read well without their key ("lstm" rather than "cell lstm"). */
const BARE = new Set(["cell", "task", "optimizer", "init", "activation"]);

const order = (k: string) => {
  const i = (RUN_CONFIG_KEYS as string[]).indexOf(k);
  return k === "seed" ? 10_000 : i === -1 ? 1000 : i;
};

/** Config keys whose values are not the same in every run (seed last). */
export function differingKeys(configs: Record<string, unknown>[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const c of configs) for (const [k, v] of Object.entries(c)) {
    if (!values.has(k)) values.set(k, new Set());
    values.get(k)!.add(JSON.stringify(v));
  }
  const keys = [...values.entries()].filter(([k, s]) => s.size > 1 || configs.some((c) => !(k in c))).map(([k]) => k);
  return keys.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

export function describeValue(key: string, value: unknown): string {
  const v = typeof value === "number" ? formatKeyValue(key, value, 3) : typeof value === "boolean" ? (value ? "on" : "off") : String(value ?? "–");
  if (typeof value === "boolean") return `${SHORT[key] ?? key} ${v}`;
  return BARE.has(key) ? v : `${SHORT[key] ?? key} ${v}`;
}

/** run id → legend name: the run's name and at most `maxKeys` of the keys that differ. */
export function legendNames(runs: { id: string; name: string; config: Record<string, unknown> }[], maxKeys = 4): Map<string, string> {
  const keys = runs.length > 1 ? differingKeys(runs.map((r) => r.config)).slice(0, maxKeys) : [];
  return new Map(runs.map((r) => [r.id, [r.name, ...keys.map((k) => describeValue(k, r.config[k]))].join(" · ")]));
}
