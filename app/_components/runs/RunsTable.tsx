import Link from "next/link";
import type { RunRecord } from "../../../prisma/store/records";
import { runColor } from "../../_lib/colors";
import { presentSummaryKeys, varyingConfigKeys } from "../../_lib/columns";
import { formatDuration, formatNumber, formatTime } from "../../_lib/format";
import { withParams, type RawSearchParams } from "../../_lib/url";
import { Badge } from "../ui";

// The server-rendered runs table: fixed columns, then config columns that vary, then the
// headline metrics; headers are links that sort (click again to reverse).

function SortHeader(props: { field: string; label: string; sort: { field: string; desc: boolean }; params: RawSearchParams; numeric?: boolean }) {
  const active = props.sort.field === props.field;
  const next = active && !props.sort.desc ? `-${props.field}` : props.field;
  return (
    <th className={props.numeric ? "num" : undefined} aria-sort={active ? (props.sort.desc ? "descending" : "ascending") : "none"}>
      <Link className="sort" href={withParams(props.params, { sort: next, offset: undefined })} data-testid={`sort-${props.field}`}>
        {props.label}
        <span aria-hidden>{active ? (props.sort.desc ? "▼" : "▲") : ""}</span>
      </Link>
    </th>
  );
}

export function RunsTable(props: { runs: RunRecord[]; sort: { field: string; desc: boolean }; params: RawSearchParams }) {
  const { runs, sort, params } = props;
  const configKeys = varyingConfigKeys(runs);
  const summaryKeys = presentSummaryKeys(runs);
  return (
    <div className="card table-wrap" style={{ maxHeight: "calc(100vh - 160px)" }}>
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            <th colSpan={5} className="group">Run</th>
            {configKeys.length > 0 && <th colSpan={configKeys.length} className="group">Config</th>}
            {summaryKeys.length > 0 && <th colSpan={summaryKeys.length} className="group">Summary</th>}
          </tr>
          <tr>
            <SortHeader field="name" label="Name" sort={sort} params={params} />
            <SortHeader field="state" label="State" sort={sort} params={params} />
            <th>Sweep</th>
            <SortHeader field="created" label="Created" sort={sort} params={params} />
            <SortHeader field="runtime" label="Runtime" sort={sort} params={params} numeric />
            {configKeys.map((k) => (
              <SortHeader key={k} field={`config.${k}`} label={k} sort={sort} params={params} />
            ))}
            {summaryKeys.map((k) => (
              <SortHeader key={k} field={`summary.${k}`} label={k} sort={sort} params={params} numeric />
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
              <td>
                <span className="swatch" style={{ background: runColor(run.id) }} />
                <Link href={`/runs/${run.id}`}>{run.name}</Link> <span className="faint mono">{run.id}</span>
              </td>
              <td>
                <Badge state={run.state} />
              </td>
              <td>{run.sweepId ? <Link href={`/sweeps/${run.sweepId}`}>{run.sweepId}</Link> : <span className="faint">–</span>}</td>
              <td>{formatTime(run.createdAt)}</td>
              <td className="num">{formatDuration(run.runtime)}</td>
              {configKeys.map((k) => (
                <td key={k}>{formatNumber(run.config[k])}</td>
              ))}
              {summaryKeys.map((k) => (
                <td key={k} className="num" data-column={`summary.${k}`} data-value={String(run.summary[k] ?? "")}>
                  {formatNumber(run.summary[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
