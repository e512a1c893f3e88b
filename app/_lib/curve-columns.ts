import { RUN_CONFIG_KEYS } from "../../engine/config";

// Runs-table columns: which are shown by default, their header group (Run / Config /
// Summary), labels, and the curve-derived columns a user gets without writing code.

export type ColumnGroup = "run" | "config" | "summary";

export const FIXED_COLUMNS = [
  { field: "state", label: "State" },
  { field: "sweep", label: "Sweep" },
  { field: "created", label: "Created" },
  { field: "started", label: "Started" },
  { field: "finished", label: "Finished" },
  { field: "runtime", label: "Runtime" },
  { field: "step", label: "Step" },
] as const;

/** Curve-derived columns (computed from the summary keys the store keeps per metric). */
export const CURVE_COLUMNS = [
  { field: "summary.val_loss_best", label: "best val_loss", help: "Lowest val_loss reached" },
  { field: "summary.val_loss_best_step", label: "best step", help: "Step at which the best val_loss was reached" },
  { field: "derived.train_val_gap", label: "train–val gap", help: "Final val_loss − final train_loss (positive = overfitting)" },
  { field: "derived.first_nonfinite_step", label: "first NaN step", help: "First step at which any metric was NaN or infinite" },
] as const;

const HEADLINE = ["val_loss", "train_loss", "val_acc", "saturation"];

export function columnGroup(field: string): ColumnGroup {
  if (field.startsWith("config.") || field.startsWith("params.")) return "config";
  if (field.startsWith("summary.") || field.startsWith("derived.")) return "summary";
  return "run";
}

export function columnLabel(field: string): string {
  const curve = CURVE_COLUMNS.find((c) => c.field === field);
  if (curve) return curve.label;
  const fixed = FIXED_COLUMNS.find((c) => c.field === field);
  if (fixed) return fixed.label;
  return field.slice(field.indexOf(".") + 1);
}

export function columnHelp(field: string): string | undefined {
  return CURVE_COLUMNS.find((c) => c.field === field)?.help;
}

export function isNumericColumn(field: string): boolean {
  return columnGroup(field) === "summary" || field === "runtime" || field === "step";
}

const configOrder = (k: string) => {
  const i = (RUN_CONFIG_KEYS as string[]).indexOf(k);
  return i === -1 ? 1000 : i;
};

/** Default columns: run facts, config keys that vary, final metrics, then the curve-derived ones. */
export function defaultTableColumns(info: { varying: string[]; summary: string[] }, options: { sweep?: boolean; grouped?: boolean } = {}): string[] {
  const fixed = ["state", ...(options.sweep ? [] : ["sweep"]), "created", "runtime"];
  const config = info.varying.filter((k) => !(options.grouped && k === "seed")).sort((a, b) => configOrder(a) - configOrder(b) || a.localeCompare(b));
  const headline = HEADLINE.filter((k) => info.summary.includes(k));
  if (headline.length === 0 && info.summary.length > 0) {
    // runs of other programs (the logging API): their own metrics' final values, validation first
    const own = info.summary.filter((k) => !/_(best|best_step|first_nonfinite_step)$/.test(k));
    const picked = own.sort(validationFirst).slice(0, PROGRAM_HEADLINE_MAX);
    return [...fixed, ...config.map((k) => `config.${k}`), ...picked.map((k) => `summary.${k}`)];
  }
  return [...fixed, ...config.map((k) => `config.${k}`), ...headline.map((k) => `summary.${k}`), ...CURVE_COLUMNS.map((c) => c.field)];
}

const heldOut = (k: string) => (/(^|[_/.])(val|valid|validation|eval|test)([_/.]|$)/.test(k) ? 0 : 1);
/** Metric names in the order a program's headline shows them: held-out metrics (`val/loss`, `eval_acc`) first, then by name. */
export const validationFirst = (a: string, b: string): number => heldOut(a) - heldOut(b) || a.localeCompare(b);

/**
 * The columns the runs filter builder offers for runs with these config and summary keys, and
 * the one it starts on: the fixed run columns, the curve-derived ones whose metrics the runs
 * logged (a project of another program's runs has no val_loss: no "best val_loss"; any run can
 * have gone NaN), the summary
 * keys and the config keys. It starts on best val_loss where the runs have it, else on their
 * first own metric (held-out first), else on the name.
 */
export function filterFields(info: { config: readonly string[]; summary: readonly string[] }): { fields: string[]; start: string } {
  const has = (k: string) => info.summary.includes(k);
  const curves = CURVE_COLUMNS.map((c) => c.field as string).filter((f) =>
    f === "derived.train_val_gap" ? has("val_loss") && has("train_loss") : f === "derived.first_nonfinite_step" || has(f.slice("summary.".length)),
  );
  const summary = info.summary.filter((k) => !curves.includes(`summary.${k}`));
  const metrics = summary.filter((k) => !/_(best|best_step|first_nonfinite_step)$/.test(k)).sort(validationFirst);
  const start = has("val_loss_best") ? "summary.val_loss_best" : metrics.length > 0 ? `summary.${metrics[0]}` : "name";
  return { fields: ["name", "state", "runtime", "step", ...curves, ...summary.map((k) => `summary.${k}`), ...info.config.map((k) => `config.${k}`)], start };
}

/** Summary columns shown by default for runs of other programs. */
const PROGRAM_HEADLINE_MAX = 6;

/** Columns in header order: run columns, then config, then summary — each in the chosen order. */
export function orderColumns(columns: string[]): string[] {
  const rank: Record<ColumnGroup, number> = { run: 0, config: 1, summary: 2 };
  return columns.map((c, i) => [c, i] as const).sort((a, b) => rank[columnGroup(a[0])] - rank[columnGroup(b[0])] || a[1] - b[1]).map(([c]) => c);
}

/** Header groups: consecutive columns of the same group → one spanning cell. */
export function headerGroups(columns: string[]): { group: ColumnGroup; span: number }[] {
  const out: { group: ColumnGroup; span: number }[] = [];
  for (const c of columns) {
    const g = columnGroup(c);
    if (out.length && out[out.length - 1].group === g) out[out.length - 1].span++;
    else out.push({ group: g, span: 1 });
  }
  return out;
}

/** Move a column one place within its group (the header keeps groups together). */
export function moveColumn(columns: string[], field: string, delta: -1 | 1): string[] {
  const ordered = orderColumns(columns);
  const i = ordered.indexOf(field);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= ordered.length || columnGroup(ordered[j]) !== columnGroup(field)) return ordered;
  const out = [...ordered];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
