import Link from "next/link";
import type { TableRow } from "../../../prisma/store/runs-table";
import { formatDuration, formatKeyValue, formatNumber, formatTime } from "../../_lib/format";
import { Badge } from "../ui";

// How one cell of the runs table reads: numbers to significant digits, durations as "3m 12s",
// state as a badge, and on a configuration row (seeds grouped) mean ± 95% interval.

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

export function Cell(props: { row: TableRow; field: string }) {
  const { row, field } = props;
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
    case "sweep":
      return row.sweepId ? (
        <Link href={`/?sweep=${row.sweepId}`} title={`${row.sweepName ? `${row.sweepName} (sweep ${row.sweepId})` : `sweep ${row.sweepId}`}: show its runs`}>
          {row.sweepName ?? row.sweepId}
        </Link>
      ) : (
        <span className="faint">–</span>
      );
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
      <span title={`mean of ${stat.n} seed${stat.n === 1 ? "" : "s"}${stat.ci95 !== null ? `, 95% interval ±${formatNumber(stat.ci95, 3)}` : ""}`}>
        {formatNumber(stat.mean)}
        {stat.ci95 !== null && stat.ci95 > 0 && <span className="faint"> ±{formatNumber(stat.ci95, 2)}</span>}
      </span>
    );
  }
  if (v === null || v === undefined) return <span className="faint">–</span>;
  // a config or summary value under its key (seed 1574409985, never 1,574,409,985); the Step column counts
  return <>{field.includes(".") ? formatKeyValue(field, v) : formatNumber(v)}</>;
}
