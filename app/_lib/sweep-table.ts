import { KEY_PATTERN } from "../../sweeps/names";
import { summaryNumber, type StoredSummary } from "../../sweeps/summary";
import { paramValue } from "./sweep-parcoords";

// Sorting the sweep page's run table on the client (the brush filters it in place, so it is
// not re-queried). Fields: name, state, step, runtime, index, config.<key>, summary.<key>.

export interface TableSort {
  field: string;
  desc: boolean;
}

export interface SortableRun {
  id: string;
  name: string;
  state: string;
  index: number;
  lastStep: number;
  runtime: number | null;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  summary: StoredSummary;
}

function valueOf(run: SortableRun, field: string, absent: ReadonlySet<string>): unknown {
  if (field.startsWith("config.")) return paramValue(run, field.slice(7), absent);
  if (field.startsWith("summary.")) return summaryNumber(run.summary[field.slice(8)]); // "Infinity" sorts as the number
  switch (field) {
    case "name":
      return run.name;
    case "state":
      return run.state;
    case "step":
      return run.lastStep;
    case "runtime":
      return run.runtime;
    default:
      return run.index;
  }
}

/** Sorted copy; missing values (and NaN, and keys in `absent` a run's choices do not have) last in either direction, ties by run index. */
export function sortRuns<T extends SortableRun>(runs: readonly T[], sort: TableSort, absent: ReadonlySet<string> = new Set()): T[] {
  const dir = sort.desc ? -1 : 1;
  const missing = (v: unknown) => v === undefined || v === null || (typeof v === "number" && Number.isNaN(v));
  return [...runs].sort((a, b) => {
    const va = valueOf(a, sort.field, absent);
    const vb = valueOf(b, sort.field, absent);
    if (missing(va) || missing(vb)) return missing(va) === missing(vb) ? a.index - b.index : missing(va) ? 1 : -1;
    const c = typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb), "en", { numeric: true });
    return c !== 0 ? c * dir : a.index - b.index;
  });
}

export function encodeSort(s: TableSort): string {
  return `${s.desc ? "-" : ""}${s.field}`;
}

export function decodeSort(text: string | null | undefined, fallback: TableSort): TableSort {
  if (!text) return fallback;
  const desc = text.startsWith("-");
  const field = desc ? text.slice(1) : text;
  const dot = field.indexOf(".");
  const ok = ["name", "state", "step", "runtime", "index"].includes(field) || (["config", "summary"].includes(field.slice(0, dot)) && KEY_PATTERN.test(field.slice(dot + 1)));
  return ok ? { field, desc } : fallback;
}

/**
 * A run's runtime in seconds at `now` (client clock, ms). The store reports a run still
 * training (started, not finished) as the time it had run when it was read: that is `runtime`
 * at `readAt` (client ms), plus the time since. Ended and queued runs are as read. (Counting
 * from `readAt`, not from `startedAt`, keeps a skewed client clock out of it.)
 */
export function liveRuntime(run: { runtime: number | null; startedAt: string | null; finishedAt: string | null }, readAt: number, now: number): number | null {
  if (run.runtime === null || !run.startedAt || run.finishedAt) return run.runtime;
  return run.runtime + Math.max(0, now - readAt) / 1000;
}
