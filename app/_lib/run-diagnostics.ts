// Shaping a run's diagnostics for display: gradient flow through time (‖∂L/∂h_t‖ per t at
// each logged step) and the share of saturated units over training. Pure.

export interface DiagnosticIn {
  step: number;
  kind: string;
  data: unknown;
}

export interface GradFlowMark {
  /** 1-based timestep */
  t: number;
  label: string;
}

export interface GradFlowRow {
  step: number;
  /** ‖∂L/∂h_t‖ for t = 1..T (top layer). */
  norms: number[];
  /** Timesteps the task names (delayed_recall: the symbol to remember, the cue). */
  marks: GradFlowMark[];
}

const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === "number" || v === null);
const isMarks = (x: unknown): x is GradFlowMark[] =>
  Array.isArray(x) && x.every((m) => typeof m === "object" && m !== null && Number.isInteger((m as GradFlowMark).t) && typeof (m as GradFlowMark).label === "string");

export function gradFlowRows(diags: DiagnosticIn[]): GradFlowRow[] {
  return diags
    .filter((d) => d.kind === "grad_flow")
    .flatMap((d) => {
      const data = d.data as { norms?: unknown; marks?: unknown } | null;
      if (!data || !isNums(data.norms)) return [];
      const norms = data.norms.map((v) => (typeof v === "number" ? v : NaN));
      const marks = isMarks(data.marks) ? data.marks.filter((m) => m.t >= 1 && m.t <= norms.length) : [];
      return [{ step: d.step, norms, marks }];
    });
}

export interface GradRatio {
  ratio: number;
  /** What the ratio compares: the earliest and the latest point named. */
  from: string;
  to: string;
}

/**
 * How much the gradient shrinks back through time: ‖∂L/∂h‖ at the first marked timestep over the
 * last one (delayed_recall: the symbol to remember vs the cue), else ‖g_1‖ / ‖g_T‖. A gradient
 * that vanished to exactly zero gives 0. null when the later norm is not positive.
 */
export function gradRatio(row: GradFlowRow): GradRatio | null {
  const [a, b] = row.marks.length >= 2 ? [row.marks[0], row.marks[row.marks.length - 1]] : [{ t: 1, label: "h_1" }, { t: row.norms.length, label: "h_T" }];
  const first = row.norms[a.t - 1], last = row.norms[b.t - 1];
  return first >= 0 && last > 0 ? { ratio: first / last, from: a.label, to: b.label } : null;
}

/** A few rows spread over training (first, …, last) for the per-step line chart. */
export function pickRows<T>(rows: T[], count = 5): T[] {
  if (rows.length <= count) return rows;
  const out: T[] = [];
  for (let k = 0; k < count; k++) out.push(rows[Math.round((k * (rows.length - 1)) / (count - 1))]);
  return [...new Set(out)];
}

export function saturationPoints(diags: DiagnosticIn[]): { x: number; y: number | null }[] {
  return diags
    .filter((d) => d.kind === "saturation")
    .map((d) => {
      const share = (d.data as { share?: unknown } | null)?.share;
      return { x: d.step, y: typeof share === "number" ? share : null };
    });
}

/** Colour of a log10 gradient norm: dark = vanishing (a norm of exactly 0 is the darkest), yellow = large; grey = missing. */
export function normColor(log10: number, lo = -6, hi = 2): string {
  if (Number.isNaN(log10) || log10 === Infinity) return "#e5e7eb";
  const t = Math.min(1, Math.max(0, (log10 - lo) / (hi - lo)));
  // viridis-like ramp from dark purple (tiny) through teal to yellow (large)
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const s = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(s));
  const f = s - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
