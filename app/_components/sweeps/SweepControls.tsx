"use client";
import Link from "next/link";
import { ConfirmButton } from "../ui/ConfirmButton";
import type { SweepState } from "../../../sweeps/states";
import { sweepRunsQuery } from "../../_lib/sweep-view";

// Pause / resume / cancel (cancel asks once more, inline), plus the sweep's CSV and
// "new sweep like this". The parent applies the new state at once and rolls it back if
// the server refuses.

export type SweepAction = "pause" | "resume" | "cancel";

export function SweepControls(props: { sweepId: string; state: SweepState; busy: boolean; onAction: (a: SweepAction) => void }) {
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
      {live && (
        <ConfirmButton testId="cancel" confirmTestId="confirm-cancel" groupLabel="Confirm cancel" disabled={props.busy} question="Stop all runs?" confirmLabel="Cancel sweep" keepLabel="Keep running" onConfirm={() => props.onAction("cancel")}>
          Cancel…
        </ConfirmButton>
      )}
      <a className="btn" href={`/api/runs/export.csv?${sweepRunsQuery(props.sweepId)}`} download data-testid="sweep-export-csv">
        Export CSV
      </a>
      <Link className="btn" href={`/sweeps/new?from=${props.sweepId}`}>
        New sweep like this
      </Link>
    </div>
  );
}
