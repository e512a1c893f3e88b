"use client";
import { isProgramSweep, variedParameterNames, type SweepIssue, type SweepParseResult } from "../../../sweeps/config";
import { CALIBRATION_MIN_RUNS, type Calibration, type SweepTimeEstimate } from "../../../sweeps/estimate";
import { formatEstimate, gridLine, type RunEstimate } from "../../_lib/sweep-form";

// The right-hand summary of the new-sweep form: how many runs it will make and about how long
// they take, what it optimises, what is wrong, and the Launch button (which asks first when
// the sweep is large).

export function LaunchPanel(props: {
  result: SweepParseResult;
  estimate: RunEstimate | null;
  time: SweepTimeEstimate | null;
  /** the speed the estimate is priced at, from this server's runs; null: the recorded speed */
  calibration: Calibration | null;
  issues: readonly SweepIssue[];
  attempted: boolean;
  launching: boolean;
  confirming: boolean;
  error: string | null;
  onLaunch: () => void;
  onCancelConfirm: () => void;
}) {
  const { result, issues, estimate, time } = props;
  const config = result.ok ? result.config : null;
  // (a one-value list varies nothing; a choice does)
  const varied = config ? variedParameterNames(config).length : 0;
  const runs = estimate && estimate.kind !== "unbounded" ? `${estimate.runs.toLocaleString("en-US")} run${estimate.runs === 1 ? "" : "s"}` : "";

  return (
    <aside className="card sw-launch" aria-label="Launch">
      <div className="card-body">
        <div className="stat">
          <span className="label">This sweep will start</span>
          <span className="value sw-runs" data-testid="run-estimate">
            {!estimate ? "–" : estimate.kind === "unbounded" ? "∞ runs" : runs}
          </span>
        </div>
        <div className="help sw-estimate" data-testid="run-estimate-detail">
          {!config && "Fix the problems to see the run count."}
          {estimate?.kind === "grid" && config && (
            <>
              grid {gridLine(config)}
              {estimate.replicates > 1 && ` × ${estimate.replicates} replicates`}
              {estimate.capped && ` (capped by run_cap at ${estimate.runs})`}
            </>
          )}
          {estimate?.kind === "cap" && `run_cap ${estimate.runs} (${config?.method} search)`}
          {estimate?.kind === "unbounded" && `${config?.method} search runs until you stop it; set a run cap to bound it.`}
        </div>
        {time && (
          <div className="sw-time" data-testid="time-estimate">
            <span className="sw-time-value">
              {time.wallMs === null ? formatEstimate(time.totalMs) + " of training" : formatEstimate(time.wallMs, time.upperBound)}
            </span>
            <span className="help">
              {time.wallMs === null
                ? "no local workers on this server: remote agents train it"
                : `${time.parallel} run${time.parallel === 1 ? "" : "s"} at a time on this server`}
              {time.upperBound && "; early stopping ends poor runs sooner"}.{" "}
              <span data-testid="time-estimate-basis">
                {props.calibration
                  ? `An estimate at the speed of the last ${props.calibration.runs} runs this server finished.`
                  : `An estimate from the engine's speed measured on an idle 2-core machine; yours may differ (after ${CALIBRATION_MIN_RUNS} finished runs, this server's own speed).`}
              </span>
            </span>
          </div>
        )}

        {config && (
          <dl className="sw-facts">
            <dt>Method</dt>
            <dd>{config.method}</dd>
            <dt>Metric</dt>
            <dd data-testid="launch-metric">
              {config.metric ? (
                <>
                  <code>{config.metric.name}</code> ({config.metric.goal})
                </>
              ) : (
                "none: no best run or goal (bayes and early termination need one)"
              )}
            </dd>
            <dt>Varied</dt>
            <dd>{varied === 0 ? "nothing (one configuration)" : `${varied} parameter${varied === 1 ? "" : "s"}`}</dd>
            <dt>Early stop</dt>
            <dd>{config.early_terminate?.type ?? "none"}</dd>
          </dl>
        )}

        {issues.length > 0 && (
          <div className={`sw-problems ${props.attempted ? "sw-problems-strong" : ""}`} data-testid="problem-count">
            {issues.length} problem{issues.length === 1 ? "" : "s"} to fix before launching
          </div>
        )}
        {result.warnings.length > 0 && (
          <div className="sw-warnings" data-testid="form-warnings">
            <div className="sw-warnings-title">
              {result.warnings.length} thing{result.warnings.length === 1 ? "" : "s"} to check{result.ok ? " (the sweep can launch)" : ""}
            </div>
            {result.warnings.map((w, n) => (
              <div key={n} className="sw-warning" data-testid="form-warning" data-path={w.path}>
                {w.path && <code>{w.path}</code>} {w.message}
              </div>
            ))}
          </div>
        )}
        {props.error && (
          <div className="alert sw-launch-error" role="alert" data-testid="launch-error">
            {props.error}
          </div>
        )}
        {props.confirming && (
          <div className="sw-confirm-launch" role="alertdialog" aria-label="Confirm a large sweep" data-testid="confirm-launch">
            <strong>
              Start {runs}
              {time?.wallMs ? `, ${formatEstimate(time.wallMs, time.upperBound)}` : ""}?
            </strong>
            <span>Large sweeps are rarely meant: check the grid before launching.</span>
            <div className="row">
              <button type="button" className="btn btn-primary" data-testid="confirm-launch-yes" disabled={props.launching} onClick={props.onLaunch}>
                Launch {runs}
              </button>
              <button type="button" className="btn" onClick={props.onCancelConfirm}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {!props.confirming && (
          <button type="button" className="btn btn-primary sw-launch-btn" data-testid="launch" disabled={props.launching} onClick={props.onLaunch}>
            {props.launching ? "Launching…" : "Launch sweep"}
          </button>
        )}
        <p className="help sw-launch-note">
          {config && isProgramSweep(config)
            ? "Your program's runs train where you start an agent for this sweep (its page shows the command), and appear live there."
            : "Runs train in child processes on this server and appear live on the sweep page."}
        </p>
      </div>
    </aside>
  );
}
