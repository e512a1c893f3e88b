import { RUN_CONFIG_KEYS } from "../../engine/config";
import type { RunKind } from "../../prisma/store/records";
import { columnNotation, formatKeyValue } from "./format";

// Legend names: the run's name, then what differs between the runs shown
// ("brisk-river-1 · lstm · lr 0.003 · seed 1574409985"), so a line can be told apart and found
// in the tables by the same name.
//
// An engine run's config is a RunConfig (every key, resolved); a program run's is its own,
// free-form and flattened ("optimizer.name"). So each run is told apart among the runs of its
// kind, by that kind's keys: the engine's short names for engine runs, the program's own names
// as logged for program runs. A key a run does not have is left out of its name (no "–").

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

const engineOrder = (k: string) => {
  const i = (RUN_CONFIG_KEYS as string[]).indexOf(k);
  return k === "seed" ? 10_000 : i === -1 ? 1000 : i;
};
// a program's keys have no order of ours: by name, a seed last
const programOrder = (k: string) => (/(^|\.)seed$/.test(k) ? 1 : 0);

/** Config keys whose values are not the same in every run, or that some runs lack (engine: RunConfig order; program: by name; seed last). */
export function differingKeys(configs: Record<string, unknown>[], kind: RunKind = "engine"): string[] {
  const values = new Map<string, Set<string>>();
  for (const c of configs) for (const [k, v] of Object.entries(c)) {
    if (!values.has(k)) values.set(k, new Set());
    values.get(k)!.add(JSON.stringify(v));
  }
  const keys = [...values.entries()].filter(([k, s]) => s.size > 1 || configs.some((c) => !(k in c))).map(([k]) => k);
  const order = kind === "engine" ? engineOrder : programOrder;
  return keys.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

/** A config value under its key: the engine's short names for engine keys; a program's key as it logged it, its value as JSON where it is a list; a number as `format` writes it (legendNames: one notation per key). */
export function describeValue(key: string, value: unknown, kind: RunKind = "engine", format: (v: unknown) => string = (v) => formatKeyValue(key, v, 3)): string {
  if (kind === "program") return `${key} ${typeof value === "number" ? format(value) : typeof value === "string" ? value : JSON.stringify(value)}`;
  const v = typeof value === "number" ? format(value) : typeof value === "boolean" ? (value ? "on" : "off") : String(value ?? "–");
  if (typeof value === "boolean") return `${SHORT[key] ?? key} ${v}`;
  return BARE.has(key) ? v : `${SHORT[key] ?? key} ${v}`;
}

/** run id → legend name: the run's name and at most `maxKeys` of the keys that differ among the runs of its kind (a run without `kind` is an engine run). */
export function legendNames(runs: { id: string; name: string; kind?: RunKind; config: Record<string, unknown> }[], maxKeys = 4): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of ["engine", "program"] as const) {
    const ofKind = runs.filter((r) => (r.kind ?? "engine") === kind);
    const keys = ofKind.length > 1 ? differingKeys(ofKind.map((r) => r.config), kind).slice(0, maxKeys) : [];
    // each key's numbers in one notation over the runs (lr 7.8e-4 beside lr 4.93e-2, not 0.0493), as the runs table's columns
    const formats = new Map(keys.map((k) => [k, columnNotation(ofKind.map((r) => r.config[k]), k, 3)]));
    for (const r of ofKind) out.set(r.id, [r.name, ...keys.filter((k) => k in r.config).map((k) => describeValue(k, r.config[k], kind, formats.get(k)))].join(" · "));
  }
  return out;
}
