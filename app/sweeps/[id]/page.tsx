import Link from "next/link";
import { getSweep, listRuns } from "../../../prisma/store";
import { SweepView } from "../../_components/sweeps/SweepView";
import { EmptyState, PageHeader } from "../../_components/ui";
import { configWarnings, loadProgress } from "../data";

export const dynamic = "force-dynamic";

export async function generateMetadata(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const sweep = /^[0-9a-z]{4,32}$/.test(id) ? await getSweep(id) : null;
  return { title: sweep ? sweep.name : "Sweep not found" };
}

export default async function SweepPage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await props.params;
  const sweep = /^[0-9a-z]{4,32}$/.test(id) ? await getSweep(id) : null;
  if (!sweep) {
    return (
      <>
        <PageHeader title="Sweep not found" />
        <div className="card">
          <EmptyState title={`There is no sweep "${id.slice(0, 40)}"`} testId="sweep-not-found">
            <p>It may have been created on another database. Pick one from the list, or launch a new one.</p>
            <div className="row" style={{ justifyContent: "center", marginTop: 16 }}>
              <Link className="btn" href="/sweeps">
                All sweeps
              </Link>
              <Link className="btn btn-primary" href="/sweeps/new">
                New sweep
              </Link>
            </div>
          </EmptyState>
        </div>
      </>
    );
  }
  const [progress, { runs }] = await Promise.all([loadProgress(sweep), listRuns({ sweepId: sweep.id, sort: { field: "index", desc: false }, limit: 100_000 })]);
  return <SweepView key={sweep.id} sweep={sweep} initialProgress={progress} initialRuns={runs} warnings={configWarnings(sweep)} />;
}
