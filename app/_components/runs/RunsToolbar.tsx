"use client";
import { useState } from "react";
import { filterColumn } from "../../../sweeps/names";
import { columnLabel, CURVE_COLUMNS, filterFields } from "../../_lib/curve-columns";
import { ColumnChooser } from "./ColumnChooser";
import styles from "./runs.module.css";

// Above the runs table: filter chips and a filter builder, tag filter, show-archived and
// group-seeds toggles, columns,
// and the selection's Compare button. Every change becomes a new URL (onNavigate).

const OPS = ["=", "!=", "<", "<=", ">", ">=", "~"];

export function RunsToolbar(props: {
  filters: string[];
  columns: string[];
  config: string[];
  summary: string[];
  grouped: boolean;
  /** Rows folded by run group (W&B's group). */
  groupRuns: boolean;
  onGroupRuns: (on: boolean) => void;
  /** Rows folded by tag (a run with several tags under each). */
  groupTags: boolean;
  onGroupTags: (on: boolean) => void;
  /** Tags the view is filtered by, and whether archived runs show. */
  tags: string[];
  showArchived: boolean;
  onTags: (tags: string[]) => void;
  onShowArchived: (show: boolean) => void;
  selectedCount: number;
  compareHref: string;
  onFilters: (filters: string[]) => void;
  onColumns: (columns: string[]) => void;
  onGrouped: (grouped: boolean) => void;
  onClearSelection: () => void;
}) {
  const { fields, start } = filterFields(props);
  // (the view's keys change with its project or sweep: a column it no longer has starts over)
  const [picked, setField] = useState<string | null>(null);
  const field = picked !== null && fields.includes(picked) ? picked : start;
  const [op, setOp] = useState("<");
  const [value, setValue] = useState("");
  const [chooser, setChooser] = useState(false);
  const [tag, setTag] = useState("");
  return (
    <div className={styles.toolbar}>
      <Chips items={props.filters} testId="filter-chip" label={(f) => f} removeLabel="Remove filter" onChange={props.onFilters} />
      <form
        className={styles.filterForm}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() === "") return;
          // a key with spaces quoted: summary."val loss"<2
          props.onFilters([...props.filters, `${filterColumn(field)}${op}${value.trim()}`]);
          setValue("");
        }}
      >
        <select className="input" value={field} onChange={(e) => setField(e.target.value)} aria-label="Filter column" data-testid="filter-field">
          {fields.map((f) => (
            <option key={f} value={f}>
              {f.startsWith("derived.") || CURVE_COLUMNS.some((c) => c.field === f) ? columnLabel(f) : f}
            </option>
          ))}
        </select>
        <select className="input" value={op} onChange={(e) => setOp(e.target.value)} aria-label="Operator" data-testid="filter-op">
          {OPS.map((o) => (
            <option key={o} value={o}>
              {o === "~" ? "contains" : o}
            </option>
          ))}
        </select>
        <input className="input" value={value} onChange={(e) => setValue(e.target.value)} placeholder="value" aria-label="Filter value" style={{ width: 100 }} data-testid="filter-value" />
        <button type="submit" className="btn btn-sm" data-testid="add-filter">
          + Filter
        </button>
      </form>
      <Chips items={props.tags} testId="tag-chip" label={(t) => `tag: ${t}`} removeLabel="Remove tag filter" onChange={props.onTags} />
      <form
        className={styles.filterForm}
        onSubmit={(e) => {
          e.preventDefault();
          const t = tag.trim();
          if (t === "" || props.tags.includes(t)) return;
          props.onTags([...props.tags, t]);
          setTag("");
        }}
      >
        <input className="input" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="tag" aria-label="Filter by tag" style={{ width: 90 }} data-testid="tag-filter" />
      </form>
      <label className="row" style={{ gap: 5, fontSize: 13, cursor: "pointer" }} title="Archived runs (and the runs of archived sweeps) are hidden unless this is ticked">
        <input type="checkbox" checked={props.showArchived} onChange={(e) => props.onShowArchived(e.target.checked)} data-testid="show-archived" />
        Show archived
      </label>
      <label className="row" style={{ gap: 5, fontSize: 13, cursor: "pointer" }} title="One row per configuration (runs that differ only in seed), with mean ± 95% interval">
        <input type="checkbox" checked={props.grouped} onChange={(e) => props.onGrouped(e.target.checked)} data-testid="group-seeds" />
        Group seeds
      </label>
      <label className="row" style={{ gap: 5, fontSize: 13, cursor: "pointer" }} title="One row per run group (set on a run's page), with mean ± 95% interval; runs without a group stay alone">
        <input type="checkbox" checked={props.groupRuns} onChange={(e) => props.onGroupRuns(e.target.checked)} data-testid="group-runs" />
        Group runs
      </label>
      <label className="row" style={{ gap: 5, fontSize: 13, cursor: "pointer" }} title="One row per tag, with mean ± 95% interval over the runs that carry it; a run with several tags is under each, untagged runs share a row">
        <input type="checkbox" checked={props.groupTags} onChange={(e) => props.onGroupTags(e.target.checked)} data-testid="group-tags" />
        Group by tag
      </label>
      <span className={styles.anchor}>
        <button type="button" className="btn btn-sm" onClick={() => setChooser((c) => !c)} aria-expanded={chooser} data-testid="choose-columns">
          Columns ({props.columns.length})
        </button>
        {chooser && <ColumnChooser columns={props.columns} config={props.config} summary={props.summary} onChange={props.onColumns} onClose={() => setChooser(false)} />}
      </span>
      <span className={styles.spacer} />
      {props.selectedCount > 0 && (
        <>
          <span className={styles.selection} data-testid="selection-count">
            {props.selectedCount} selected
          </span>
          <button type="button" className="btn btn-sm btn-ghost" onClick={props.onClearSelection}>
            Clear
          </button>
        </>
      )}
      <a
        className={`btn btn-primary ${props.selectedCount === 0 ? styles.disabled : ""}`}
        href={props.selectedCount > 0 ? props.compareHref : undefined}
        aria-disabled={props.selectedCount === 0}
        data-testid="compare-selected"
        title={props.selectedCount === 0 ? "Tick runs to compare their curves" : undefined}
      >
        Compare{props.selectedCount > 0 ? ` ${props.selectedCount}` : ""}
      </a>
    </div>
  );
}

/** The view's filters (or tags) as chips, each with its × to remove it. */
function Chips(props: { items: string[]; testId: string; label: (item: string) => string; removeLabel: string; onChange: (items: string[]) => void }) {
  return props.items.map((item) => (
    <span key={item} className={styles.chip} data-testid={props.testId}>
      {props.label(item)}
      <button type="button" aria-label={`${props.removeLabel} ${item}`} onClick={() => props.onChange(props.items.filter((x) => x !== item))}>
        ×
      </button>
    </span>
  ));
}
