"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import type { TablePage } from "../../../prisma/store/runs-table";
import type { RawSearchParams } from "../../_lib/url";
import { RunsTable } from "./RunsTable";
import { RunsToolbar } from "./RunsToolbar";

// The runs page's interactive part: toolbar + table, and the selection of runs to compare
// (kept across sorting and filtering). View changes navigate to a new URL, so the server
// renders the first page of the new view and the URL can be shared.

function href(params: RawSearchParams, changes: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || k in changes || k === "offset" || k === "limit") continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  const s = q.toString().replace(/%2C/g, ",");
  return s ? `/?${s}` : "/";
}

export function RunsView(props: {
  initial: TablePage;
  columns: string[];
  grouped: boolean;
  /** What grouped rows fold: seed replicates, or run groups (W&B's group). */
  groupBy: "seeds" | "runs" | "tags" | null;
  sort: { field: string; desc: boolean };
  params: RawSearchParams;
  apiQuery: string;
  config: string[];
  summary: string[];
  defaultGrouped: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const go = (changes: Record<string, string | string[] | undefined>) => startTransition(() => router.push(href(props.params, changes), { scroll: false }));
  const filters = ([] as string[]).concat(props.params.filter ?? []);
  const tagParam = props.params.tag;
  const tags = (Array.isArray(tagParam) ? tagParam.at(-1) : tagParam)?.split(",").filter(Boolean) ?? [];
  const archivedParam = props.params.archived === "include";
  // (shown at once, as the other toggles; the table follows when the new view has loaded)
  const [showArchived, setShowArchived] = useState(archivedParam);
  useEffect(() => setShowArchived(archivedParam), [archivedParam]);
  // The toolbar reflects a change at once; the table follows when the new view has loaded.
  const [columns, setColumns] = useState(props.columns);
  const [grouped, setGrouped] = useState(props.grouped);
  const columnsKey = props.columns.join(",");
  useEffect(() => setColumns(columnsKey.split(",").filter(Boolean)), [columnsKey]);
  useEffect(() => setGrouped(props.grouped), [props.grouped]);
  const [groupRuns, setGroupRuns] = useState(props.groupBy === "runs");
  useEffect(() => setGroupRuns(props.groupBy === "runs"), [props.groupBy]);
  const [groupTags, setGroupTags] = useState(props.groupBy === "tags");
  useEffect(() => setGroupTags(props.groupBy === "tags"), [props.groupBy]);
  // Set once React has hydrated the view: controls used before then would be reset by it.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <div style={{ opacity: pending ? 0.6 : 1, transition: "opacity .15s" }} data-pending={pending ? "true" : "false"} data-testid="runs-view" data-hydrated={hydrated ? "true" : "false"}>
      <RunsToolbar
        filters={filters}
        columns={columns}
        config={props.config}
        summary={props.summary}
        grouped={grouped && !groupRuns && !groupTags}
        groupRuns={groupRuns}
        onGroupRuns={(on) => {
          setGroupRuns(on);
          setGroupTags(false);
          go({ group: on ? "runs" : undefined });
        }}
        groupTags={groupTags}
        onGroupTags={(on) => {
          setGroupTags(on);
          setGroupRuns(false);
          go({ group: on ? "tags" : undefined });
        }}
        selectedCount={selected.size}
        compareHref={`/compare?runs=${[...selected].join(",")}`}
        onFilters={(f) => go({ filter: f })}
        tags={tags}
        showArchived={showArchived}
        onTags={(t) => go({ tag: t.length ? t.join(",") : undefined })}
        onShowArchived={(show) => {
          setShowArchived(show);
          go({ archived: show ? "include" : undefined });
        }}
        onColumns={(c) => {
          setColumns(c);
          go({ columns: c.length ? c.join(",") : undefined });
        }}
        onGrouped={(g) => {
          setGrouped(g);
          go({ group: g === props.defaultGrouped ? undefined : g ? "seeds" : "none" });
        }}
        onClearSelection={() => setSelected(new Set())}
      />
      <RunsTable
        key={props.apiQuery}
        initial={props.initial}
        columns={props.columns}
        grouped={props.grouped}
        groupBy={props.groupBy}
        sort={props.sort}
        params={props.params}
        apiQuery={props.apiQuery}
        selected={selected}
        onSelect={(ids, on) =>
          setSelected((s) => {
            const n = new Set(s);
            for (const id of ids) if (on) n.add(id); else n.delete(id);
            return n;
          })
        }
      />
    </div>
  );
}
