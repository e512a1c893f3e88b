import { RUN_CONFIG_KEYS } from "../../engine/config";
import { formatNumber } from "./format";

// Legend names that say what differs between the runs shown ("lstm · lr 0.003 · dropout 0.2"),
// as W&B users name runs by hand; identical configs fall back to the run's name.

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
  const v = typeof value === "number" ? formatNumber(value, 3) : typeof value === "boolean" ? (value ? "on" : "off") : String(value ?? "–");
  if (typeof value === "boolean") return `${SHORT[key] ?? key} ${v}`;
  return BARE.has(key) ? v : `${SHORT[key] ?? key} ${v}`;
}

/** run id → legend name, from at most `maxKeys` differing keys. */
export function legendNames(runs: { id: string; name: string; config: Record<string, unknown> }[], maxKeys = 4): Map<string, string> {
  const keys = differingKeys(runs.map((r) => r.config)).slice(0, maxKeys);
  const names = new Map<string, string>();
  if (runs.length <= 1 || keys.length === 0) {
    for (const r of runs) names.set(r.id, r.name);
    return names;
  }
  const labels = runs.map((r) => keys.map((k) => describeValue(k, r.config[k])).join(" · "));
  runs.forEach((r, i) => {
    const clash = labels.filter((l) => l === labels[i]).length > 1;
    names.set(r.id, clash ? `${labels[i]} (${r.name})` : labels[i]);
  });
  return names;
}
