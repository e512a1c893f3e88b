// Finding interpretable hidden cells (Karpathy's "quote detector"): rank the cells of an
// activation matrix by variance, or by |correlation| with a simple feature of the text.

export const CELL_FEATURES = [
  { id: "variance", label: "Variance (most active)" },
  { id: "quotes", label: "Inside quotes" },
  { id: "line_start", label: "Position in line" },
  { id: "word", label: "Inside a word" },
  { id: "vowel", label: "Is a vowel" },
  { id: "punct", label: "Punctuation" },
] as const;
export type CellFeature = (typeof CELL_FEATURES)[number]["id"];

/** The feature's value at each character. */
export function featureSeries(chars: string[], feature: Exclude<CellFeature, "variance">): number[] {
  let inQuote = false;
  let col = 0;
  return chars.map((c) => {
    switch (feature) {
      case "quotes": {
        const v = inQuote ? 1 : 0;
        if (c === '"') inQuote = !inQuote;
        return c === '"' ? 1 : v;
      }
      case "line_start": {
        const v = col;
        col = c === "\n" ? 0 : col + 1;
        return v;
      }
      case "word": return /[A-Za-z]/.test(c) ? 1 : 0;
      case "vowel": return /[aeiouAEIOU]/.test(c) ? 1 : 0;
      case "punct": return /[.,;:!?'"()-]/.test(c) ? 1 : 0;
    }
  });
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  if (n < 2) return 0;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

export interface CellScore {
  cell: number;
  score: number;
  /** Signed correlation (features) or variance. */
  value: number;
}

/** Cells sorted by interpretability for `feature` (acts[t][j] = activation of cell j after char t). */
export function rankCells(acts: number[][], chars: string[], feature: CellFeature): CellScore[] {
  const H = acts[0]?.length ?? 0;
  const column = (j: number) => acts.map((row) => row[j]);
  const f = feature === "variance" ? null : featureSeries(chars, feature);
  const scores: CellScore[] = [];
  for (let j = 0; j < H; j++) {
    const x = column(j);
    if (f) {
      const r = correlation(x, f);
      scores.push({ cell: j, score: Math.abs(r), value: r });
    } else {
      const m = x.reduce((s, v) => s + v, 0) / (x.length || 1);
      const v = x.reduce((s, y) => s + (y - m) ** 2, 0) / (x.length || 1);
      scores.push({ cell: j, score: v, value: v });
    }
  }
  return scores.sort((a, b) => b.score - a.score);
}

/** Background colour of an activation in [-1, 1]: blue negative, white 0, red positive. */
export function activationColor(a: number): string {
  const t = Math.max(-1, Math.min(1, a));
  if (t >= 0) return `rgba(220, 38, 38, ${(t * 0.85).toFixed(3)})`;
  return `rgba(37, 99, 235, ${(-t * 0.85).toFixed(3)})`;
}
