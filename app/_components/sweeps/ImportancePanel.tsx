"use client";
import { useState, memo } from "react";
import { sortImportance, type ImportanceSort } from "../../_lib/sweep-importance";
import type { ImportanceBody } from "../../sweeps/data";
import { Card, EmptyState, ErrorBox } from "../ui";
import { useJson } from "./useJson";

// Parameter importance for the sweep metric, as W&B's panel shows it: a row per parameter
// with its importance (main-effect share of the metric's variance in a GP model of the sweep:
// the median over draws of the model from its posterior, whiskered by their 10–90% range, and
// how often it ranks first among them) and the correlation as bars.


const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export const ImportancePanel = memo(function ImportancePanel(props: {
  sweepId: string;
  refreshKey: string;
  /** the answer for the page's first runs, rendered with the page (no request for it); refetched as `refreshKey` changes */
  initial: ImportanceBody | null;
  metricKey: string;
  ended: boolean;
}) {
  const { data, error, loading, reload } = useJson<ImportanceBody>(`/api/sweeps/${props.sweepId}/importance`, props.refreshKey, props.initial);
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
        ) : data && (data.configurations < 3 || rows.length === 0) ? (
          <EmptyState title={data.configurations < 3 ? (props.ended ? "Not enough runs" : "Not enough runs yet") : "Nothing varied"} testId="importance-empty">
            <p>
              {data.configurations < 3
                ? props.ended
                  ? `Importance needs at least 3 configurations with a ${data.metric}; this sweep ended with ${data.configurations}.`
                  : `Importance needs at least 3 configurations with a ${data.metric}; ${data.configurations} so far. It fills in as runs finish.`
                : "Every parameter had the same value in all runs, so none can explain the metric."}
            </p>
          </EmptyState>
        ) : (
          <table className="sw-importance" data-testid="importance-table">
            <thead>
              <tr>
                <th>Parameter</th>
                <th title="Main-effect share of the metric's variance in a Gaussian-process model of the sweep (fANOVA): the median over draws of the model from its posterior; the whisker spans their 10–90%">Importance</th>
                <th title="How often it has the largest main effect among the model's posterior draws">1st</th>
                <th title="Pearson correlation with the metric (categorical: the level that correlates most; log-scaled parameters in log space)">Correlation</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={`${p.param} ${p.branch ?? ""}`} data-testid="importance-row" data-param={p.param} data-branch={p.branch}>
                  <td className="sw-imp-name">
                    <code>{p.param}</code>
                    {p.level && <span className="faint"> = {p.level}</span>}
                    {p.branch && <span className="faint" data-testid="importance-branch"> · {p.branch === "all runs" ? "over all runs" : `within ${p.branch}`}</span>}
                  </td>
                  <td>
                    <div
                      className="sw-bar"
                      data-testid="importance-bar"
                      title={`${(p.importance * 100).toFixed(1)}% of the metric's variance${p.interval ? ` (median of the model's posterior draws; their 10–90%: ${pct(p.interval[0])}–${pct(p.interval[1])})` : ""}`}
                    >
                      <div className="sw-bar-fill" style={{ width: `${Math.max(0.5, p.importance * 100)}%` }} />
                      {p.interval && <div className="sw-bar-range" style={{ left: `${p.interval[0] * 100}%`, width: `${Math.max(0.5, (p.interval[1] - p.interval[0]) * 100)}%` }} />}
                      <span className="sw-bar-label">{pct(p.importance)}</span>
                    </div>
                  </td>
                  <td className="sw-imp-first" data-testid="importance-first" title="How often it has the largest main effect among the model's posterior draws">
                    {p.rankedFirst === null ? "–" : pct(p.rankedFirst)}
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
        {data && data.configurations >= 3 && rows.length > 0 && (
          <p className="help sw-chart-note" data-testid="importance-note">
            From {data.configurations} configuration{data.configurations === 1 ? "" : "s"}
            {data.runs > data.configurations ? ` (${data.runs} runs; seed replicates averaged)` : ""} with a {data.metric}.{" "}
            {data.modelled !== null && (
              <span data-testid="importance-sample">Past {data.modelled} configurations the model is fitted to a seeded sample of {data.modelled}; the correlations use all. </span>
            )}
            {rows.some((p) => p.branch) && "Computed per branch of the choices: each parameter among the runs that have it, the choices over all runs. "}
            {rows[0].rankedFirst === null
              ? `With ${data.configurations} configurations the ranking is a hint; intervals come from 6.`
              : rows[0].importance > 0 && rows[0].rankedFirst >= 0.8
                ? `${rows[0].param} ranks first in ${pct(rows[0].rankedFirst)} of the model's posterior draws.`
                : "No parameter ranks first reliably yet: read the ranking as tentative."}{" "}
            {data.interactions.length > 0 && (
              <span data-testid="importance-interactions">
                Together beyond their own effects:{" "}
                {data.interactions.map((i) => `${i.params.join(" × ")} ${pct(i.share)}`).join(", ")} (the effect of one depends on the other).{" "}
              </span>
            )}
            Importance: main effects of a Gaussian-process model (fANOVA; a loss spanning decades in logs), the median and 10–90% range of draws from its posterior; correlation: Pearson.
          </p>
        )}
      </div>
    </Card>
  );
});
