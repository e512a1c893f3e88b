import Link from "next/link";
import { RefreshOnFirstRun } from "./_components/runs/RefreshOnFirstRun";
import { RunsCount, RunsCountProvider } from "./_components/runs/RunsCount";
import { RunsView } from "./_components/runs/RunsView";
import { EmptyState, ErrorBox, PageHeader } from "./_components/ui";
import { searchParamsFromRecord, type RawSearchParams } from "./_lib/url";
import { loadTable, resolveTableView } from "./runs/table-data";
import { countRuns, getSweep, RunsTableParams } from "../prisma/store";

export const dynamic = "force-dynamic";
export const metadata = { title: "Runs" };

// The runs table. The server renders the first page of the view named by the URL (filters,
// sort, columns, grouping); the client virtualizes and fetches further pages as they scroll in.

const PAGE = 200;

function queryString(raw: RawSearchParams, drop: string[] = []): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || drop.includes(k)) continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  return q.toString();
}

export default async function RunsPage(props: { searchParams: Promise<RawSearchParams> }) {
  const raw = await props.searchParams;
  const parsed = RunsTableParams.safeParse(searchParamsFromRecord(raw, ["filter"]));
  if (!parsed.success) {
    return (
      <>
        <PageHeader title="Runs" />
        <ErrorBox title="This view's address is not valid.">
          {parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ")} — <Link href="/">show all runs</Link>
        </ErrorBox>
      </>
    );
  }
  const view = await resolveTableView(parsed.data);
  const [page, all, sweep] = await Promise.all([
    loadTable(view, { limit: view.grouped ? undefined : PAGE, offset: 0 }),
    countRuns(),
    parsed.data.sweep ? getSweep(parsed.data.sweep) : null,
  ]);
  const apiQuery = queryString(raw, ["limit", "offset"]);
  // (the count follows the live table: RunsCount)
  return (
    <RunsCountProvider view={apiQuery} initial={{ total: page.total, runs: page.runs, all }}>
      <PageHeader
        title={sweep ? <>Runs <span className="muted" style={{ fontWeight: 400 }}>· {sweep.name}</span></> : parsed.data.project ? <>Runs <span className="muted" style={{ fontWeight: 400 }} data-testid="runs-project">· project {parsed.data.project}</span></> : "Runs"}
        subtitle={
          <>
            {all === 0 ? "No runs yet" : <RunsCount groupBy={view.groupBy} />}
            {sweep && (
              <>
                {" · "}
                <Link href={`/sweeps/${sweep.id}`}>sweep page</Link> · <Link href="/">all runs</Link>
              </>
            )}
          </>
        }
        actions={
          <>
            {page.total > 0 && (
              <a className="btn" href={`/api/compare/table.csv?${apiQuery}`} download data-testid="export-csv" title="Exactly the rows and columns shown, every row">
                Export CSV
              </a>
            )}
            <Link className="btn btn-primary" href="/sweeps/new">
              New sweep
            </Link>
          </>
        }
      />
      {all === 0 ? (
        <div className="card">
          <EmptyState title="Nothing has been trained yet">
            <RefreshOnFirstRun />
            <p>Launch a sweep from the form — pick what to vary (dropout, learning rate, cell type…) and watch the runs train live.</p>
            <p className="muted">Or from a terminal, into this same database (a W&amp;B sweep YAML works as is):</p>
            <pre>{"npm run sweep -- my-sweep.yaml --concurrency 2\nnpm run seed        # example sweeps to look around"}</pre>
            <p className="muted">Or log a run of your own program (any framework) with the Python or TypeScript client:</p>
            <pre>{"PYTHONPATH=clients/python python3 -c \"import sweeplab as wandb; run = wandb.init(project='demo', config={'lr': 0.01}); run.log({'loss': 0.5}); run.finish()\""}</pre>
            <div style={{ marginTop: 16 }}>
              <Link className="btn btn-primary" href="/sweeps/new">
                Launch your first sweep
              </Link>
            </div>
          </EmptyState>
        </div>
      ) : (
        <RunsView
          initial={page}
          columns={view.columns}
          grouped={view.grouped}
          groupBy={view.groupBy}
          defaultGrouped={view.replicates > 1}
          sort={parsed.data.sort ?? { field: "created", desc: true }}
          params={raw}
          apiQuery={apiQuery}
          config={view.info.config}
          summary={view.info.summary}
        />
      )}
    </RunsCountProvider>
  );
}
