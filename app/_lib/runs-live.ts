import type { TableRow } from "../../prisma/store/runs-table";
import { ACTIVE_RUN_STATES } from "../../sweeps/states";

// The runs table's live rows: which of the rows on screen are training or waiting to (their
// runs are polled, and nothing else), how a poll's answer folds into the rows held, and when
// it asks for the pages on screen again (a run started, ended or left the view's filter; or
// the view's count or newest run moved: runs were created or went elsewhere).

const isLive = (row: TableRow) => ACTIVE_RUN_STATES.includes(row.state);

/** GET /api/compare/table/live's answer: the live runs' rows still in the view, and (unless left out) the view's stamp (runsTableStamp). */
export interface LiveTableAnswer {
  rows: TableRow[];
  stamp: ViewStamp | null;
}
export interface ViewStamp {
  /** runs matching the view, and when the newest of them was created */
  runs: number;
  newest: string | null;
  /** runs in all (the header's "of N") */
  all: number;
}

/** The pages on screen are to be read again: runs came into the view or left it (created, deleted, archived, now in or out of a filter). */
export const viewMoved = (held: Pick<ViewStamp, "runs" | "newest">, polled: ViewStamp | null): boolean => polled !== null && (held.runs !== polled.runs || held.newest !== polled.newest);

/** The runs to poll for these rows: each queued or running run, and every run of a configuration row that has one (its mean is of them all). */
export function liveRunIds(rows: readonly TableRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) {
    const members = row.group?.members;
    if (members ? members.some(isLive) : isLive(row)) for (const m of members ?? [row]) ids.add(m.id);
  }
  return [...ids];
}

/** A row's runs: itself, or a configuration row's members. */
const runsOf = (row: TableRow): string[] => row.group?.members.map((m) => m.id) ?? [row.id];

/** Which row this is: its runs (and a tag row's tag: a run with two tags heads two rows). */
const identity = (row: TableRow): string => `${row.group?.tag ?? ""}|${[...runsOf(row)].sort().join(",")}`;

/** What the states of a row read (a configuration row's counts by state). */
const statesOf = (row: TableRow): string => (row.group ? JSON.stringify(row.group.states) : row.state);

/**
 * The rows held with a poll's rows in place of the rows of the same runs (a configuration row
 * is replaced only by the fold of the same runs, and keeps its id and name: expanded, it stays
 * expanded). Rows the poll did not bring, and rows unchanged, stay the same objects, so only
 * the cells that changed render again. `ended`: a run polled started, ended or is gone (the
 * view's rows and their order may have changed).
 */
export function mergeLiveRows(held: readonly TableRow[], polled: readonly TableRow[], asked: readonly string[]): { rows: readonly TableRow[]; changed: boolean; ended: boolean } {
  const fresh = new Map(polled.map((row) => [identity(row), row]));
  const answered = new Set(polled.flatMap(runsOf));
  let ended = asked.some((id) => !answered.has(id));
  let changed = false;
  const rows = held.map((row) => {
    const next = fresh.get(identity(row));
    if (!next) return row;
    const merged = row.group ? { ...next, id: row.id, name: row.name } : next;
    if (JSON.stringify(merged) === JSON.stringify(row)) return row;
    changed = true;
    if (statesOf(next) !== statesOf(row)) ended = true;
    return merged;
  });
  return { rows: changed ? rows : held, changed, ended };
}
