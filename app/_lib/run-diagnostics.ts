// Shaping a run's diagnostics for display: gradient flow through time (‖∂L/∂h_t‖ per t at
// each logged step) and the share of saturated units over training. Pure.

export interface DiagnosticIn {
  step: number;
  kind: string;
  data: unknown;
}

export interface GradFlowRow {
  step: number;
  /** ‖∂L/∂h_t‖ for t = 1..T (top layer). */
  norms: number[];
}

const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === "number" || v === null);

export function gradFlowRows(diags: DiagnosticIn[]): GradFlowRow[] {
  return diags
    .filter((d) => d.kind === "grad_flow")
    .flatMap((d) => {
      const data = d.data as { norms?: unknown } | null;
      return data && isNums(data.norms) ? [{ step: d.step, norms: data.norms.map((v) => (typeof v === "number" ? v : NaN)) }] : [];
    });
}

/** How much the gradient shrinks from the last timestep back to the first: ‖g_1‖ / ‖g_T‖. */
export function gradRatio(row: GradFlowRow): number | null {
  const first = row.norms[0];
  const last = row.norms[row.norms.length - 1];
  return first > 0 && last > 0 ? first / last : null;
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

/** Colour of a log10 gradient norm on a diverging scale: blue = vanishing, red = exploding. */
export function normColor(log10: number, lo = -6, hi = 2): string {
  if (!Number.isFinite(log10)) return "#e5e7eb";
  const t = Math.min(1, Math.max(0, (log10 - lo) / (hi - lo)));
  // viridis-like ramp from dark purple (tiny) through teal to yellow (large)
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const s = t * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(s));
  const f = s - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}
