import Link from "next/link";
import { DEFAULT_PROJECT, getSweep, listCorpora } from "../../../prisma/store";
import { PROJECT_PATTERN } from "../../../sweeps/logging-api";
import { serverCalibration } from "../../_server/speed";
import { localCapacity } from "../../_server/executor";
import { PageHeader } from "../../_components/ui";
import { SweepForm } from "../../_components/sweeps/SweepForm";
import { PRESETS } from "../../_lib/sweep-presets";
import { copyOf, withProject, type SweepDoc } from "../../_lib/sweep-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "New sweep" };

/**
 * /sweeps/new?preset=ID starts from a preset; ?from=SWEEP_ID from an existing sweep's config (in
 * its project); ?project=NAME in that project, else the one chosen in the tab's nav, else "default".
 */
export default async function NewSweepPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await props.searchParams;
  const from = typeof sp.from === "string" && /^[0-9a-z]{4,32}$/.test(sp.from) ? await getSweep(sp.from) : null;
  const preset = PRESETS.find((p) => p.id === sp.preset) ?? (from ? undefined : PRESETS[0]);
  const urlProject = typeof sp.project === "string" && PROJECT_PATTERN.test(sp.project) ? sp.project : undefined;
  const project = from?.project ?? urlProject;
  const initial: SweepDoc = withProject(from ? copyOf(from.config, from.name) : preset!.doc, project ?? DEFAULT_PROJECT);
  // the form's time estimate at this machine's speed, once its executor has finished a few runs
  const calibration = await serverCalibration({ fresh: true });
  return (
    <>
      <PageHeader
        title="New sweep"
        subtitle={
          from ? (
            <>
              Starting from <Link href={`/sweeps/${from.id}`}>{from.name}</Link>, with a new seed: its draws differ (set seed: {from.seed} to repeat them)
            </>
          ) : (
            "Choose what to vary, check the run count, launch."
          )
        }
        actions={
          <Link className="btn" href="/sweeps">
            All sweeps
          </Link>
        }
      />
      <SweepForm initial={initial} projectFromNav={project === undefined} initialPreset={preset?.id} corpora={(await listCorpora()).map((c) => c.name)} capacity={localCapacity()} calibration={calibration} />
    </>
  );
}

