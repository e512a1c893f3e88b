import Link from "next/link";
import type { TableRow } from "../../../prisma/store/runs-table";
import { columnNotation, countOf, exactValue, type ColumnFormat, formatDuration, formatExponent, formatNumber, formatTime, holdsOnlyNumbers } from "../../_lib/format";
import { isNumericColumn } from "../../_lib/curve-columns";
import { Badge } from "../ui";

// How one cell of the runs table reads: numbers to significant digits, one notation per column
// (columnFormats), the stored value in full on hover; durations as "3m 12s", state as a badge,
// and on a configuration row (seeds grouped) mean ± 95% interval.

export function cellValue(row: TableRow, field: string): unknown {
  switch (field) {
    case "state": return row.state;
    case "sweep": return row.sweepId;
    case "created": return row.createdAt;
    case "started": return row.startedAt;
    case "finished": return row.finishedAt;
    case "rerun_of": return row.rerunOf;
    case "runtime": return row.runtime;
    case "step": return row.lastStep;
    case "name": return row.name;
    default: return row.values[field];
  }
}

/** The value a cell shows: on a configuration row, its seeds' mean where the column has one. */
export function shownValue(row: TableRow, field: string): unknown {
  const stat = row.group?.stats[field];
  return stat ? stat.mean : cellValue(row, field);
}

/**
 * How each column's numbers read over the rows the table holds (a configuration row's mean and
 * its seeds included, shown or not, so expanding a row changes no notation): columnNotation.
 */
export function columnFormats(rows: readonly TableRow[], columns: readonly string[]): Map<string, { format: ColumnFormat; numeric: boolean }> {
  const values = new Map<string, unknown[]>(columns.map((c) => [c, []]));
  const add = (row: TableRow) => {
    for (const c of columns) values.get(c)!.push(shownValue(row, c));
    row.group?.members.forEach(add);
  };
  rows.forEach(add);
  return new Map(
    columns.map((c) => [
      c,
      {
        // a config or summary value under its key (seed 1574409985, never 1,574,409,985); the Step column counts
        format: columnNotation(values.get(c)!, c.includes(".") ? c : undefined),
        // right-aligned as a summary column is: a config column of numbers too (learning_rate, hidden_size)
        numeric: isNumericColumn(c) || holdsOnlyNumbers(values.get(c)!),
      },
    ]),
  );
}

/**
 * "3 seeds"; a configuration whose runs include a re-run (the same seed again) says how many
 * seeds its runs are: "2 runs · 1 seed", not "2 seeds" (nor "3 runs" of a tag or a run group).
 */
export function groupLabel(group: { count: number; members: readonly { id: string; rerunOf: string | null }[] }, what: "seed" | "run"): string {
  if (what === "run") return countOf(group.count, "run");
  const ids = new Set(group.members.map((m) => m.id));
  const seeds = group.members.filter((m) => m.rerunOf === null || !ids.has(m.rerunOf)).length;
  return seeds < group.count ? `${countOf(group.count, "run")} · ${countOf(seeds, "seed")}` : countOf(group.count, "seed");
}

/** A mean's 95% interval beside it, to 2 digits, in the mean's notation: 8.5e-4 ±8e-3, never 8.5e-4 ±0.008. */
export function intervalText(ci95: number, meanText: string): string {
  return /\de/.test(meanText) ? formatExponent(ci95, 2) : formatNumber(ci95, 2);
}

export function Cell(props: { row: TableRow; field: string; format: ColumnFormat }) {
  const { row, field, format } = props;
  const v = cellValue(row, field);
  switch (field) {
    case "state": {
      const states = row.group ? Object.entries(row.group.states) : null;
      if (states && states.length > 1)
        return (
          <span className="row" style={{ gap: 3, flexWrap: "nowrap" }}>
            {states.map(([s, n]) => (
              <Badge key={s} state={s} label={`${n}`} />
            ))}
          </span>
        );
      return <Badge state={row.state} label={row.group ? `${row.state} ×${row.group.count}` : undefined} />;
    }
    case "sweep": {
      // a tag's or a run group's row over several sweeps belongs to none of them
      const sweeps = new Set(row.group?.members.map((m) => m.sweepId) ?? []).size;
      return row.sweepId ? (
        <Link href={`/?sweep=${row.sweepId}`} title={`${row.sweepName ? `${row.sweepName} (sweep ${row.sweepId})` : `sweep ${row.sweepId}`}: show its runs`}>
          {row.sweepName ?? row.sweepId}
        </Link>
      ) : sweeps > 1 ? (
        <span className="faint" title="its runs come from several sweeps">{sweeps} sweeps</span>
      ) : (
        <span className="faint">–</span>
      );
    }
    case "created":
    case "started":
    case "finished":
      return typeof v === "string" ? <span title={v}>{formatTime(v)}</span> : <span className="faint">–</span>;
    case "rerun_of":
      return typeof v === "string" ? <Link href={`/runs/${v}`}>{v}</Link> : <span className="faint">–</span>;
    case "runtime":
      return <>{formatDuration(row.runtime)}</>;
  }
  const stat = row.group?.stats[field];
  if (stat && stat.mean !== null) {
    return (
      <span title={`${stat.mean}: mean of ${stat.n} seed${stat.n === 1 ? "" : "s"}${stat.ci95 !== null ? `, 95% interval ±${formatNumber(stat.ci95, 3)}` : ""}`}>
        {format(stat.mean)}
        {stat.ci95 !== null && stat.ci95 > 0 && <span className="faint"> ±{intervalText(stat.ci95, format(stat.mean))}</span>}
      </span>
    );
  }
  if (v === null || v === undefined) return <span className="faint">–</span>;
  const exact = exactValue(v);
  return exact === undefined ? <>{format(v)}</> : <span title={exact}>{format(v)}</span>;
}
