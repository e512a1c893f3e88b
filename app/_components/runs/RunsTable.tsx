"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import type { TablePage, TableRow } from "../../../prisma/store/runs-table";
import { runColors } from "../../_lib/colors";
import { columnGroup, columnHelp, columnLabel, headerGroups } from "../../_lib/curve-columns";
import { withParams, type RawSearchParams } from "../../_lib/url";
import { Cell, cellValue, columnFormats, groupLabel, shownValue } from "./cells";
import styles from "./runs.module.css";
import { fetchTablePage, PAGE, useLiveRows } from "./useLiveRows";

// The runs table: virtualized rows (10,000 runs scroll smoothly), pages of 200 rows fetched
// from GET /api/compare/table as they scroll into view, grouped Config/Summary headers, the
// name column pinned, sortable headers (links: the sort lives in the URL), and seed
// replicates as configuration rows that expand to their seeds. A selected run's swatch shows
// the colour it will have in the compare view (the selection's order); others are hollow.
// While a run on screen trains, its rows follow it, and runs created elsewhere come in (useLiveRows).

const ROW_HEIGHT = 34;
const GROUP_LABEL = { run: "Run", config: "Config", summary: "Summary" } as const;

function width(field: string): number {
  if (field === "state") return 118;
  if (field === "created" || field === "started" || field === "finished") return 118;
  if (field === "sweep" || field === "runtime") return 92;
  return columnGroup(field) === "summary" ? 132 : 104;
}

type Item = { row: TableRow; member: boolean; parent?: TableRow } | null;

/** A grouped row's key: its first run's id, or its tag (a run heads as many tag rows as it has tags). */
const rowKey = (row: TableRow): string => (row.group?.tag !== undefined ? `tag:${row.group.tag}` : row.id);

export function RunsTable(props: {
  initial: TablePage;
  columns: string[];
  grouped: boolean;
  groupBy?: "seeds" | "runs" | "tags" | null;
  sort: { field: string; desc: boolean };
  params: RawSearchParams;
  apiQuery: string;
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], on: boolean) => void;
}) {
  const { columns, grouped, sort, params, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState(() => new Map<number, TableRow[]>([[0, props.initial.rows]]));
  const [total, setTotal] = useState(props.initial.total);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const loading = useRef(new Set<number>());
  const colors = useMemo(() => runColors(selected), [selected]);

  // Grouped: every configuration row is loaded; expanded ones are followed by their seeds.
  const items = useMemo<Item[] | null>(() => {
    if (!grouped) return null;
    const out: Item[] = [];
    for (const row of pages.get(0) ?? []) {
      out.push({ row, member: false });
      if (expanded.has(rowKey(row))) for (const m of row.group?.members ?? []) out.push({ row: m, member: true, parent: row });
    }
    return out;
  }, [grouped, pages, expanded]);
  const count = items ? items.length : total;
  const itemAt = (i: number): Item => {
    if (items) return items[i] ?? null;
    const row = pages.get(Math.floor(i / PAGE))?.[i % PAGE];
    return row ? { row, member: false } : null;
  };

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1200, height: 760 },
  });
  const virtualRows = virtualizer.getVirtualItems();
  const first = virtualRows[0]?.index ?? 0;
  const last = virtualRows[virtualRows.length - 1]?.index ?? 0;

  // Fetch the pages that the visible rows fall in (ungrouped).
  useEffect(() => {
    if (grouped) return;
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (pages.has(p) || loading.current.has(p)) continue;
      loading.current.add(p);
      fetchTablePage(props.apiQuery, p)
        .then((page) => setPages((prev) => new Map(prev).set(p, page.rows)))
        .catch(() => {})
        .finally(() => loading.current.delete(p));
    }
  }, [first, last, grouped, pages, props.apiQuery]);

  const visible = virtualRows.map((v) => itemAt(v.index)).flatMap((item) => (item ? [item.parent ?? item.row] : []));
  const visiblePages = grouped ? [0] : Array.from({ length: Math.floor(last / PAGE) - Math.floor(first / PAGE) + 1 }, (_, i) => Math.floor(first / PAGE) + i);
  useLiveRows({ visible, visiblePages, columns, grouped, groupBy: props.groupBy, sort, apiQuery: props.apiQuery, pages, setPages, setTotal, initialStamp: props.initial });

  // one notation per column over the rows held (every loaded page; a configuration row's seeds)
  const formats = useMemo(() => columnFormats([...pages.values()].flat(), columns), [pages, columns]);
  const groups = headerGroups(columns);
  const before = virtualRows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (virtualRows[virtualRows.length - 1]?.end ?? 0);
  const loadedIds = (items ?? [...pages.values()].flat().map((row) => ({ row, member: false }))).filter((x): x is NonNullable<Item> => !!x && !x.member).flatMap((x) => x.row.group?.members.map((m) => m.id) ?? [x.row.id]);
  const allSelected = loadedIds.length > 0 && loadedIds.every((id) => selected.has(id));

  const sortHref = (field: string) => withParams(params, { sort: sort.field === field && !sort.desc ? `-${field}` : field, offset: undefined });

  return (
    <div ref={scrollRef} className={`card ${styles.scroll}`} data-testid="runs-table-scroll">
      <table className={`data ${styles.table}`} data-testid="runs-table" style={{ width: 34 + 260 + columns.reduce((a, c) => a + width(c), 0) }}>
        <colgroup>
          <col style={{ width: 34 }} />
          <col style={{ width: 260 }} />
          {columns.map((c) => (
            <col key={c} style={{ width: width(c) }} />
          ))}
        </colgroup>
        <thead>
          <tr className={styles.groupRow}>
            <th className={`${styles.pin0} group`} />
            <th className={`${styles.pin1} group`} />
            {groups.map((g, i) => (
              <th key={i} colSpan={g.span} className={`group ${styles[`group_${g.group}`]}`}>
                {GROUP_LABEL[g.group]}
              </th>
            ))}
          </tr>
          <tr className={styles.headRow}>
            <th className={styles.pin0}>
              <input type="checkbox" aria-label="Select all loaded runs" checked={allSelected} onChange={(e) => props.onSelect(loadedIds, e.target.checked)} data-testid="select-all" />
            </th>
            <th className={styles.pin1} aria-sort={sort.field === "name" ? (sort.desc ? "descending" : "ascending") : "none"}>
              <Link className="sort" href={sortHref("name")} data-testid="sort-name">
                Name<span aria-hidden>{sort.field === "name" ? (sort.desc ? "▼" : "▲") : ""}</span>
              </Link>
            </th>
            {columns.map((c) => {
              const active = sort.field === c;
              return (
                <th key={c} className={`${formats.get(c)!.numeric ? "num" : ""} ${styles[`col_${columnGroup(c)}`]}`} aria-sort={active ? (sort.desc ? "descending" : "ascending") : "none"} title={columnHelp(c) ?? c}>
                  <Link className="sort" href={sortHref(c)} data-testid={`sort-${c}`}>
                    <span className={styles.headLabel}>{columnLabel(c)}</span>
                    {active && <span aria-hidden>{sort.desc ? "▼" : "▲"}</span>}
                  </Link>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden>
              <td colSpan={columns.length + 2} style={{ height: before, padding: 0, border: 0 }} />
            </tr>
          )}
          {virtualRows.map((v) => {
            const item = itemAt(v.index);
            if (!item)
              return (
                <tr key={v.key} style={{ height: ROW_HEIGHT }} data-testid="row-loading">
                  <td colSpan={columns.length + 2}>
                    <div className="skeleton" style={{ height: 12, width: "60%" }} />
                  </td>
                </tr>
              );
            const { row, member } = item;
            const ids = row.group && !member ? row.group.members.map((m) => m.id) : [row.id];
            const isSelected = ids.every((id) => selected.has(id));
            const isGroup = !!row.group && !member;
            const key = rowKey(row);
            const what: "seed" | "run" = props.groupBy === "runs" || props.groupBy === "tags" ? "run" : "seed";
            const label = isGroup && props.groupBy === "runs" && row.runGroup ? row.runGroup : row.name;
            return (
              <Fragment key={v.key}>
                <tr
                  style={{ height: ROW_HEIGHT }}
                  className={`${member ? styles.member : ""} ${isSelected ? styles.selected : ""}`}
                  data-testid={isGroup ? "config-row" : "run-row"}
                  data-run-id={row.id}
                  data-count={row.group?.count}
                  data-tag={isGroup ? row.group!.tag : undefined}
                >
                  <td className={styles.pin0}>
                    <input type="checkbox" aria-label={`Select ${row.name}`} checked={isSelected} onChange={(e) => props.onSelect(ids, e.target.checked)} data-testid="select-run" />
                  </td>
                  <td className={`${styles.pin1} ${styles.nameCell}`}>
                    {isGroup ? (
                      <button
                        type="button"
                        className={styles.expand}
                        aria-expanded={expanded.has(key)}
                        onClick={() => setExpanded((s) => { const n = new Set(s); if (n.has(key)) n.delete(key); else n.add(key); return n; })}
                        data-testid="expand-group"
                        title={`${expanded.has(key) ? "Hide" : "Show"} the ${groupLabel(row.group!, what)}`}
                      >
                        {expanded.has(key) ? "▾" : "▸"}
                      </button>
                    ) : member ? (
                      <span className={styles.indent} />
                    ) : null}
                    <Swatch color={colors.get(ids[0])} />
                    {isGroup && row.group!.tag !== undefined ? (
                      // a tag row: its tag, linking to the table filtered by it
                      row.group!.tag ? (
                        <Link href={withParams(params, { tag: row.group!.tag, group: undefined, offset: undefined })} className={styles.name} data-testid="tag-row-name">
                          {row.group!.label}
                        </Link>
                      ) : (
                        <span className={styles.name} data-testid="tag-row-name">
                          {row.group!.label}
                        </span>
                      )
                    ) : (
                      <Link href={`/runs/${row.id}`} className={styles.name} title={!isGroup && row.tags.length ? `${label}\ntags: ${row.tags.join(", ")}` : label}>
                        {label}
                      </Link>
                    )}
                    {isGroup ? <span className={styles.seeds}>{groupLabel(row.group!, what)}</span> : <span className={`faint mono ${styles.id}`}>{row.id}</span>}
                    {!(isGroup && row.group!.tag !== undefined) && <RowTags tags={row.tags} archived={row.archived} />}
                  </td>
                  {columns.map((c) => {
                    const value = member ? cellValue(row, c) : shownValue(row, c);
                    return (
                      <td key={c} className={formats.get(c)!.numeric || typeof value === "number" ? "num" : undefined} data-column={c} data-value={value === null || value === undefined ? "" : String(value)}>
                        <Cell row={member ? { ...row, group: undefined } : row} field={c} format={formats.get(c)!.format} />
                      </td>
                    );
                  })}
                </tr>
              </Fragment>
            );
          })}
          {after > 0 && (
            <tr aria-hidden>
              <td colSpan={columns.length + 2} style={{ height: after, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A row's tags (each a link to the table filtered by it) and its archived mark. */
function RowTags(props: { tags: string[]; archived: boolean }) {
  if (props.tags.length === 0 && !props.archived) return null;
  return (
    <span className={styles.tags} data-testid="row-tags" title={props.tags.join(", ")}>
      {props.archived && <span className="badge" data-testid="row-archived">archived</span>}
      {props.tags.map((t) => (
        <Link key={t} className="tag" href={`/?tag=${encodeURIComponent(t)}`} data-testid="row-tag">
          {t}
        </Link>
      ))}
    </span>
  );
}

function Swatch(props: { color: string | undefined }) {
  return props.color ? <span className="swatch" style={{ background: props.color }} data-color={props.color} /> : <span className="swatch swatch-none" title="Select the run to give it a colour" />;
}
