import { notFound } from "next/navigation";
import { resolveRunConfig } from "../../../engine/config";
import { appliedConfigKeys, TASK_INFO } from "../../../engine/tasks";
import { RunView, type TaskFacts } from "../../_components/runs/run/RunView";
import type { RawSearchParams } from "../../_lib/url";
import { getCorpus, getSweep, hasRunCheckpoint } from "../../../prisma/store";
import { loadRunLive } from "./data";

export const dynamic = "force-dynamic";

const TABS = ["charts", "diagnostics", "samples", "logs", "config", "cells"] as const;

export async function generateMetadata(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  return { title: /^[0-9a-z]{4,32}$/.test(id) ? `Run ${id}` : "Run not found" };
}

export default async function RunPage(props: { params: Promise<{ id: string }>; searchParams: Promise<RawSearchParams> }) {
  const { id } = await props.params;
  const sp = await props.searchParams;
  const data = /^[0-9a-z]{4,32}$/.test(id) ? await loadRunLive(id) : null;
  // HTTP 404 and not-found.tsx
  if (!data) notFound();
  const sweep = data.run.sweepId ? await getSweep(data.run.sweepId) : null;
  const corpus = data.run.config.task === "charlm" ? await getCorpus(String(data.run.config.corpus ?? "builtin")) : null;
  const tab = TABS.find((t) => t === sp.tab) ?? "charts";
  return (
    <RunView
      key={id}
      initial={data}
      sweepName={sweep?.name ?? null}
      tab={tab}
      smooth={typeof sp.smooth === "string" ? sp.smooth : null}
      task={taskFacts(data.run.config)}
      corpus={corpus}
      hasCheckpoint={await hasRunCheckpoint(data.run.id)}
    />
  );
}

/** What the run's task module says applies to it: the config keys that shape it, the unit of its throughput. */
function taskFacts(config: Record<string, unknown>): TaskFacts {
  try {
    const c = resolveRunConfig(config);
    return { applied: [...appliedConfigKeys(c)], unit: TASK_INFO[c.task].unit };
  } catch {
    // a config this engine does not read: show it all
    return { applied: null, unit: "tokens" };
  }
}
