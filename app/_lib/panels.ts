import { RE2JS } from "re2js";
import * as z from "zod";
import { KEY_PATTERN, KEY_RULE } from "../../sweeps/names";
import { X_MODES, type XMode } from "./chart-scale";
import type { BandKind } from "./grouping";
import { formatSmoothing, parseSmoothing, type Smoothing } from "./smoothing";

// Custom panels of the compare page (W&B's line plot settings): x is the step, the time since
// the run's start, wall time or a metric; y is some metrics and/or a regular expression over
// the metric names the runs logged; smoothing, grouping, band and log scale either follow the
// page's toolbar (absent) or are the panel's own. In the URL each panel is one `panel=` value,
// fields `name:value` separated by `;`, the regular expression last (it takes the rest, so it
// may hold `;`):
//   panel=x:metric:train_loss;y:lr;smooth:ema:0.8;group:cell;band:std;log:1;re:val_.*
// One schema (PanelFields) reads the fields; a panel that does not parse is dropped with a
// message that names the field, never a failed page.

/** At most this many panels in a view, and y metrics drawn by one panel. */
export const MAX_PANELS = 12;
export const MAX_Y = 10;
const MAX_REGEX = 200;

export type PanelX = { mode: XMode } | { metric: string };

const Key = z.string().regex(KEY_PATTERN, `metric names are ${KEY_RULE}`);
const MODES = X_MODES.map((m) => m.id);
const XAxis = z.string().transform((s, ctx): PanelX => {
  if ((MODES as string[]).includes(s)) return { mode: s as XMode };
  const metric = s.startsWith("metric:") ? s.slice("metric:".length) : null;
  if (metric !== null && KEY_PATTERN.test(metric)) return { metric };
  ctx.addIssue({ code: "custom", message: metric !== null ? `metric names are ${KEY_RULE}` : `x is ${MODES.join(", ")} or metric:NAME` });
  return z.NEVER;
});

/**
 * A regular expression over metric names, matched whole (as W&B's panel regex reads `val_.*`).
 * It comes from a link as often as from the person looking, so it runs on RE2 (re2js): matching
 * takes time linear in the name, where JavaScript's own engine backtracks and a pattern such as
 * (a+)+! against a long name would freeze the page (and the server, which matches it for the
 * first render). RE2 has no lookaround and no backreferences; such a pattern is refused with
 * the reason.
 */
export const MetricRegex = z
  .string()
  .min(1, "an empty regular expression")
  .max(MAX_REGEX, `at most ${MAX_REGEX} characters`)
  .superRefine((src, ctx) => {
    try {
      RE2JS.compile(src);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `not a regular expression: ${(e as Error).message.replace(/^error parsing regexp: /, "")}` });
    }
  });

const PanelFields = z
  .strictObject({
    x: XAxis.optional(),
    y: z
      .string()
      .transform((s) => [...new Set(s.split(",").filter(Boolean))])
      .pipe(z.array(Key).max(MAX_Y, `at most ${MAX_Y} metrics`))
      .optional(),
    re: MetricRegex.optional(),
    smooth: z
      .string()
      .regex(/^(none|ema:\d*\.?\d+|running:\d+|gaussian:\d*\.?\d+)$/, "smooth is none, ema:W, running:N or gaussian:S")
      .transform((s) => parseSmoothing(s))
      .optional(),
    group: z.union([z.literal("none"), Key]).optional(),
    band: z.enum(["minmax", "std", "none"], { message: "band is minmax, std or none" }).optional(),
    log: z.enum(["0", "1"], { message: "log is 0 or 1" }).transform((v) => v === "1").optional(),
  })
  .refine((p) => (p.y?.length ?? 0) > 0 || p.re !== undefined, { message: "a panel needs y metrics (y:a,b) or a regular expression (re:val_.*)", path: ["y"] });

/** A custom panel; an absent setting follows the page's toolbar. */
export interface PanelSpec {
  x?: PanelX;
  /** Metrics named outright, in order. */
  y: string[];
  /** A regular expression the whole metric name must match; its matches come after `y`. */
  re?: string;
  smooth?: Smoothing;
  /** A grouping (config key or run:sweep/run:group/run:tags), or "none" for none whatever the page groups by. */
  group?: string;
  band?: BandKind;
  log?: boolean;
}

export type PanelParse = { ok: true; panel: PanelSpec } | { ok: false; error: string };

/** One panel from its URL form. */
export function parsePanel(text: string): PanelParse {
  const fields: Record<string, string> = {};
  let rest = text.trim();
  while (rest) {
    const colon = rest.indexOf(":");
    if (colon <= 0) return { ok: false, error: `"${rest.slice(0, 40)}" is not name:value` };
    const name = rest.slice(0, colon);
    if (name in fields) return { ok: false, error: `${name} is given twice` };
    if (name === "re") {
      fields.re = rest.slice(colon + 1);
      break;
    }
    const semi = rest.indexOf(";", colon);
    fields[name] = semi < 0 ? rest.slice(colon + 1) : rest.slice(colon + 1, semi);
    rest = semi < 0 ? "" : rest.slice(semi + 1);
  }
  const parsed = PanelFields.safeParse(fields);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "panel"}: ${i.message}`).join("; ") };
  const { y = [], ...rest2 } = parsed.data;
  const panel: PanelSpec = { y };
  for (const [k, v] of Object.entries(rest2)) if (v !== undefined) Object.assign(panel, { [k]: v });
  return { ok: true, panel };
}

/** A panel's URL form: settings it does not have are left out; the regular expression last. */
export function formatPanel(p: PanelSpec): string {
  const out: string[] = [];
  if (p.x) out.push(`x:${"metric" in p.x ? `metric:${p.x.metric}` : p.x.mode}`);
  if (p.y.length) out.push(`y:${p.y.join(",")}`);
  if (p.smooth) out.push(`smooth:${formatSmoothing(p.smooth) ?? "none"}`);
  if (p.group) out.push(`group:${p.group}`);
  if (p.band) out.push(`band:${p.band}`);
  if (p.log !== undefined) out.push(`log:${p.log ? 1 : 0}`);
  if (p.re !== undefined) out.push(`re:${p.re}`);
  return out.join(";");
}

/** The panels of a URL (its `panel` values, in order); each bad one is left out with a message saying why. */
export function parsePanels(values: readonly string[]): { panels: PanelSpec[]; errors: string[] } {
  const panels: PanelSpec[] = [];
  const errors: string[] = [];
  values.forEach((text, i) => {
    if (panels.length >= MAX_PANELS) return void errors.push(`panel ${i + 1}: at most ${MAX_PANELS} custom panels`);
    const r = parsePanel(text);
    if (r.ok) panels.push(r.panel);
    else errors.push(`panel ${i + 1}: ${r.error}`);
  });
  return { panels, errors };
}

/** Patterns by their source (null: not a metric regex): a page matches the same few on every render. */
const patterns = new Map<string, RE2JS | null>();

function metricPattern(src: string): RE2JS | null {
  let pattern = patterns.get(src);
  if (pattern === undefined) {
    if (patterns.size >= 256) patterns.clear();
    patterns.set(src, (pattern = MetricRegex.safeParse(src).success ? RE2JS.compile(src) : null));
  }
  return pattern;
}

/** The metric names a regular expression matches, whole (`val_.*` is val_loss, not eval_x). */
export function matchMetrics(re: string, names: readonly string[]): string[] {
  const whole = metricPattern(re);
  return whole ? names.filter((n) => whole.matches(n)) : [];
}

/** What a panel draws: its y metrics (named ones first, then the regex's matches, at most MAX_Y) and how many more it matched. */
export function panelMetrics(p: PanelSpec, names: readonly string[]): { y: string[]; more: number } {
  const all = [...new Set([...p.y, ...(p.re !== undefined ? matchMetrics(p.re, names) : [])])];
  return { y: all.slice(0, MAX_Y), more: Math.max(0, all.length - MAX_Y) };
}

/**
 * The metrics the page draws against another (y~x for the compare endpoint's pair=): each
 * custom panel's y metrics against its x metric, where both are among the fetched `keys`.
 */
export function viewPairs(panels: readonly PanelSpec[], names: readonly string[] | null, keys: readonly string[]): [y: string, x: string][] {
  const pairs = new Map<string, [string, string]>();
  for (const p of panels) {
    if (!p.x || !("metric" in p.x) || !keys.includes(p.x.metric)) continue;
    for (const y of names ? panelMetrics(p, names).y : p.y) if (y !== p.x.metric && keys.includes(y)) pairs.set(`${y}~${p.x.metric}`, [y, p.x.metric]);
  }
  return [...pairs.values()];
}

/** The series the page must fetch: the plain panels' metrics, then each custom panel's x and y metrics, at most `max`. */
export function viewKeys(metrics: readonly string[], panels: readonly PanelSpec[], names: readonly string[] | null, max = 20): string[] {
  const keys = new Set(metrics);
  for (const p of panels) {
    if (p.x && "metric" in p.x) keys.add(p.x.metric);
    for (const m of names ? panelMetrics(p, names).y : p.y) keys.add(m);
  }
  return [...keys].slice(0, max);
}

/**
 * What a view fetches once its runs' metric names are known (the server, for the first render):
 * the keys and y~x pairs CompareView works out from the same names, so the first answer holds
 * every series the page draws.
 */
export function viewFetch(metrics: readonly string[], panels: readonly PanelSpec[], names: readonly string[]): { keys: string[]; pair: [string, string][] } {
  const keys = viewKeys(metrics, panels, names);
  return { keys, pair: viewPairs(panels, names, keys) };
}
