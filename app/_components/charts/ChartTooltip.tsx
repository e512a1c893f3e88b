"use client";
import styles from "./charts.module.css";
import { formatNumber } from "../../_lib/format";

// The hover tooltip: the x value and every visible curve's value there, sorted by value
// (highest first, as the curves stack on screen); the curve nearest the mouse in bold.

export interface TooltipRow {
  key: string;
  name: string;
  color: string;
  value: number;
  raw?: number | null;
  n?: number;
}

const MAX_ROWS = 14;

export function ChartTooltip(props: { title: string; rows: TooltipRow[]; nearest: string | null; left: number; top: number; flip: boolean }) {
  const rows = [...props.rows].sort((a, b) => b.value - a.value);
  const shown = rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows;
  return (
    <div
      className={styles.tooltip}
      data-testid="chart-tooltip"
      style={{ left: props.left, top: props.top, transform: props.flip ? "translateX(calc(-100% - 16px))" : "translateX(16px)" }}
    >
      <div className={styles.tooltipTitle}>{props.title}</div>
      <table>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key} data-testid="tooltip-row" data-key={r.key} data-value={r.value} className={r.key === props.nearest ? styles.nearest : undefined}>
              <td>
                <span className="swatch" style={{ background: r.color }} />
                {r.name}
              </td>
              <td className="num">
                {formatNumber(r.value, 4)}
                {r.raw !== undefined && r.raw !== null && r.raw !== r.value && <span className="faint"> ({formatNumber(r.raw, 4)})</span>}
                {r.n !== undefined && <span className="faint"> n={r.n}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && <div className="faint">+{rows.length - shown.length} more</div>}
    </div>
  );
}
