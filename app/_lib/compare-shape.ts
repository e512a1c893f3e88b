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

/** What JSON can parse: null, true, false, a number, a string, a list or an object (around white space). */
const JSON_LIKE = /^[ \t\n\r]*(null|true|false|-?\d[\d.eE+-]*|["[{][^]*)[ \t\n\r]*$/;

/** Whether a string would read as another value: null, a number, true, a quoted string, a list … (it parses as JSON). */
function readsAsJson(s: string): boolean {
  // (most strings, "lstm", are not near JSON: no parse and no exception for them)
  if (!JSON_LIKE.test(s)) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * A value as a group's key and name spell it: a string as itself, unless it is empty, starts or
 * ends in white space, or would read as another value ("null", "0.1", "true"): then in JSON
 * quotes, so the string "null" is not the missing value and "" is seen to be an empty string
 * (" " a space); anything else as JSON. Distinct values, distinct spellings (a spelling that
 * parses as JSON is that value; one that does not is the string itself).
 */
function spell(value: unknown): string {
  if (typeof value === "string") return value.trim() !== value || value === "" || readsAsJson(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value ?? null);
}

/** The significant digits a group's number is named at, unless more are needed to tell the groups apart (distinctDigits). */
const GROUP_DIGITS = 3;

/** The fewest significant digits that read back to `value` exactly: its shortest round-trip spelling's (0.1004 → 4, 1/3 → 16). */
function roundTripDigits(value: number): number {
  for (let p = 1; p < 17; p++) if (Number(value.toPrecision(p)) === value) return p;
  return 17;
}

/** `value` at `digits` significant digits, never more than its shortest round-trip spelling has (so 17 digits read 0.1, not 0.10000000000000001). */
const numberAt = (value: number, digits: number): string => formatNumber(value, Math.min(digits, roundTripDigits(value)));

/**
 * The fewest significant digits, GROUP_DIGITS at least, at which each of `values` reads differently
 * from every other (0.1 and 0.1004: 4, where at 3 both read 0.1). Every number reads differently
 * at its shortest round-trip spelling, so 17 digits always do.
 */
export function distinctDigits(values: readonly number[]): number {
  const unique = [...new Set(values)];
  for (let digits = GROUP_DIGITS; digits < 17; digits++) if (new Set(unique.map((v) => numberAt(v, digits))).size === unique.length) return digits;
  return 17;
}

/**
 * A group's name: "cell=lstm", "tag=baseline", 'cell="null"', 'cell=""'; the runs that have no
 * value for the key (a program's runs grouped by an engine key, runs without a run group or tag)
 * are "no cell", "no run group", "no tag" (W&B shows them as a group with an empty value); a
 * number at `digits` significant digits ("learning_rate=0.1"; groupsFor gives more where its
 * groups would read alike at 3). The one rule for a group's name: the legend, the curves, the
 * custom panels and the scatter's tooltip all read it.
 */
export function groupTitle(key: string, value: unknown, digits = GROUP_DIGITS): string {
  const name = groupingLabel(key);
  if (value === null || value === undefined) return `no ${name}`;
  return `${name}=${typeof value === "number" ? numberAt(value, digits) : spell(value)}`;
}

export interface RunGroup {
  /**
   * `${key}=${value}` as hidden in the URL and saved views: a number or a plain string as
   * itself (cell=lstm, lr=0.1), the runs without a value `${key}=null`, a string that would
   * read as another value, is empty or has white space at an end quoted (cell="null", cell="")
   */
  key: string;
  /** its name (groupTitle), its number at the digits that tell the key's groups apart (distinctDigits) */
  title: string;
  /** its name and member count, as the legend shows it */
  label: string;
  color: string;
  runIds: string[];
}

/** The groups of `runs` by `key`: numbers in order, then the other values, the runs without a value last. */
export function groupsFor(runs: CompareRun[], key: string): RunGroup[] {
  const byValue = new Map<string, { value: unknown; runIds: string[] }>();
  for (const r of runs) for (const value of groupValues(r, key)) {
    const k = spell(value);
    if (!byValue.has(k)) byValue.set(k, { value: value ?? null, runIds: [] });
    byValue.get(k)!.runIds.push(r.id);
  }
  const rank = (v: unknown) => (v === null ? 2 : typeof v === "number" ? 0 : 1);
  const groups = [...byValue.entries()].sort(([ka, a], [kb, b]) => rank(a.value) - rank(b.value) || (rank(a.value) === 0 ? (a.value as number) - (b.value as number) : ka.localeCompare(kb)));
  // the numbers named at the digits that tell them apart (their keys stay as they were: links hold them)
  const digits = distinctDigits(groups.flatMap(([, g]) => (typeof g.value === "number" ? [g.value] : [])));
  return groups.map(([k, g], i) => {
    const title = groupTitle(key, g.value, digits);
    return { key: `${key}=${k}`, title, label: `${title} (${g.runIds.length})`, color: PALETTE[i % PALETTE.length], runIds: g.runIds };
  });
}

/** Whether `key` puts the runs in 2+ groups (groupsFor's), the runs without a value being one. */
function splits(runs: readonly CompareRun[], key: string): boolean {
  let first: string | undefined;
  for (const r of runs) for (const value of groupValues(r, key)) {
    const k = spell(value);
    if (first === undefined) first = k;
    else if (k !== first) return true;
  }
  return false;
}

/** What can be grouped by: the config keys, the sweep, run group and tags that tell the runs apart (a key one value of which every run that has it has, while other runs lack it, does). */
export function groupableKeys(runs: CompareRun[]): string[] {
  const config = [...new Set(runs.flatMap((r) => Object.keys(r.config)))].sort();
  return [...config, ...Object.keys(RUN_GROUPINGS)].filter((key) => splits(runs, key));
}

/** What the view colours by: a group, or a run. The legend lists these; curves and scatter points take their colours from them. */
export interface ColorKey {
  key: string;
  name: string;
  color: string;
  runIds: string[];
  /** a run's early end (pruned, diverged …), for the legend */
  end?: string;
  /** a group's name without its count (groupTitle), for a mark's tooltip */
  title?: string;
}

/** The view's colour keys: its groups when grouped (each in its group's colour), else its runs (each in its own colour, named by the legend's names). */
export function colorKeys(runs: readonly CompareRun[], names: ReadonlyMap<string, string>, colors: RunColors, groups: readonly RunGroup[] | null): ColorKey[] {
  if (groups) return groups.map((g) => ({ key: g.key, name: g.label, title: g.title, color: g.color, runIds: g.runIds }));
  return runs.map((r) => ({ key: r.id, name: names.get(r.id) ?? r.name, color: colorOf(colors, r.id), runIds: [r.id], end: EARLY_END.has(r.state) ? r.state : undefined }));
}

/**
 * The keys a chart draws marks of (one of their runs has a point): its legend lists these, as the
 * curve chart's lists only the groups with a curve (groupCurves). A group whose runs have no
 * point on the scatter's two axes is not in its legend.
 */
export function keysDrawn<K extends { runIds: readonly string[] }>(keys: readonly K[], drawn: ReadonlySet<string>): K[] {
  return keys.filter((k) => k.runIds.some((id) => drawn.has(id)));
}

/** run id → the key its marks (a curve, a scatter point) take their colour and group from: its first shown key (a run under several tags takes the first tag shown), else its first key. */
export function markKeys(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Map<string, ColorKey> {
  const out = new Map<string, ColorKey>();
  for (const k of keys) if (!hidden.has(k.key)) for (const id of k.runIds) if (!out.has(id)) out.set(id, k);
  for (const k of keys) for (const id of k.runIds) if (!out.has(id)) out.set(id, k);
  return out;
}

/** run id → the colour its marks take (markKeys). */
export function markColors(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Map<string, string> {
  return new Map([...markKeys(keys, hidden)].map(([id, k]) => [id, k.color]));
}

/** run id → the name of the group its marks are coloured by (markKeys), or null when the view is not grouped. */
export function markGroups(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Map<string, string> | null {
  if (!keys.some((k) => k.title !== undefined)) return null;
  return new Map([...markKeys(keys, hidden)].map(([id, k]) => [id, k.title ?? k.name]));
}

/** The runs the legend shows (a run is hidden when each key it is under is), or null when nothing is hidden. */
export function shownRunIds(keys: readonly ColorKey[], hidden: ReadonlySet<string>): Set<string> | null {
  if (hidden.size === 0) return null;
  return new Set(keys.filter((k) => !hidden.has(k.key)).flatMap((k) => k.runIds));
}
