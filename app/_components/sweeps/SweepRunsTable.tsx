"use client";
import Link from "next/link";
import { memo, useMemo } from "react";
import type { RunRecord } from "../../../prisma/store/records";
import { colorOf, type RunColors } from "../../_lib/colors";
import { columnNotation, exactValue, formatDuration, holdsOnlyNumbers, type ColumnFormat } from "../../_lib/format";
import { paramValue } from "../../_lib/sweep-parcoords";
import { liveRuntime, sortRuns, type TableSort } from "../../_lib/sweep-table";
import { Badge } from "../ui";
import { ConfirmButton } from "../ui/ConfirmButton";

// The sweep's runs under the chart: the brush's selection, the varied config columns and the
// metric, a Stop button on live runs; running runs' runtimes tick with the page's clock. Hovering a row highlights its line in the charts.
// Each number column reads in one notation over the rows shown (columnNotation), the stored value in full on hover.

export function SweepRunsTable(props: {
  runs: RunRecord[];
  configKeys: string[];
  /** keys that exist only under a choice: empty in the runs of other branches (not their default) */
  absent: ReadonlySet<string>;
  metricKey: string;
  sort: TableSort;
  /** the run list was read at `runsAt`; it is `now` (client ms) */
  runsAt: number;
  now: number;
  stopping: ReadonlySet<string>;
  hoveredRunId: string | null;
  colors: RunColors;
  onSort: (sort: TableSort) => void;
  onHover: (runId: string | null) => void;
  onStop: (run: RunRecord) => void;
}) {
  const rows = useMemo(() => sortRuns(props.runs, props.sort, props.absent), [props.runs, props.sort, props.absent]);
  // kept while the runs are (a hover, the clock's tick): RunRow's memo holds
  const formats = useMemo(() => {
    const config = new Map(props.configKeys.map((k) => [k, columnNotation(props.runs.map((r) => paramValue(r, k, props.absent)), k)]));
    // a config column of numbers is right-aligned, its header over its digits, as the runs table's
    const numeric = new Set(props.configKeys.filter((k) => holdsOnlyNumbers(props.runs.map((r) => paramValue(r, k, props.absent)))));
    return { config, numeric, metric: columnNotation(props.runs.map((r) => r.summary[props.metricKey])) };
  }, [props.runs, props.configKeys, props.absent, props.metricKey]);
  const header = (field: string, label: string, numeric = false) => {
    const active = props.sort.field === field;
    return (
      <th className={numeric ? "num" : undefined} aria-sort={active ? (props.sort.desc ? "descending" : "ascending") : "none"}>
        <button type="button" className="sort sw-sort" data-testid={`sweep-sort-${field}`} onClick={() => props.onSort({ field, desc: active ? !props.sort.desc : false })}>
          {label}
          {active && <span aria-hidden>{props.sort.desc ? "▼" : "▲"}</span>}
        </button>
      </th>
    );
  };
  return (
    <div className="table-wrap sw-table-wrap">
      <table className="data sw-runs-table" data-testid="sweep-runs-table">
        <thead>
          <tr>
            {header("name", "Name")}
            {header("state", "State")}
            {props.configKeys.map((k) => (
              <th key={k} className={formats.numeric.has(k) ? "sw-config-col num" : "sw-config-col"} aria-sort={props.sort.field === `config.${k}` ? (props.sort.desc ? "descending" : "ascending") : "none"}>
                <button type="button" className="sort sw-sort" onClick={() => props.onSort({ field: `config.${k}`, desc: props.sort.field === `config.${k}` ? !props.sort.desc : false })}>
                  {k}
                  {props.sort.field === `config.${k}` && <span aria-hidden>{props.sort.desc ? "▼" : "▲"}</span>}
                </button>
              </th>
            ))}
            {props.metricKey && header(`summary.${props.metricKey}`, props.metricKey, true)}
            {header("step", "Step", true)}
            {header("runtime", "Runtime", true)}
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => (
            <RunRow
              key={run.id}
              run={run}
              color={colorOf(props.colors, run.id)}
              configKeys={props.configKeys}
              absent={props.absent}
              metricKey={props.metricKey}
              formats={formats}
              step={run.lastStep}
              runtime={liveRuntime(run, props.runsAt, props.now)}
              stopping={props.stopping.has(run.id)}
              hovered={props.hoveredRunId === run.id}
              onHover={props.onHover}
              onStop={props.onStop}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One row; memoised so a hover or a live step re-renders two rows, not a thousand. */
const RunRow = memo(function RunRow(props: {
  run: RunRecord;
  color: string;
  configKeys: string[];
  absent: ReadonlySet<string>;
  metricKey: string;
  formats: { config: ReadonlyMap<string, ColumnFormat>; metric: ColumnFormat };
  step: number;
  /** seconds, counting on while the run trains */
  runtime: number | null;
  stopping: boolean;
  hovered: boolean;
  onHover: (runId: string | null) => void;
  onStop: (run: RunRecord) => void;
}) {
  const { run } = props;
  const live = run.state === "running" || run.state === "queued";
  const stopping = props.stopping || (run.state === "running" && run.stopRequested);
  const metric = run.summary[props.metricKey];
  return (
    <tr
      data-testid="sweep-run-row"
      data-run-id={run.id}
      data-state={run.state}
      className={props.hovered ? "sw-row-hover" : undefined}
      onMouseEnter={() => props.onHover(run.id)}
      onMouseLeave={() => props.onHover(null)}
    >
      <td className="sw-name-cell">
        <span className="swatch" style={{ background: props.color }} data-color={props.color} />
        <Link href={`/runs/${run.id}`}>{run.name}</Link> <span className="faint mono">{run.id}</span>
        {run.rerunOf && (
          <Link href={`/runs/${run.rerunOf}`} className="sw-rerun-tag" data-testid="rerun-tag" title={`A re-run of ${run.rerunOf} (same config and seed), outside the sweep's budget`}>
            re-run
          </Link>
        )}
        {run.archivedAt && (
          <span className="badge sw-archived" data-testid="row-archived" title="Archived: hidden from the runs table unless it shows archived runs; still one of this sweep's runs">
            archived
          </span>
        )}
      </td>
      <td>{stopping && live ? <Badge state="stopped" label="stopping…" /> : <Badge state={run.state} />}</td>
      {props.configKeys.map((k) => {
        const v = paramValue(run, k, props.absent);
        return (
          <td key={k} className={typeof v === "number" ? "num" : undefined} data-column={`config.${k}`} title={v === undefined ? `${k} does not apply to this run's choices` : exactValue(v)}>
            {v === undefined ? "" : props.formats.config.get(k)!(v)}
          </td>
        );
      })}
      {props.metricKey && (
        <td className="num" data-column={`summary.${props.metricKey}`} data-value={String(metric ?? "")} title={exactValue(metric)}>
          {props.formats.metric(metric)}
        </td>
      )}
      <td className="num">
        {props.step}
        {typeof run.config.steps === "number" && <span className="faint">/{run.config.steps}</span>}
      </td>
      <td className="num" data-column="runtime">{formatDuration(props.runtime)}</td>
      <td className="sw-actions-cell">
        {live && (
          <ConfirmButton small testId="stop-run" confirmTestId="confirm-stop" groupLabel={`Confirm stop ${run.name}`} ariaLabel={`Stop ${run.name}`} disabled={stopping} question="Stop?" confirmLabel="Stop run" onConfirm={() => props.onStop(run)}>
            Stop…
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
});
