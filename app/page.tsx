import Link from "next/link";
import { listRuns, RunsQueryParams, toListRunsQuery } from "../prisma/store";
import { EmptyState, ErrorBox, PageHeader } from "./_components/ui";
import { RunsTable } from "./_components/runs/RunsTable";
import { searchParamsFromRecord } from "./_lib/url";

export const dynamic = "force-dynamic";
export const metadata = { title: "Runs" };

const PAGE_SIZE = 500;

export default async function RunsPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await props.searchParams;
  const parsed = RunsQueryParams.safeParse(searchParamsFromRecord(raw, ["filter"]));
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
  const query = toListRunsQuery(parsed.data);
  const { runs, total } = await listRuns({ ...query, limit: query.limit ?? PAGE_SIZE });
  const csvHref = `/api/runs/export.csv?${new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (k === "limit" || k === "offset" || v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x])))).toString()}`;
  return (
    <>
      <PageHeader
        title="Runs"
        subtitle={total === 0 ? "No runs yet" : `${total.toLocaleString("en-US")} run${total === 1 ? "" : "s"}${total > runs.length ? `, showing ${runs.length.toLocaleString("en-US")}` : ""}`}
        actions={
          <>
            {total > 0 && (
              <a className="btn" href={csvHref} download data-testid="export-csv">
                Export CSV
              </a>
            )}
            <Link className="btn btn-primary" href="/sweeps/new">
              New sweep
            </Link>
          </>
        }
      />
      {total === 0 ? (
        <div className="card">
          <EmptyState title="Nothing has been trained yet">
            <p>Launch a sweep from the form — pick what to vary (dropout, learning rate, cell type…) and watch the runs train live.</p>
            <p className="muted">Or from a terminal:</p>
            <pre>{"npm run train -- --task charlm --cell lstm\nnpm run sweep -- my-sweep.yaml"}</pre>
            <div style={{ marginTop: 16 }}>
              <Link className="btn btn-primary" href="/sweeps/new">
                Launch your first sweep
              </Link>
            </div>
          </EmptyState>
        </div>
      ) : (
        <RunsTable runs={runs} sort={parsed.data.sort ?? { field: "created", desc: true }} params={raw} />
      )}
    </>
  );
}
