import Link from "next/link";
import { RunView } from "../../_components/runs/run/RunView";
import { EmptyState } from "../../_components/ui";
import type { RawSearchParams } from "../../_lib/url";
import { getCorpus, getSweep } from "../../../prisma/store";
import { loadRunLive } from "./data";

export const dynamic = "force-dynamic";

const TABS = ["charts", "diagnostics", "samples", "logs", "config", "cells"] as const;

export async function generateMetadata(props: { params: Promise<{ id: string }> }) {
  return { title: `Run ${(await props.params).id}` };
}

export default async function RunPage(props: { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> }) {
  const { id } = await props.params;
  const sp = await props.searchParams;
  const data = /^[0-9a-z]{4,32}$/.test(id) ? await loadRunLive(id) : null;
  if (!data) {
    return (
      <div className="card">
        <EmptyState title={`Run ${id.slice(0, 40)} not found`} testId="run-not-found">
          <Link href="/">Back to the runs table</Link>
        </EmptyState>
      </div>
    );
  }
  const sweep = data.run.sweepId ? await getSweep(data.run.sweepId) : null;
  const corpus = data.run.config.task === "charlm" ? await getCorpus(String(data.run.config.corpus ?? "builtin")) : null;
  const tab = TABS.find((t) => t === sp.tab) ?? "charts";
  return <RunView key={id} initial={data} sweepName={sweep?.name ?? null} tab={tab} smooth={typeof sp.smooth === "string" ? sp.smooth : null} corpus={corpus} />;
}
