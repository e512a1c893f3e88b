import Link from "next/link";
import { CompareView } from "../_components/compare/CompareView";
import { EmptyState, ErrorBox, PageHeader } from "../_components/ui";
import { parseCompareView } from "../_lib/compare-view";
import { validationFirst } from "../_lib/curve-columns";
import { viewFetch } from "../_lib/panels";
import type { RawSearchParams } from "../_lib/url";
import { DEFAULT_PROJECT, getSweep, listRuns, listSavedViews } from "../../prisma/store";
import { PROJECT_PATTERN } from "../../sweeps/logging-api";
import { loadCompare } from "./data";

export const dynamic = "force-dynamic";
export const metadata = { title: "Compare" };

export default async function ComparePage(props: { searchParams: Promise<RawSearchParams> }) {
  const sp = await props.searchParams;
  const view = parseCompareView(sp);
  if (view.runs.length === 0 && !view.sweep) {
    // the saved views of the project (the views a person comes back to)
    const savedFor = typeof sp.project === "string" && PROJECT_PATTERN.test(sp.project) ? sp.project : DEFAULT_PROJECT;
    const saved = await listSavedViews(savedFor, "compare");
    return (
      <>
        <PageHeader title="Compare runs" />
        <div className="card">
          <EmptyState title="Pick runs to compare" testId="compare-empty">
            <p>Tick runs in the runs table and press Compare, or open a sweep and compare all of its runs.</p>
            {saved.length > 0 && (
              <p data-testid="saved-view-links">
                Or open a saved view of {savedFor}:{" "}
                {saved.map((v, i) => (
                  <span key={v.id}>
                    {i > 0 && " · "}
                    <Link href={`/compare?${v.query}`}>{v.name}</Link>
                  </span>
                ))}
              </p>
            )}
            <div style={{ marginTop: 16 }}>
              <Link className="btn btn-primary" href="/">
                Go to the runs table
              </Link>
            </div>
          </EmptyState>
        </div>
      </>
    );
  }
  const query = { runs: view.runs.length ? view.runs : undefined, sweep: view.sweep ?? undefined, points: 1000 };
  // what the page draws, once the runs' metric names are known: the plain panels' metrics and
  // the custom panels' (a regex matched as the browser matches it), y and x aligned for a metric on x
  let keys: string[] = [];
  const keysFor = (names: string[]) => {
    // runs of another program log their own metrics: with none named, show theirs (validation first)
    if (sp.metrics === undefined && names.length > 0 && !view.metrics.some((m) => names.includes(m))) view.metrics = [...names].sort(validationFirst).slice(0, 2);
    const wanted = viewFetch(view.metrics, view.panels, names);
    keys = wanted.keys;
    return wanted;
  };
  const [data, sweep] = await Promise.all([loadCompare({ ...query, keysFor }), view.sweep ? getSweep(view.sweep) : null]);
  const sweepIds = [...new Set(data.runs.map((r) => r.sweepId).filter(Boolean))];
  const fromSweep = data.runs.filter((r) => r.sweepId !== null && r.sweepId === sweepIds[0]).length;
  // the runs' one sweep, named as its own page names it (its id only when it is gone or unnamed)
  const runsSweep = !sweep && sweepIds.length === 1 ? await getSweep(sweepIds[0]!) : null;
  // the project whose saved views the page offers: its runs' (or "default" when they are of several)
  const projects = new Set((await listRuns({ ids: data.runs.map((r) => r.id), limit: 1000 })).runs.map((r) => r.project));
  const project = sweep?.project ?? (projects.size === 1 ? [...projects][0] : DEFAULT_PROJECT);
  return (
    <>
      <PageHeader
        title="Compare runs"
        subtitle={
          <>
            {data.runs.length} run{data.runs.length === 1 ? "" : "s"}
            {sweep ? (
              <> of sweep <Link href={`/sweeps/${sweep.id}`}>{sweep.name}</Link></>
            ) : sweepIds.length === 1 ? (
              // (runs of no sweep beside them: the sweep's share, not all of them)
              <>
                {fromSweep === data.runs.length ? " from sweep " : `, ${fromSweep} of them from sweep `}
                <Link href={`/sweeps/${sweepIds[0]}`}>{runsSweep?.name || sweepIds[0]}</Link>
              </>
            ) : null}
          </>
        }
        actions={
          <Link className="btn" href={sweep ? `/?sweep=${sweep.id}` : "/"}>
            Back to runs
          </Link>
        }
      />
      {view.panelErrors.length > 0 && (
        <div style={{ marginBottom: 12 }} data-testid="panel-errors">
          <ErrorBox title="Some panels of this address were left out:">{view.panelErrors.join("; ")}</ErrorBox>
        </div>
      )}
      {data.missing.length > 0 && (
        <div style={{ marginBottom: 12 }}>
          <ErrorBox title="Some runs were not found:">{data.missing.join(", ")}</ErrorBox>
        </div>
      )}
      {data.runs.length === 0 ? (
        <div className="card">
          <EmptyState title="None of these runs exist" />
        </div>
      ) : (
        <CompareView initial={data} initialView={view} fetchedKeys={keys} project={project} />
      )}
    </>
  );
}
