import Link from "next/link";
import { countSweeps, listSweeps } from "../../prisma/store";
import { PROJECT_PATTERN } from "../../sweeps/logging-api";
import { AutoRefresh } from "../_components/sweeps/AutoRefresh";
import { Badge, EmptyState, PageHeader } from "../_components/ui";
import { colorAt } from "../_lib/colors";
import { formatDuration, formatNumber, formatTime } from "../_lib/format";
import { doneCount, expectedTotal, liveCount, progressSegments, rerunText } from "../_lib/sweep-progress";
import { loadProgress } from "./data";

const rerunTotal = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

export const dynamic = "force-dynamic";
export const metadata = { title: "Sweeps" };

/** Sweeps on one page of the list (newest first); older ones are a link away. */
const PAGE = 50;

export default async function SweepsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await props.searchParams;
  const showArchived = sp.archived === "include";
  const project = typeof sp.project === "string" && PROJECT_PATTERN.test(sp.project) ? sp.project : undefined;
  const page = Math.max(1, Math.floor(Number(sp.page)) || 1);
  const where = { archived: showArchived ? ("include" as const) : ("hide" as const), project };
  // one page read, and counts: the list stays as fast with 5,000 sweeps as with 50
  const [sweeps, total, archivedCount] = await Promise.all([
    listSweeps({ ...where, limit: PAGE, offset: (page - 1) * PAGE }),
    countSweeps(where),
    countSweeps({ archived: "only", project }),
  ]);
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const pageHref = (n: number) => `/sweeps?${new URLSearchParams({ ...(showArchived ? { archived: "include" } : {}), ...(project ? { project } : {}), ...(n > 1 ? { page: String(n) } : {}) })}`;
  const rows = await Promise.all(sweeps.map(async (s) => ({ sweep: s, progress: await loadProgress(s) })));
  const live = rows.some((r) => r.sweep.state === "running" || liveCount(r.progress) > 0);
  // a best run's swatch is its colour on its sweep's page (one colour per run across the view)
  return (
    <>
      <PageHeader
        title="Sweeps"
        subtitle={
          total === 0
            ? "No sweeps yet"
            : `${total.toLocaleString("en-US")} sweep${total === 1 ? "" : "s"}${project ? ` in project ${project}` : ""}${pages > 1 ? ` · page ${page} of ${pages}` : ""}${live ? " · updating live" : ""}`
        }
        actions={
          <>
            {archivedCount > 0 && (
              <Link className="btn" href={showArchived ? "/sweeps" : "/sweeps?archived=include"} data-testid="toggle-archived">
                {showArchived ? "Hide archived" : `Show archived (${archivedCount})`}
              </Link>
            )}
            <Link className="btn btn-primary" href={project ? `/sweeps/new?project=${encodeURIComponent(project)}` : "/sweeps/new"} data-testid="new-sweep">
              New sweep
            </Link>
          </>
        }
      />
      {live && <AutoRefresh everyMs={3000} />}
      {total === 0 ? (
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
                const expected = expectedTotal(progress);
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
                      {sweep.metricName ? (
                        <>
                          <code>{sweep.metricName}</code> <span className="faint">{sweep.metricGoal === "maximize" ? "max" : "min"}</span>
                        </>
                      ) : (
                        <span className="faint">none</span>
                      )}
                    </td>
                    <td>
                      <div className="sw-list-progress">
                        <div className="sw-bar-track sw-bar-small">
                          {progressSegments(progress.counts, progress.expected, progress.deleted).map((s) =>
                            s.count > 0 ? <div key={s.key} className={`sw-seg-${s.key}`} style={{ width: `${s.share * 100}%` }} title={`${s.count} ${s.label}`} /> : null,
                          )}
                        </div>
                        <span className="num sw-list-count" title={rerunText(progress.reruns) ? `+ ${rerunText(progress.reruns)}, outside the sweep's budget` : undefined}>
                          {done}/{expected ?? "∞"}
                          {progress.deleted > 0 && <span className="faint" title="Runs of this sweep deleted since it made them"> −{progress.deleted} deleted</span>}
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
          {pages > 1 && (
            <div className="row" style={{ justifyContent: "space-between", padding: "10px 12px" }} data-testid="sweeps-pager">
              {page > 1 ? <Link href={pageHref(page - 1)}>← Newer</Link> : <span />}
              <span className="muted">
                {((page - 1) * PAGE + 1).toLocaleString("en-US")}–{Math.min(page * PAGE, total).toLocaleString("en-US")} of {total.toLocaleString("en-US")}
              </span>
              {page < pages ? <Link href={pageHref(page + 1)} data-testid="older-sweeps">Older →</Link> : <span />}
            </div>
          )}
        </div>
      )}
    </>
  );
}
