import { KEY_PATTERN } from "../../sweeps/names";
import { X_MODES, type XMode } from "./chart-scale";
import type { BandKind } from "./grouping";
import { formatPanel, parsePanels, type PanelSpec } from "./panels";
import { parseScatter, setScatterParams, type ScatterSettings } from "./scatter";
import { formatSmoothing, parseSmoothing, type Smoothing } from "./smoothing";

// The compare view's state as it lives in the URL, so a view can be shared:
//   /compare?runs=a,b,c&metrics=val_loss,train_loss&x=step&log=1&smooth=ema:0.6&group=cell&band=minmax&hide=b
//            &panel=x:metric:train_loss;re:val_.*   (custom panels, one panel= each: panels.ts)
//            &sx=lr&sy=val_loss_best&sc=step&slog=xy&hist=val_acc   (the scatter and histogram, as on the sweep page)
// Unknown or bad values fall back to defaults (a view link should never fail to open); a custom
// panel that does not parse is left out and `panelErrors` says why.

export interface CompareViewState {
  runs: string[];
  sweep: string | null;
  metrics: string[];
  x: XMode;
  log: boolean;
  smoothing: Smoothing;
  group: string | null;
  band: BandKind;
  hidden: string[];
  /** Custom panels, after the plain metric panels. */
  panels: PanelSpec[];
  /** Why a panel of the URL was left out ("panel 2: x: …"). */
  panelErrors: string[];
  /** The scatter's axes, colour and log scales, and the histogram's metric (null: the defaults). */
  scatter: ScatterSettings;
  hist: string | null;
}

export const DEFAULT_METRICS = ["val_loss", "train_loss"];
const NO_METRICS = "-";
const ID = /^[0-9a-z]{4,32}$/;
const KEY = KEY_PATTERN;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(p: Params, key: string): string | undefined {
  if (p instanceof URLSearchParams) return p.get(key) ?? undefined;
  const v = p[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function getAll(p: Params, key: string): string[] {
  if (p instanceof URLSearchParams) return p.getAll(key);
  const v = p[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const list = (s: string | undefined, re: RegExp) => [...new Set((s ?? "").split(",").map((x) => x.trim()).filter((x) => re.test(x)))];

// The hidden runs and groups, one list: a group's key holds its value as spelled (compare-shape.ts),
// which may hold any character, a comma or a per cent sign too; those two are escaped (%2C, %25)
// inside an item, so every key comes back as it was and a link of plain keys reads as before.
const escapeItem = (item: string) => item.replace(/%/g, "%25").replace(/,/g, "%2C");
const unescapeItem = (item: string) => item.replace(/%2C/gi, ",").replace(/%25/g, "%");
/** A run id, or a grouping's `key=value` (keys in any script, as sweeps/names.ts takes them; run:tags). */
const isHideItem = (item: string) => {
  const at = item.indexOf("=");
  return at < 0 ? ID.test(item) : KEY.test(item.slice(0, at));
};
const hiddenList = (s: string | undefined) => [...new Set((s ?? "").split(",").filter((x) => x.trim() !== "").map((x) => unescapeItem(x.trim())).filter(isHideItem))];

export function parseCompareView(p: Params): CompareViewState {
  const metrics = list(get(p, "metrics"), KEY);
  const x = get(p, "x");
  const band = get(p, "band");
  const group = get(p, "group");
  const sweep = get(p, "sweep");
  const { panels, errors } = parsePanels(getAll(p, "panel"));
  const hist = get(p, "hist");
  return {
    runs: list(get(p, "runs"), ID),
    sweep: sweep && ID.test(sweep) ? sweep : null,
    // metrics=- : no plain metric panels (a view of custom panels only)
    metrics: get(p, "metrics") === NO_METRICS ? [] : metrics.length > 0 ? metrics.slice(0, 12) : DEFAULT_METRICS,
    x: X_MODES.some((m) => m.id === x) ? (x as XMode) : "step",
    log: get(p, "log") === "1",
    smoothing: parseSmoothing(get(p, "smooth")),
    group: group && KEY.test(group) ? group : null,
    band: band === "std" || band === "none" ? band : "minmax",
    // run ids, or a group's `key=value` (a string value that reads as another, or is empty, in
    // quotes: cell="null", compare-shape.ts)
    hidden: hiddenList(get(p, "hide")),
    panels,
    panelErrors: errors,
    scatter: parseScatter({ get: (k: string) => get(p, k) ?? null }, (k) => KEY.test(k)),
    hist: hist && KEY.test(hist) ? hist : null,
  };
}

/** The query string of a view, defaults left out so links stay short. */
export function compareViewQuery(v: CompareViewState): string {
  const q = new URLSearchParams();
  if (v.runs.length) q.set("runs", v.runs.join(","));
  if (v.sweep) q.set("sweep", v.sweep);
  if (v.metrics.join(",") !== DEFAULT_METRICS.join(",")) q.set("metrics", v.metrics.length ? v.metrics.join(",") : NO_METRICS);
  if (v.x !== "step") q.set("x", v.x);
  if (v.log) q.set("log", "1");
  const smooth = formatSmoothing(v.smoothing);
  if (smooth) q.set("smooth", smooth);
  if (v.group) q.set("group", v.group);
  if (v.group && v.band !== "minmax") q.set("band", v.band);
  if (v.hidden.length) q.set("hide", v.hidden.map(escapeItem).join(","));
  for (const p of v.panels) q.append("panel", formatPanel(p));
  setScatterParams(q, v.scatter);
  if (v.hist) q.set("hist", v.hist);
  // characters a query value may hold as they are, kept readable (`+`, `&`, `#`, `%` stay encoded)
  return q.toString().replace(/%(2C|3A|3B|3D|2F|28|29|24|5B|5D|40|7C|5E)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
