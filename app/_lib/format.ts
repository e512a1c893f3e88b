// Number, duration and time formatting shared by every page (tables, tooltips, CSV preview).

/** Significant digits, switching to exponent notation for very small or large magnitudes. */
export function formatNumber(value: unknown, digits = 4): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "true" : "false";
  // a list or an object as JSON, as a filter names it (config.layers=[64,32]), not "64,32"
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "NaN";
  // as the table's JSON cells and the CSV spell it (a stored summary holds the string)
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  // integers in full (a 32-bit seed, a step count): an id-like number in exponent form reads wrong.
  // Past 2^53 a double is no exact integer: its digits are the shortest that read back to it, as
  // JSON and the CSV write it (12345678901234567890 → 12,345,678,901,234,567,000), not its binary
  // value's (…567,168), digits nobody wrote. From 1e21 JavaScript writes exponents, as this does
  // (no 64-bit integer is that large).
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(String(value)).toLocaleString("en-US");
  if (readsAsExponent(value)) return formatExponent(value, digits);
  // thousands separated as an integer's are: 201,400 beside 24,000, never 201400
  const [whole, fraction] = Number(value.toPrecision(digits)).toString().split(".");
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ",")}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** Whether formatNumber writes `value` as an exponent: a fraction below 1e-3 or from 1e6 in magnitude, an integer from 1e21. */
export function readsAsExponent(value: unknown): boolean {
  if (typeof value !== "number" || !Number.isFinite(value)) return false;
  const abs = Math.abs(value);
  return Number.isInteger(value) ? abs >= 1e21 : abs < 1e-3 || abs >= 1e6;
}

/**
 * Labels of numbers shown together (a linear axis's ticks, a histogram's bin edges) in one
 * notation: as formatNumber writes them to `digits`, unless it would write one of them as an
 * exponent (below 1e-3, or a fraction from 1e6): then every one an exponent, 0 as "0". An axis
 * 0 … 0.001 reads 0, 2e-4 … 1e-3, never "8e-4" beside "0.001".
 */
export function oneNotation(values: readonly number[], digits: number): (v: number) => string {
  return values.some(readsAsExponent) ? (v) => (v === 0 ? "0" : formatExponent(v, digits)) : (v) => formatNumber(v, digits);
}

/** How a table column writes each of its cells. */
export type ColumnFormat = (v: unknown) => string;

/**
 * The cells of one table column, over the rows it shows, in one notation: when any of `values`
 * reads as an exponent, every fraction of the column does too (oneNotation), so a learning_rate
 * column reads 7.74e-4, 2.477e-3, never 7.74e-4 above 0.002477. Integers (counts, steps, seeds),
 * and what is no finite number, read as on their own: formatKeyValue under `key` (a config or
 * summary key), else formatNumber (the Step column counts); so does every cell of a column
 * without exponents.
 */
export function columnNotation(values: readonly unknown[], key?: string, digits = 4): ColumnFormat {
  const fraction = oneNotation(values.filter((v): v is number => typeof v === "number"), digits);
  const plain = key === undefined ? (v: unknown) => formatNumber(v, digits) : (v: unknown) => formatKeyValue(key, v, digits);
  return (v) => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? fraction(v) : plain(v));
}

/** Whether a column's cells, leaving out the empty ones, are all numbers (and there is one): it is right-aligned, its header too. */
export function holdsOnlyNumbers(values: readonly unknown[]): boolean {
  const held = values.filter((v) => v !== null && v !== undefined);
  return held.length > 0 && held.every((v) => typeof v === "number");
}

/** A number cell's hover: the stored value in full, in the shortest spelling that reads back to it (the cell rounds to 4 digits). */
export function exactValue(value: unknown): string | undefined {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
}

/** A number in exponent notation to `digits` significant digits, trailing zeros dropped: 7.010e-4 → 7.01e-4, 1.000e+7 → 1e7, 1 → 1e0. */
export function formatExponent(value: number, digits = 4): string {
  const [mantissa, exponent] = value.toExponential(Math.max(0, digits - 1)).split("e");
  return `${mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa}e${exponent.replace("+", "")}`;
}

/** A count with its noun: "1 run", "1,204 runs". */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

/** A measured rate, to 3 significant digits with separators: "120,000", "4,350", "0.862". */
export function formatRate(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** Keys whose integers name something (a seed, an index, a step) rather than count it. */
export function isIdLikeKey(key: string): boolean {
  return /(^|[._])(seed|index|step|id)$/.test(key);
}

/** A config value under its key: id-like integers as written (seed 1574409985, never 1,574,409,985). */
export function formatKeyValue(key: string, value: unknown, digits = 4): string {
  if (typeof value === "number" && Number.isInteger(value) && isIdLikeKey(key)) return String(value);
  return formatNumber(value, digits);
}

/** "3m 12s", "1h 05m", "850ms". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(rest).padStart(2, "0")}s`;
}

/** "Nov 25, 18:02" (local time), or "3m ago" when recent and `relative` is set. */
export function formatTime(iso: string | null | undefined, relative = false, now = Date.now()): string {
  if (!iso) return "–";
  const t = Date.parse(iso);
  if (relative) {
    const ago = (now - t) / 1000;
    if (ago < 60) return "just now";
    if (ago < 3600) return `${Math.floor(ago / 60)}m ago`;
    if (ago < 86400) return `${Math.floor(ago / 3600)}h ago`;
  }
  return new Date(t).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
}

/** A size in bytes: "812 bytes", "3.4 KiB", "1.1 MiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} byte${n === 1 ? "" : "s"}`;
}
