"use client";
import Link from "next/link";
import { colorOf, type RunColors } from "../../_lib/colors";
import { countOf, formatDuration, formatNumber } from "../../_lib/format";
import { doneCount, expectedTotal, FAILED_STATES, progressSegments, rerunText, slotsText, type SweepProgressBody } from "../../_lib/sweep-progress";
import { Stat } from "../ui";
import { formatShare } from "../../_lib/pruning-replay";
import { formatEstimate } from "../../_lib/sweep-form";

// The live strip at the top of the sweep page: a stacked bar of run states and the numbers
// (fixed widths and tabular digits, so nothing moves when they change).

export function ProgressPanel(props: {
  progress: SweepProgressBody;
  /** a program's sweep: its runs start only when an agent asks for them */
  agentsOnly?: boolean;
  elapsed: number;
  metricKey: string;
  goal: string;
  stale: string | null;
  colors: RunColors;
  /** With early termination: the share of training steps it saved so far (liveStepsSaved); null without. */
  stepsSaved?: number | null;
}) {
  const { progress: p } = props;
  const segments = progressSegments(p.counts, p.expected, p.deleted);
  const done = doneCount(p.counts);
  const failed = FAILED_STATES.reduce((s, k) => s + (p.counts[k] ?? 0), 0);
  const expected = expectedTotal(p);
  return (
    <section className="card sw-progress" data-testid="sweep-progress" aria-label="Progress" aria-live="polite" aria-atomic="false">
      <div className="sw-bar-track" role="img" aria-label={segments.map((s) => `${s.count} ${s.label}`).join(", ")}>
        {segments.map((s) => (s.count > 0 ? <div key={s.key} className={`sw-seg-${s.key}`} style={{ width: `${s.share * 100}%` }} title={`${s.count} ${s.label}`} /> : null))}
      </div>
      <div className="sw-stats">
        <Stat
          label="Runs done"
          value={
            <>
              {done.toLocaleString("en-US")}
              <span className="sw-of"> / {expected === null ? "∞" : expected.toLocaleString("en-US")}</span>
              {p.deleted > 0 && (
                <span className="sw-of" data-testid="stat-deleted" title="Runs of this sweep deleted since it made them">
                  {" "}· {p.deleted.toLocaleString("en-US")} deleted
                </span>
              )}
              {rerunText(p.reruns) && (
                <span className="sw-of sw-reruns" data-testid="stat-reruns" title="Re-runs repeat a run of this sweep with its config and seed; they are not part of the sweep's budget">
                  {" "}+ {rerunText(p.reruns)}
                </span>
              )}
            </>
          }
          testId="stat-done"
        />
        <Stat label="Running" value={<span data-count={p.counts.running}>{p.counts.running}</span>} testId="stat-running" />
        <Stat label="Queued" value={p.counts.queued} testId="stat-queued" />
        <Stat label="Finished" value={p.counts.finished} testId="stat-finished" />
        <Stat label="Pruned" value={p.counts.pruned} testId="stat-pruned" />
        <Stat label="Failed" value={<span className={failed > 0 ? "sw-bad" : undefined}>{failed}</span>} testId="stat-failed" />
        {p.counts.stopped > 0 && <Stat label="Stopped" value={p.counts.stopped} testId="stat-stopped" />}
        {props.stepsSaved != null && (
          <Stat
            label="Steps saved"
            value={<span data-value={props.stepsSaved} title="Early termination's saving so far: the pruned runs' remaining steps over all runs' steps without it">{formatShare(props.stepsSaved)}</span>}
            testId="stat-steps-saved"
          />
        )}
        <Stat
          label="Elapsed"
          value={
            <>
              <span title={p.sweep.state === "running" || p.sweep.state === "paused" ? "Wall time since the sweep was launched, time paused included" : "Wall time from launch to the sweep's end, time paused included"}>{formatDuration(props.elapsed)}</span>
              {p.timeLeft && (
                <span
                  className="sw-left"
                  data-testid="stat-time-left"
                  data-value={Math.round(p.timeLeft.ms)}
                  data-slots-here={p.timeLeft.slots.here}
                  data-slots-elsewhere={p.timeLeft.slots.elsewhere}
                  title={`Until the last run ends: the runs training now at their pace, the rest at this server's speed, ${slotsText(p.timeLeft.slots)}${p.timeLeft.upperBound ? "; early termination may end it sooner" : ""}`}
                >
                  {formatEstimate(p.timeLeft.ms, p.timeLeft.upperBound)} left
                </span>
              )}
            </>
          }
          testId="stat-elapsed"
        />
        {/* (a sweep of no metric has no best run: a program's may name none) */}
        {props.metricKey && (
          <div className="stat sw-best" data-testid="stat-best">
            <span className="label">
              Best {props.metricKey} ({props.goal === "maximize" ? "max" : "min"})
            </span>
            <span className="value">
              {p.best ? (
                <>
                  <span className="sw-best-value">{formatNumber(p.best.value)}</span>
                  <Link href={`/runs/${p.best.id}`} className="sw-best-run" data-testid="best-run">
                    <span className="swatch" style={{ background: colorOf(props.colors, p.best.id) }} />
                    {p.best.name}
                  </Link>
                  {p.best.step !== null && <span className="faint sw-best-step">step {p.best.step}</span>}
                </>
              ) : (
                <span className="faint">no value yet</span>
              )}
            </span>
          </div>
        )}
      </div>
      <div className="sw-now" data-testid="training-now">
        {props.stale ? (
          <span className="sw-bad">{props.stale}</span>
        ) : p.running.length > 0 ? (
          <>
            <span className="muted">Training now:</span>
            {p.running.map((r) => (
              <Link key={r.id} href={`/runs/${r.id}`} className="sw-now-run">
                <span className="swatch" style={{ background: colorOf(props.colors, r.id) }} />
                {r.name}
                <span className="sw-mini" aria-hidden>
                  <span style={{ width: `${r.steps ? Math.min(100, (r.lastStep / r.steps) * 100) : 0}%` }} />
                </span>
                <span className="faint" data-testid="now-step">{r.steps ? `${r.lastStep}/${r.steps}` : `step ${r.lastStep}`}</span>
              </Link>
            ))}
          </>
        ) : (
          <span className="faint">{nowText(p, props.agentsOnly ?? false)}</span>
        )}
      </div>
    </section>
  );
}

function nowText(p: SweepProgressBody, agentsOnly: boolean): string {
  switch (p.sweep.state) {
    case "paused":
      return p.counts.queued > 0 ? `Paused — ${p.counts.queued} queued run${p.counts.queued === 1 ? "" : "s"} wait for Resume.` : "Paused — no new runs start until you resume.";
    case "running":
      if (agentsOnly) return "Waiting for an agent to ask for a run…";
      return p.total === 0 ? "Starting — the first runs are being proposed…" : "Waiting for a free worker…";
    case "finished":
      return `Finished${p.sweep.finishedAt ? "" : ""}: every run has ended.`;
    case "cancelled": {
      // queued and running runs alike end `stopped` (the cancel API answers with the sweep alone):
      // the count is of stopped runs, as the Stopped stat beside it, with no claim of which they were
      const stopped = p.counts.stopped;
      return stopped > 0 ? `Cancelled — ${countOf(stopped, "run")} stopped; no new runs start.` : "Cancelled — no new runs start.";
    }
    case "failed":
      return `The sweep failed${p.sweep.stateReason ? `: ${p.sweep.stateReason}` : "."}`;
  }
}
