import type { CompareResponse, CompareRun } from "./compare-api";
import { EARLY_END, type CurvePoint } from "./curves";
import { formatNumber } from "./format";
import { colorOf, PALETTE, type RunColors } from "./colors";

// From the compare response to what the chart takes: one series per run for a metric, and
// groups of runs by a config key (colours by group value, stable for a given set of values).

export interface SeriesInput {
  runId: string;
  name: string;
  color: string;
  points: CurvePoint[];
  state: string;
  startedAt: number | null;
}

export function seriesFor(data: Pick<CompareResponse, "runs" | "series">, metric: string, names: Map<string, string>, colors: RunColors): SeriesInput[] {
  return data.runs.map((r) => ({
    runId: r.id,
    name: names.get(r.id) ?? r.name,
    color: colorOf(colors, r.id),
    points: (data.series[r.id]?.[metric] ?? []).map(([x, y, t]) => ({ x, y, t })),
    state: r.state,
    startedAt: r.startedAt ? Date.parse(r.startedAt) : null,
  }));
}

const sortValue = (v: unknown) => (typeof v === "number" ? v : Number.NaN);

/**
 * Groupings that are not config keys: the run's sweep, its run group (W&B's group) and its
 * tags. A run with several tags is a member of each tag's group (so a tag's mean is over every
 * run that carries it; W&B does not group by tags at all, because of exactly this).
 */
export const RUN_GROUPINGS = { "run:sweep": "sweep", "run:group": "run group", "run:tags": "tag" } as const;
export type RunGrouping = keyof typeof RUN_GROUPINGS;
const isRunGrouping = (key: string): key is RunGrouping => key in RUN_GROUPINGS;

/** What a run is grouped under for `key`: one value, or one per tag. */
function groupValues(r: CompareRun, key: string): unknown[] {
  if (key === "run:sweep") return [r.sweepId];
  if (key === "run:group") return [r.runGroup ?? null];
  if (key === "run:tags") return r.tags?.length ? r.tags : [null];
  return [r.config[key] ?? r.params[key]];
}

/** A grouping's name as the page shows it ("tag", "cell"). */
export const groupingLabel = (key: string): string => (isRunGrouping(key) ? RUN_GROUPINGS[key] : key);

export function groupsFor(runs: CompareRun[], key: string): { key: string; label: string; color: string; runIds: string[] }[] {
  const byValue = new Map<string, { value: unknown; runIds: string[] }>();
  for (const r of runs) for (const value of groupValues(r, key)) {
    const k = JSON.stringify(value ?? null);
    if (!byValue.has(k)) byValue.set(k, { value, runIds: [] });
    byValue.get(k)!.runIds.push(r.id);
  }
  const groups = [...byValue.entries()].sort(([ka, a], [kb, b]) => {
    const na = sortValue(a.value);
    const nb = sortValue(b.value);
    return Number.isNaN(na) || Number.isNaN(nb) ? ka.localeCompare(kb) : na - nb;
  });
  const name = groupingLabel(key);
  return groups.map(([k, g], i) => ({
    key: `${key}=${k.replace(/"/g, "")}`,
    label: `${name}=${typeof g.value === "number" ? formatNumber(g.value, 3) : String(g.value ?? "–")} (${g.runIds.length})`,
    color: PALETTE[i % PALETTE.length],
    runIds: g.runIds,
  }));
}

/** Config keys worth grouping by (those with 2+ values), then the sweep, run group and tags when they tell runs apart. */
export function groupableKeys(runs: CompareRun[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of runs) for (const [k, v] of Object.entries(r.config)) {
    if (!values.has(k)) values.set(k, new Set());
    values.get(k)!.add(JSON.stringify(v));
  }
  const config = [...values.entries()].filter(([, s]) => s.size > 1).map(([k]) => k).sort();
  const runKeys = (Object.keys(RUN_GROUPINGS) as RunGrouping[]).filter((key) => groupsFor(runs, key).length > 1);
  return [...config, ...runKeys];
}

/** What the view colours by: a group, or a run. The legend lists these; curves and scatter points take their colours from them. */
export interface ColorKey {
  key: string;
  name: string;
  color: string;
  runIds: string[];
  /** a run's early end (pruned, diverged …), for the legend */
  end?: string;
}

/** The view's colour keys: its groups when grouped (each in its group's colour), else its runs (each in its own colour, named by the legend's names). */
export function colorKeys(runs: readonly CompareRun[], names: ReadonlyMap<string, string>, colors: RunColors, groups: readonly { key: string; label: string; color: string; runIds: string[] }[] | null): ColorKey[] {
  if (groups) return groups.map((g) => ({ key: g.key, name: g.label, color: g.color, runIds: g.runIds }));
  return runs.map((r) => ({ key: r.id, name: names.get(r.id) ?? r.name, color: colorOf(colors, r.id), runIds: [r.id], end: EARLY_END.has(r.state) ? r.state : undefined }));
}

/** run id → the colour a mark of the run takes (a curve, a scatter point): its first shown key's (a run under several tags takes the first tag shown), else its first key's. */
export function markColors(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of keys) if (!hidden.has(k.key)) for (const id of k.runIds) if (!out.has(id)) out.set(id, k.color);
  for (const k of keys) for (const id of k.runIds) if (!out.has(id)) out.set(id, k.color);
  return out;
}

/** The runs the legend shows (a run is hidden when each key it is under is), or null when nothing is hidden. */
export function shownRunIds(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Set<string> | null {
  if (hidden.size === 0) return null;
  return new Set(keys.filter((k) => !hidden.has(k.key)).flatMap((k) => k.runIds));
}
