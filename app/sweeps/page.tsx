import Link from "next/link";
import { listSweeps } from "../../prisma/store";
import { AutoRefresh } from "../_components/sweeps/AutoRefresh";
import { Badge, EmptyState, PageHeader } from "../_components/ui";
import { colorAt } from "../_lib/colors";
import { formatDuration, formatNumber, formatTime } from "../_lib/format";
import { doneCount, liveCount, progressSegments, rerunText } from "../_lib/sweep-progress";
import { loadProgress } from "./data";

const rerunTotal = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

export const dynamic = "force-dynamic";
export const metadata = { title: "Sweeps" };

export default async function SweepsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const showArchived = (await props.searchParams).archived === "include";
  const all = await listSweeps();
  const archivedCount = all.filter((s) => s.archivedAt).length;
  const sweeps = showArchived ? all : all.filter((s) => !s.archivedAt);
  const rows = await Promise.all(sweeps.map(async (s) => ({ sweep: s, progress: await loadProgress(s) })));
  const live = rows.some((r) => r.sweep.state === "running" || liveCount(r.progress) > 0);
  // a best run's swatch is its colour on its sweep's page (one colour per run across the view)
  return (
    <>
      <PageHeader
        title="Sweeps"
        subtitle={sweeps.length === 0 ? "No sweeps yet" : `${sweeps.length} sweep${sweeps.length === 1 ? "" : "s"}${live ? " · updating live" : ""}`}
        actions={
          <>
            {archivedCount > 0 && (
              <Link className="btn" href={showArchived ? "/sweeps" : "/sweeps?archived=include"} data-testid="toggle-archived">
                {showArchived ? "Hide archived" : `Show archived (${archivedCount})`}
              </Link>
            )}
            <Link className="btn btn-primary" href="/sweeps/new" data-testid="new-sweep">
              New sweep
            </Link>
          </>
        }
      />
      {live && <AutoRefresh everyMs={3000} />}
      {rows.length === 0 ? (
        <div className="card">
          <EmptyState title="No sweeps yet">
            <p>A sweep trains many runs with different hyperparameters and shows which ones matter.</p>
            <p className="muted">Start from a preset — they finish in under a minute.</p>
            <div style={{ marginTop: 16 }}>
              <Link className="btn btn-primary" href="/sweeps/new">
                Launch your first sweep
              </Link>
            </div>
          </EmptyState>
        </div>
      ) : (
        <div className="card table-wrap">
          <table className="data" data-testid="sweeps-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Method</th>
                <th>Metric</th>
                <th style={{ width: 240 }}>Progress</th>
                <th className="num">Best</th>
                <th>Best run</th>
                <th>Created</th>
                <th className="num">Elapsed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ sweep, progress }) => {
                const done = doneCount(progress.counts);
                const expected = progress.expected ?? (sweep.state === "running" || sweep.state === "paused" ? null : progress.total);
                return (
                  <tr key={sweep.id} data-testid="sweep-row" data-sweep-id={sweep.id}>
                    <td>
                      <Link href={`/sweeps/${sweep.id}`}>{sweep.name}</Link> <span className="faint mono">{sweep.id}</span>
                      {sweep.archivedAt && <> <span className="badge">archived</span></>}
                      {sweep.tags.map((t) => (
                        <span key={t} className="tag" style={{ marginLeft: 4 }}>
                          {t}
                        </span>
                      ))}
                    </td>
                    <td>
                      <Badge state={sweep.state} />
                    </td>
                    <td>{sweep.method}</td>
                    <td>
                      <code>{sweep.metricName}</code> <span className="faint">{sweep.metricGoal === "maximize" ? "max" : "min"}</span>
                    </td>
                    <td>
                      <div className="sw-list-progress">
                        <div className="sw-bar-track sw-bar-small">
                          {progressSegments(progress.counts, progress.expected).map((s) =>
                            s.count > 0 ? <div key={s.key} className={`sw-seg-${s.key}`} style={{ width: `${s.share * 100}%` }} title={`${s.count} ${s.label}`} /> : null,
                          )}
                        </div>
                        <span className="num sw-list-count" title={rerunText(progress.reruns) ? `+ ${rerunText(progress.reruns)}, outside the sweep's budget` : undefined}>
                          {done}/{expected ?? "∞"}
                          {rerunText(progress.reruns) && <span className="faint"> +{rerunTotal(progress.reruns)}</span>}
                        </span>
                      </div>
                    </td>
                    <td className="num">{formatNumber(progress.best?.value)}</td>
                    <td>
                      {progress.best ? (
                        <Link href={`/runs/${progress.best.id}`}>
                          <span className="swatch" style={{ background: colorAt(progress.best.colorRank) }} data-testid="best-swatch" data-run-id={progress.best.id} data-color={colorAt(progress.best.colorRank)} />
                          {progress.best.name}
                        </Link>
                      ) : (
                        <span className="faint">–</span>
                      )}
                    </td>
                    <td>{formatTime(sweep.createdAt, true)}</td>
                    <td className="num">{formatDuration(progress.elapsed)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
