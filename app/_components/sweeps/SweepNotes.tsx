"use client";
import type { SweepIssue } from "../../../sweeps/config";
import { metricNoteText, type MetricNote } from "../../_lib/sweep-notes";

// Above the sweep's panels: that it never saw its metric (said plainly), and what its config
// does differently from what was written (truncated laws, W&B deprecations, ignored keys).

export function SweepNotes(props: { warnings: readonly SweepIssue[]; metricNote: MetricNote | null; metric: string }) {
  const { warnings, metricNote } = props;
  if (warnings.length === 0 && !metricNote) return null;
  return (
    <div className="sw-gap sw-notes">
      {metricNote && (
        <div className="alert alert-warn" role="alert" data-testid="metric-never-seen">
          {metricNoteText(metricNote, props.metric)}
        </div>
      )}
      {warnings.length > 0 && (
        <div className="alert alert-warn sw-config-notes" role="status" data-testid="sweep-warnings">
          <strong>About this sweep's config</strong>
          <ul>
            {warnings.map((w, i) => (
              <li key={i} data-testid="sweep-warning" data-path={w.path}>
                {w.path && <code>{w.path}</code>} {w.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
