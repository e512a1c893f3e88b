"use client";
import { useState, memo } from "react";
import { sortImportance, type ImportanceSort } from "../../_lib/sweep-importance";
import type { ParamImportance } from "../../../sweeps/importance";
import { Card, EmptyState, ErrorBox } from "../ui";
import { useJson } from "./useJson";

// Parameter importance for the sweep metric, as W&B's panel shows it: a row per parameter
// with the random-forest permutation importance and the correlation as bars, sorted.

interface ImportanceBody {
  metric: string;
  runs: number;
  params: ParamImportance[];
}

export const ImportancePanel = memo(function ImportancePanel(props: { sweepId: string; refreshKey: string; metricKey: string }) {
  const { data, error, loading, reload } = useJson<ImportanceBody>(`/api/sweeps/${props.sweepId}/importance`, props.refreshKey);
  const [sort, setSort] = useState<ImportanceSort>("importance");
  const rows = data ? sortImportance(data.params, sort) : [];

  return (
    <Card
      title={
        <>
          Parameter importance <span className="muted sw-title-note">for {props.metricKey}</span>
        </>
      }
      testId="importance-panel"
      actions={
        <div className="sw-seg" role="radiogroup" aria-label="Sort by">
          {(["importance", "correlation"] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={sort === s} className="sw-seg-btn" onClick={() => setSort(s)}>
              {s}
            </button>
          ))}
        </div>
      }
    >
      <div className="sw-panel-body">
        {error && !data ? (
          <ErrorBox title="Could not compute the importance." onRetry={reload}>
            {error}
          </ErrorBox>
        ) : !data && loading ? (
          <div className="sw-skeleton-rows" aria-busy="true" aria-label="Loading importance">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="skeleton" style={{ height: 18, width: `${90 - i * 15}%` }} />
            ))}
          </div>
        ) : data && (data.runs < 4 || rows.length === 0) ? (
          <EmptyState title={data.runs < 4 ? "Not enough runs yet" : "Nothing varied"} testId="importance-empty">
            <p>
              {data.runs < 4
                ? `Importance needs at least 4 runs with a ${data.metric}; ${data.runs} so far. It fills in as runs finish.`
                : "Every parameter had the same value in all runs, so none can explain the metric."}
            </p>
          </EmptyState>
        ) : (
          <table className="sw-importance" data-testid="importance-table">
            <thead>
              <tr>
                <th>Parameter</th>
                <th title="Share of the random forest's out-of-bag error increase when this parameter's values are shuffled">Importance</th>
                <th title="Pearson correlation with the metric (categorical: the level that correlates most; log-scaled parameters in log space)">Correlation</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.param} data-testid="importance-row" data-param={p.param}>
                  <td className="sw-imp-name">
                    <code>{p.param}</code>
                    {p.level && <span className="faint"> = {p.level}</span>}
                  </td>
                  <td>
                    <div className="sw-bar" title={`${(p.importance * 100).toFixed(1)}%`}>
                      <div className="sw-bar-fill" style={{ width: `${Math.max(0.5, p.importance * 100)}%` }} />
                      <span className="sw-bar-label">{(p.importance * 100).toFixed(0)}%</span>
                    </div>
                  </td>
                  <td>
                    <div className="sw-corr" title={p.correlation === null ? "undefined" : p.correlation.toFixed(3)}>
                      <div className="sw-corr-axis" />
                      {p.correlation !== null && (
                        <div
                          className={`sw-corr-fill ${p.correlation < 0 ? "neg" : "pos"}`}
                          style={p.correlation < 0 ? { right: "50%", width: `${-p.correlation * 50}%` } : { left: "50%", width: `${p.correlation * 50}%` }}
                        />
                      )}
                      <span className="sw-corr-label">{p.correlation === null ? "–" : p.correlation.toFixed(2)}</span>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data && data.runs >= 4 && rows.length > 0 && <p className="help sw-chart-note">From {data.runs} runs with a {data.metric}. Random-forest permutation importance; Pearson correlation.</p>}
      </div>
    </Card>
  );
});
