"use client";
import { useState } from "react";
import { columnGroup, columnLabel, CURVE_COLUMNS, FIXED_COLUMNS, moveColumn } from "../../_lib/curve-columns";
import styles from "./runs.module.css";

// Choose and order the runs table's columns: the shown ones (reorder within their group,
// remove), and every available config, summary and curve-derived column to add.

export function ColumnChooser(props: { columns: string[]; config: string[]; summary: string[]; onChange: (columns: string[]) => void; onClose: () => void }) {
  const [search, setSearch] = useState("");
  const { columns } = props;
  const match = (f: string) => !search || f.toLowerCase().includes(search.toLowerCase()) || columnLabel(f).toLowerCase().includes(search.toLowerCase());
  const available = [
    { title: "Run", fields: FIXED_COLUMNS.map((c) => c.field as string) },
    { title: "Curve-derived", fields: CURVE_COLUMNS.map((c) => c.field as string) },
    { title: "Summary", fields: props.summary.map((k) => `summary.${k}`).filter((f) => !CURVE_COLUMNS.some((c) => c.field === f)) },
    { title: "Config", fields: props.config.map((k) => `config.${k}`) },
  ];
  const toggle = (f: string, on: boolean) => props.onChange(on ? [...columns, f] : columns.filter((c) => c !== f));
  return (
    <div className={styles.popover} data-testid="column-chooser" role="dialog" aria-label="Columns">
      <div>
        <h3>Shown, in order</h3>
        <ul className={styles.popList}>
          {columns.map((c) => (
            <li key={c} data-testid="shown-column" data-field={c}>
              <span style={{ flex: 1 }}>
                {columnLabel(c)} <span className="faint">{columnGroup(c)}</span>
              </span>
              <button type="button" className={styles.mini} onClick={() => props.onChange(moveColumn(columns, c, -1))} aria-label={`Move ${c} left`}>
                ↑
              </button>
              <button type="button" className={styles.mini} onClick={() => props.onChange(moveColumn(columns, c, 1))} aria-label={`Move ${c} right`}>
                ↓
              </button>
              <button type="button" className={styles.mini} onClick={() => toggle(c, false)} aria-label={`Hide ${c}`}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="row">
          <button type="button" className="btn btn-sm" onClick={() => props.onChange([])} data-testid="reset-columns">
            Reset to defaults
          </button>
          <button type="button" className="btn btn-sm btn-primary" onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
      <div>
        <input className="input" placeholder="Search columns…" value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: "100%", marginBottom: 8 }} />
        {available.map((g) => {
          const fields = g.fields.filter(match);
          if (fields.length === 0) return null;
          return (
            <div key={g.title}>
              <h3>{g.title}</h3>
              <ul className={styles.popList}>
                {fields.map((f) => (
                  <li key={f}>
                    <label>
                      <input type="checkbox" checked={columns.includes(f)} onChange={(e) => toggle(f, e.target.checked)} data-testid={`column-${f}`} />
                      {columnLabel(f)}
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </div>
  );
}
