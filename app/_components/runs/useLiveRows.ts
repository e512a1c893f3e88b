"use client";
import { useCallback, useRef, type Dispatch, type SetStateAction } from "react";
import type { TablePage, TableRow } from "../../../prisma/store/runs-table";
import { liveRunIds, mergeLiveRows, viewMoved, type LiveTableAnswer } from "../../_lib/runs-live";
import { LIVE_MS, usePoll } from "../usePoll";
import { usePublishRunsCounts } from "./RunsCount";

// The runs table, live: the poll of the sweep page (usePoll) asks GET /api/compare/table/live
// for the view's stamp (how many runs match it, when the newest was created) and, while runs on
// screen are queued or running, for those runs' rows alone, folded in so that runtime, step,
// state and metric cells move and nothing else renders again. The pages on screen are read
// again, together (new runs, the order, the count in the header), only when one of those runs
// starts, ends or no longer matches the filter, or the stamp moves (runs created in another
// tab, by an agent or a script; deleted, archived, or now in or out of the filter); the others
// are let go (read again if scrolled to). A poll every 1.5 s while runs on screen train, every
// NEW_RUNS_MS while none does. Sort, filter, columns, selection and scroll are the table's and stay.

export const PAGE = 200;
/** How often a table with nothing training on screen asks whether runs came or went: a new run shows within seconds, at one count a poll. */
export const NEW_RUNS_MS = 5000;

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
  /** the view's stamp as the pages held were read (the first page's to begin with) */
  initialStamp: { runs: number; newest: string | null };
}) {
  const ids = liveRunIds(view.visible);
  const latest = useRef({ ...view, ids });
  latest.current = { ...view, ids };
  const stamp = useRef(view.initialStamp);
  const stampAsked = useRef(0);
  const publish = usePublishRunsCounts();

  // the pages on screen, read again and shown together
  const reload = useCallback(async () => {
    const { apiQuery, grouped, visiblePages, setPages, setTotal } = latest.current;
    const held = grouped ? [0] : visiblePages;
    const answers = await Promise.all(held.map((p) => fetchTablePage(apiQuery, grouped ? null : p).catch(() => null)));
    if (answers.some((a) => a === null)) return; // the next poll tries again
    const [first] = answers as TablePage[];
    setPages(new Map(held.map((p, i) => [p, answers[i]!.rows])));
    setTotal(first.total);
    stamp.current = { runs: first.runs, newest: first.newest };
    publish(apiQuery, { total: first.total, runs: first.runs });
  }, [publish]);

  const tick = useCallback(async () => {
    const { ids, apiQuery, columns, groupBy, sort, pages, setPages } = latest.current;
    // the view's own query, with its columns and grouping as resolved, and the runs to follow
    const q = new URLSearchParams(apiQuery);
    // (the stamp is a count over the view: asked every NEW_RUNS_MS, not on every 1.5 s tick)
    const withStamp = Date.now() - stampAsked.current >= NEW_RUNS_MS - LIVE_MS / 2;
    for (const [k, v] of Object.entries({ columns: columns.join(","), group: groupBy ?? "none", sort: `${sort.desc ? "-" : ""}${sort.field}`, live: ids.join(","), stamp: withStamp ? "1" : "0" })) q.set(k, v);
    if (withStamp) stampAsked.current = Date.now();
    const res = await fetch(`/api/compare/table/live?${q.toString().replace(/%2C/g, ",")}`, { cache: "no-store" }).catch(() => null);
    const body = res?.ok ? ((await res.json().catch(() => null)) as LiveTableAnswer | null) : null;
    if (!body) return;
    if (body.stamp) publish(apiQuery, { all: body.stamp.all });
    const ended = ids.length > 0 && [...pages.values()].some((rows) => mergeLiveRows(rows, body.rows, ids).ended);
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
    if (ended || viewMoved(stamp.current, body.stamp)) await reload();
  }, [reload, publish]);

  usePoll(tick, { live: () => latest.current.ids.length > 0, idleMs: NEW_RUNS_MS });
  return ids;
}
