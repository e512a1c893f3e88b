"use client";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { RunRecord, SweepRecord } from "../../../prisma/store/records";
import { byCreation, runColors } from "../../_lib/colors";
import { useSearchParams } from "next/navigation";
import { absentKeys, brushedRunIds, isBrushed, type Brush } from "../../_lib/sweep-parcoords";
import { DEFAULT_SCATTER, scatterFields, type ScatterSettings } from "../../_lib/scatter";
import { liveCount, type SweepProgressBody } from "../../_lib/sweep-progress";
import { metricNote } from "../../_lib/sweep-notes";
import type { TableSort } from "../../_lib/sweep-table";
import { isProgramSweep, PROGRAM_SWEEP_HOLDER, programSpecOf, type EarlyTerminate, type ProgramSpec, type SweepIssue } from "../../../sweeps/config";
import { effectiveSort, loggedMetrics, parseSweepView, sweepModel, sweepRunsQuery, sweepViewSearch, type SweepViewState } from "../../_lib/sweep-view";
import { Badge, Card, EmptyState, ErrorBox, PageHeader } from "../ui";
import { SweepConfigPanel } from "./SweepConfigPanel";
import type { SweepDoc } from "../../_lib/sweep-form";
import { Housekeeping, type Meta } from "../housekeeping/Housekeeping";
import { CurvesPanel } from "./CurvesPanel";
import { ImportancePanel } from "./ImportancePanel";
import type { ImportanceBody } from "../../sweeps/data";
import { ParallelPanel } from "./ParallelPanel";
import { ProgressPanel } from "./ProgressPanel";
import { ReplayPanel } from "./ReplayPanel";
import { ScatterPanel } from "./ScatterPanel";
import { HistogramPanel } from "./HistogramPanel";
import { SweepControls, type SweepAction } from "./SweepControls";
import { SweepNotes } from "./SweepNotes";
import { SweepRunsTable } from "./SweepRunsTable";
import { useSweepLive } from "./useSweepLive";
import { liveStepsSaved } from "../../../sweeps/stop/replay";
import { plannedStepsOf } from "../../../sweeps/stop/ledger";
import { shellWord } from "../../_lib/run-copy";

// The sweep page: live progress, parallel coordinates and a scatter (brush → table and curves), parameter
// importance, all curves, a pruning replay once it has ended, the run table. View state (axis order, brush, sort) is in the URL.

const NEXT_STATE: Record<SweepAction, SweepProgressBody["sweep"]["state"]> = { pause: "paused", resume: "running", cancel: "cancelled" };

export function SweepView(props: {
  sweep: SweepRecord;
  initialProgress: SweepProgressBody;
  initialRuns: RunRecord[];
  /** the importance panel's answer for the initial runs, when the server had it computed */
  initialImportance?: ImportanceBody | null;
  warnings?: SweepIssue[];
  earlyTerminate?: EarlyTerminate | null;
  /** The absolute path of this server's scripts/cli.mjs: what a program sweep's agent command runs. */
  agentScript: string;
}) {
  const { sweep } = props;
  const live = useSweepLive(sweep.id, { progress: props.initialProgress, runs: props.initialRuns });
  const { progress, runs } = live;
  const [hovered, setHovered] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [stopping, setStopping] = useState<Set<string>>(new Set());
  const [meta, setMeta] = useState<Meta>(sweep);

  const model = useMemo(() => sweepModel(runs, sweep), [runs, sweep]);
  // One colour per run for every panel of the page, in creation order: new runs take the next colours.
  const colors = useMemo(() => runColors([...runs].sort(byCreation).map((r) => r.id)), [runs]);
  // The view lives in the URL (replaceState): read from the address the page has now, so Back
  // to this page brings back its brush, sort and axes (the server's props are those of the
  // first visit when the router restores the page from its cache).
  const searchParams = useSearchParams();
  const [view, setView] = useState<SweepViewState>(() => parseSweepView(searchParams));
  const sort = effectiveSort(view, model.metricKey, sweep.metricGoal);
  const updateView = useCallback((change: Partial<SweepViewState>) => setView((v) => ({ ...v, ...change })), []);
  useEffect(() => {
    const search = sweepViewSearch(view, window.location.search);
    const next = `${window.location.pathname}${search ? `?${search}` : ""}`;
    if (next !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(window.history.state, "", next);
  }, [view]);
  const onOrder = useCallback((order: string[]) => updateView({ order }), [updateView]);
  const onBrush = useCallback((brush: Brush) => updateView({ brush }), [updateView]);
  const onSort = useCallback((sort: TableSort) => updateView({ sort }), [updateView]);
  const onScatter = useCallback((scatter: ScatterSettings) => updateView({ scatter }), [updateView]);
  const onHist = useCallback((metric: string) => updateView({ hist: metric === model.metricKey ? null : metric }), [updateView, model.metricKey]);
  const summaryKeys = useMemo(() => scatterFields(runs, model).filter((f) => f.kind === "metric").map((f) => f.key), [runs, model]);
  const onCurves = useCallback((metric: string) => updateView({ curves: metric === sweep.metricName ? null : metric }), [updateView, sweep.metricName]);

  const brushed = isBrushed(view.brush);
  const keep = useMemo(() => (brushed ? brushedRunIds(runs, model, view.brush) : null), [brushed, runs, model, view.brush]);
  const tableRuns = useMemo(() => (keep ? runs.filter((r) => keep.has(r.id)) : runs), [keep, runs]);
  const metrics = useMemo(() => loggedMetrics(runs, sweep.metricName).filter((m) => m !== ""), [runs, sweep.metricName]);
  // the curves show the sweep's metric; a sweep of none (a program's, as W&B allows), the first its runs logged
  const curvesMetric = sweep.metricName || (metrics[0] ?? "");
  const exportQuery = sweepViewSearch({ ...view, order: [], curves: null, scatter: DEFAULT_SCATTER, hist: null, sort });
  const configKeys = useMemo(() => model.axes.filter((a) => !a.metric).map((a) => a.key), [model]);
  const absent = useMemo(() => absentKeys(model), [model]);
  // each poll of the curves fetches only what changed: cheap enough for every tick while runs train
  const curvesKey = `${live.signature}|${liveCount(progress) > 0 ? live.ticks : ""}`;

  async function act(action: SweepAction) {
    const before = progress;
    setBusy(true);
    setActionError(null);
    try {
      const res = await live.showWhile({ ...progress, sweep: { ...progress.sweep, state: NEXT_STATE[action] } }, () => fetch(`/api/sweeps/${sweep.id}/${action}`, { method: "POST" }));
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        live.setProgress(before);
        setActionError(`Could not ${action} the sweep: ${body?.error ?? `the server answered ${res.status}`}.`);
      }
    } catch (e) {
      live.setProgress(before);
      setActionError(`Could not ${action} the sweep: ${(e as Error).message}.`);
    }
    setBusy(false);
    void live.poll();
  }

  const { setRuns, poll, refreshRuns } = live;
  const stopRun = useCallback(async (run: RunRecord) => {
    setStopping((s) => new Set(s).add(run.id));
    if (run.state === "queued") setRuns((rs) => rs.map((r) => (r.id === run.id ? { ...r, state: "stopped" } : r)));
    const res = await fetch(`/api/runs/${run.id}/stop`, { method: "POST" }).catch(() => null);
    if (!res?.ok) {
      const body = (await res?.json().catch(() => null)) as { error?: string } | null;
      setActionError(`Could not stop ${run.name}: ${body?.error ?? "no answer from the server"}.`);
      setStopping((s) => {
        const n = new Set(s);
        n.delete(run.id);
        return n;
      });
      void refreshRuns();
      return;
    }
    void poll();
  }, [setRuns, poll, refreshRuns]);

  const state = progress.sweep.state;
  const program = programSpecOf(sweep.config);
  // a program's sweep (or a function agent's) runs only where an agent for it runs
  const agentsOnly = isProgramSweep(sweep.config);
  // what early termination saved so far, counted as the pruning replay counts it
  const stepsSaved = sweep.config.early_terminate ? liveStepsSaved(runs.map((r) => ({ id: r.id, name: r.name, state: r.state, lastStep: r.lastStep, plannedSteps: plannedStepsOf(r.config) }))) : null;
  return (
    <>
      <PageHeader
        title={
          <span className="sw-title">
            <span data-testid="sweep-name">{meta.name}</span> <Badge state={state} />
          </span>
        }
        subtitle={
          <>
            project{" "}
            <Link href={`/?project=${encodeURIComponent(sweep.project)}`} data-testid="sweep-project" title={`The runs table of project ${sweep.project}`}>
              {sweep.project}
            </Link>{" "}
            · {sweep.method} search ·{" "}
            {sweep.metricName ? (
              <span data-testid="sweep-metric">
                {sweep.metricGoal} <code>{sweep.metricName}</code>
              </span>
            ) : (
              <span data-testid="sweep-metric">no metric (no best run)</span>
            )}{" "}
            · <span className="mono">{sweep.id}</span>
            {progress.sweep.stateReason && state !== "running" && <> · {progress.sweep.stateReason}</>}
            {sweep.heldBy && sweep.heldBy !== PROGRAM_SWEEP_HOLDER && (state === "running" || state === "paused") && (
              <>
                {" "}· its runs train in <code>npm run sweep</code> (process {/^local:(\d+):/.exec(sweep.heldBy)?.[1] ?? sweep.heldBy}), not in this server
              </>
            )}
          </>
        }
        actions={<SweepControls sweepId={sweep.id} state={state} busy={busy} onAction={act} />}
      />
      <Housekeeping kind="sweep" id={sweep.id} meta={meta} live={state === "running" || state === "paused"} onSaved={setMeta} />
      {actionError && (
        <div className="sw-gap">
          <ErrorBox>{actionError}</ErrorBox>
        </div>
      )}
      <ProgressPanel progress={progress} agentsOnly={agentsOnly} elapsed={live.elapsed} metricKey={model.metricKey} goal={sweep.metricGoal} stale={live.stale} colors={colors} stepsSaved={stepsSaved} />
      <SweepConfigPanel rawConfig={sweep.rawConfig} config={sweep.config as SweepDoc} seed={sweep.seed} />
      <SweepNotes warnings={props.warnings ?? []} metricNote={sweep.metricName ? metricNote(runs, sweep.metricName, !["running", "paused"].includes(state)) : null} metric={sweep.metricName} />

      {program && (state === "running" || state === "paused") && <AgentCommand sweepId={sweep.id} program={program} agentScript={props.agentScript} />}
      {runs.length === 0 && live.runsPending && progress.total > 0 ? (
        // the progress poll has seen runs that the run list has not brought yet (a sweep that
        // ended between two polls): not "no runs" for that moment
        <div className="card sw-gap" data-testid="runs-loading">
          <EmptyState title={`Loading ${progress.total} ${progress.total === 1 ? "run" : "runs"}`}>
            <p>Their table and charts appear here in a moment.</p>
          </EmptyState>
        </div>
      ) : runs.length === 0 ? (
        <div className="card sw-gap">
          <EmptyState title={state === "running" ? "Waiting for the first run" : "This sweep has no runs"}>
            <p>
              {state === "running"
                ? agentsOnly
                  ? `Runs start when an agent for this sweep asks for them${program ? ": start one with the command above" : ""}; they appear here as they train.`
                  : "The executor proposes runs as workers free up; they appear here and start training within a few seconds."
                : state === "paused"
                  ? "The sweep is paused before its first run. Resume it to start training."
                  : "It ended before any run was proposed."}
            </p>
          </EmptyState>
        </div>
      ) : (
        <>
          {!sweep.metricName && (
            <div className="sw-gap">
              <Card title="Parallel coordinates and importance" testId="no-metric">
                <EmptyState title="This sweep names no metric">
                  <p>Both rank the runs by the sweep&apos;s metric, and its config names none (as W&amp;B allows); so does a pruning replay. A new sweep like this one with a metric: name and goal gets them, and a best run.</p>
                </EmptyState>
              </Card>
            </div>
          )}
          {sweep.metricName && (
            <div className="sw-gap">
              <ParallelPanel
                model={model}
                goal={sweep.metricGoal}
                order={view.order}
                brush={view.brush}
                hoveredRunId={hovered}
                colors={colors}
                onOrder={onOrder}
                onBrush={onBrush}
                onHover={setHovered}
              />
            </div>
          )}
          <div className="sw-gap">
            <ScatterPanel runs={runs} model={model} settings={view.scatter} brush={view.brush} keep={keep} colors={colors} onSettings={onScatter} onBrush={onBrush} />
          </div>
          <div className="sw-gap">
            <HistogramPanel runs={runs} metrics={summaryKeys} metric={view.hist ?? (model.metricKey || (summaryKeys[0] ?? ""))} selection={keep} selectionLabel="brushed runs" onMetric={onHist} />
          </div>
          <div className="grid-2 sw-gap">
            {sweep.metricName && <ImportancePanel sweepId={sweep.id} refreshKey={live.signature} initial={props.initialImportance ?? null} metricKey={model.metricKey} ended={!["running", "paused"].includes(state)} />}
            <CurvesPanel
              sweepId={sweep.id}
              metric={view.curves ?? curvesMetric}
              metrics={metrics}
              onMetric={onCurves}
              refreshKey={curvesKey}
              bestRunId={progress.best?.id ?? null}
              hoveredRunId={hovered}
              visibleIds={keep}
              colors={colors}
            />
          </div>
          <div className="sw-gap">
            <Card
              testId="sweep-runs"
              title={
                <>
                  Runs{" "}
                  <span className="muted sw-title-note" data-testid="table-count">
                    {keep ? `${tableRuns.length} of ${runs.length} · filtered by the brush` : `${runs.length}`}
                  </span>
                </>
              }
              actions={
                <>
                  {brushed && (
                    <button type="button" className="btn btn-sm" onClick={() => onBrush({})}>
                      Clear brush
                    </button>
                  )}
                  <span className="sw-export" role="group" aria-label="Export CSV">
                    <a
                      className="btn btn-sm"
                      href={`/api/sweeps/${sweep.id}/runs.csv${exportQuery ? `?${exportQuery}` : ""}`}
                      download
                      data-testid="table-export-shown"
                      title="The runs the table shows (those the brush keeps), in the table's order"
                    >
                      Export shown{keep ? ` (${tableRuns.length})` : ""}
                    </a>
                    <a className="btn btn-sm" href={`/api/runs/export.csv?${sweepRunsQuery(sweep.id)}`} download data-testid="table-export-csv" title="Every run of the sweep">
                      Export all
                    </a>
                  </span>
                </>
              }
            >
              {tableRuns.length === 0 ? (
                <EmptyState title="No run passes the brush" testId="table-empty">
                  <p>Widen or clear the ranges on the parallel-coordinates axes.</p>
                </EmptyState>
              ) : (
                <SweepRunsTable
                  runs={tableRuns}
                  configKeys={configKeys}
                  absent={absent}
                  metricKey={model.metricKey}
                  sort={sort}
                  runsAt={live.runsAt}
                  now={live.now}
                  stopping={stopping}
                  hoveredRunId={hovered}
                  colors={colors}
                  onSort={onSort}
                  onHover={setHovered}
                  onStop={stopRun}
                />
              )}
            </Card>
          </div>
          {/* (a replay prunes by the sweep's metric: none, no replay) */}
          {!["running", "paused"].includes(state) && sweep.metricName && (
            <div className="sw-gap">
              <ReplayPanel sweepId={sweep.id} own={props.earlyTerminate ?? null} />
            </div>
          )}
        </>
      )}
    </>
  );
}

/**
 * A program's sweep runs where its program is: the command that starts an agent for it there,
 * as W&B's sweep page shows `wandb agent`. The server never runs a program itself. The command
 * runs this server's copy of scripts/cli.mjs by its absolute path, so it works from the program's
 * folder (`npm run agent` needs the repository's package.json, and runs from the repository's root);
 * the agent reads the token from SWEEPLAB_AGENT_TOKEN, set for it alone.
 */
function AgentCommand(props: { sweepId: string; program: ProgramSpec; agentScript: string }) {
  const [origin, setOrigin] = useState("http://127.0.0.1:3000");
  useEffect(() => setOrigin(window.location.origin), []);
  const command = `SWEEPLAB_AGENT_TOKEN='<token>' node ${shellWord(props.agentScript)} agent --server ${shellWord(origin)} --sweep ${props.sweepId}`;
  return (
    <div className="card sw-gap" data-testid="agent-command">
      <div className="card-body">
        <p style={{ marginTop: 0 }}>
          This sweep runs your program (<code>{props.program.program ?? props.program.command?.join(" ")}</code>). In the folder that holds it, start an agent with this command, the
          server&apos;s <code>SWEEPLAB_AGENT_TOKEN</code> in place of <code>&lt;token&gt;</code>; each agent runs the runs it claims, with W&amp;B&apos;s command line. On another machine
          that reaches this server, the path is that of Sweeplab&apos;s copy there.
        </p>
        <pre className="mono" style={{ whiteSpace: "pre-wrap", margin: 0 }} data-testid="agent-command-line">
          {command}
        </pre>
      </div>
    </div>
  );
}
