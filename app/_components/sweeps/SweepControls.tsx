"use client";
import Link from "next/link";
import { useState } from "react";
import type { SweepState } from "../../../sweeps/states";
import { sweepRunsQuery } from "../../_lib/sweep-view";

// Pause / resume / cancel (cancel asks once more, inline), plus the sweep's CSV and
// "new sweep like this". The parent applies the new state at once and rolls it back if
// the server refuses.

export type SweepAction = "pause" | "resume" | "cancel";

export function SweepControls(props: { sweepId: string; state: SweepState; busy: boolean; onAction: (a: SweepAction) => void }) {
  const [confirming, setConfirming] = useState(false);
  const live = props.state === "running" || props.state === "paused";
  return (
    <div className="row" data-testid="sweep-controls">
      {props.state === "running" && (
        <button type="button" className="btn" data-testid="pause" disabled={props.busy} onClick={() => props.onAction("pause")}>
          <span aria-hidden>❚❚</span> Pause
        </button>
      )}
      {props.state === "paused" && (
        <button type="button" className="btn btn-primary" data-testid="resume" disabled={props.busy} onClick={() => props.onAction("resume")}>
          <span aria-hidden>▶</span> Resume
        </button>
      )}
      {live &&
        (confirming ? (
          <span className="sw-confirm" role="group" aria-label="Confirm cancel">
            <span>Stop all runs?</span>
            <button
              type="button"
              className="btn btn-danger btn-sm"
              data-testid="confirm-cancel"
              autoFocus
              onClick={() => {
                setConfirming(false);
                props.onAction("cancel");
              }}
            >
              Cancel sweep
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)}>
              Keep running
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-danger" data-testid="cancel" disabled={props.busy} onClick={() => setConfirming(true)}>
            Cancel…
          </button>
        ))}
      <a className="btn" href={`/api/runs/export.csv?${sweepRunsQuery(props.sweepId)}`} download data-testid="sweep-export-csv">
        Export CSV
      </a>
      <Link className="btn" href={`/sweeps/new?from=${props.sweepId}`}>
        New sweep like this
      </Link>
    </div>
  );
}
