"use client";
import { useCallback, useRef, type Dispatch, type SetStateAction } from "react";
import type { TablePage, TableRow } from "../../../prisma/store/runs-table";
import { liveRunIds, mergeLiveRows } from "../../_lib/runs-live";
import { usePoll } from "../usePoll";

// The runs table, live: while a run on screen is queued or running, the poll of the sweep page
// (usePoll) asks GET /api/compare/table/live for those runs' rows alone and folds them in, so
// runtime, step, state and metric cells move and nothing else renders again. When one of them
// starts or ends, the pages on screen are read again, together (new runs, the order), and the
// others are let go (read again if scrolled to). Nothing on screen trains: no poll. Sort, filter, columns, selection and scroll are the table's and stay.

export const PAGE = 200;

/** One page of the view (grouped: all its rows), from GET /api/compare/table. */
export async function fetchTablePage(apiQuery: string, page: number | null): Promise<TablePage> {
  const range = page === null ? "" : `offset=${page * PAGE}&limit=${PAGE}`;
  const res = await fetch(`/api/compare/table?${[apiQuery, range].filter(Boolean).join("&")}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as TablePage;
}

export function useLiveRows(view: {
  /** the rows on screen (a configuration row for its members), and the pages they are in */
  visible: readonly TableRow[];
  visiblePages: readonly number[];
  columns: readonly string[];
  grouped: boolean;
  groupBy: "seeds" | "runs" | "tags" | null | undefined;
  sort: { field: string; desc: boolean };
  apiQuery: string;
  pages: ReadonlyMap<number, TableRow[]>;
  setPages: Dispatch<SetStateAction<Map<number, TableRow[]>>>;
  setTotal: (total: number) => void;
}) {
  const ids = liveRunIds(view.visible);
  const latest = useRef({ ...view, ids });
  latest.current = { ...view, ids };

  // the pages on screen, read again and shown together
  const reload = useCallback(async () => {
    const { apiQuery, grouped, visiblePages, setPages, setTotal } = latest.current;
    const held = grouped ? [0] : visiblePages;
    const answers = await Promise.all(held.map((p) => fetchTablePage(apiQuery, grouped ? null : p).catch(() => null)));
    if (answers.some((a) => a === null)) return; // the next poll tries again
    setPages(new Map(held.map((p, i) => [p, answers[i]!.rows])));
    setTotal(answers[0]!.total);
  }, []);

  const tick = useCallback(async () => {
    const { ids, columns, groupBy, sort, pages, setPages } = latest.current;
    if (ids.length === 0) return;
    const q = new URLSearchParams({ ids: ids.join(","), columns: columns.join(","), group: groupBy ?? "none", sort: `${sort.desc ? "-" : ""}${sort.field}` });
    const res = await fetch(`/api/compare/table/live?${q.toString().replace(/%2C/g, ",")}`, { cache: "no-store" }).catch(() => null);
    const body = res?.ok ? ((await res.json().catch(() => null)) as { rows: TableRow[] } | null) : null;
    if (!body) return;
    const ended = [...pages.values()].some((rows) => mergeLiveRows(rows, body.rows, ids).ended);
    setPages((prev) => {
      let changed = false;
      const next = new Map(prev);
      for (const [p, rows] of prev) {
        const merged = mergeLiveRows(rows, body.rows, ids);
        if (merged.changed) next.set(p, merged.rows as TableRow[]);
        changed ||= merged.changed;
      }
      return changed ? next : prev;
    });
    if (ended) await reload();
  }, [reload]);

  usePoll(tick, { enabled: ids.length > 0 });
  return ids;
}
