import path from "node:path";
import { notFound } from "next/navigation";
import { getSweep, listRuns } from "../../../prisma/store";
import { SweepView } from "../../_components/sweeps/SweepView";
import { computedImportance, configWarnings, loadProgress } from "../data";
import { ownSettings } from "../replay";

export const dynamic = "force-dynamic";

export async function generateMetadata(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const sweep = /^[0-9a-z]{4,32}$/.test(id) ? await getSweep(id) : null;
  return { title: sweep ? sweep.name : "Sweep not found" };
}

export default async function SweepPage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await props.params;
  const sweep = /^[0-9a-z]{4,32}$/.test(id) ? await getSweep(id) : null;
  // (layout.tsx answers 404 for a missing sweep before the page streams)
  if (!sweep) notFound();
  const [progress, { runs }] = await Promise.all([loadProgress(sweep), listRuns({ sweepId: sweep.id, sort: { field: "index", desc: false }, limit: 100_000 })]);
  // the command a program sweep's page shows runs this copy's CLI by its absolute path (the server runs in its root)
  const agentScript = path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts", "cli.mjs");
  // the importance panel's first answer with the page when it is computed (its request waited for the page to hydrate)
  const importance = sweep.metricName ? computedImportance(sweep, runs) : null;
  return <SweepView key={sweep.id} sweep={sweep} initialProgress={progress} initialRuns={runs} initialImportance={importance} warnings={configWarnings(sweep)} earlyTerminate={ownSettings(sweep)} agentScript={agentScript} />;
}
