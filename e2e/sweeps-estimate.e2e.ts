import { expect, test, type Page } from "@playwright/test";
import os from "node:os";
import { MEASURED_SPEED, type Speed } from "../engine/speed";
import { parseSweepConfig } from "../sweeps/config";
import { thisHost } from "../sweeps/executor/coordinator";
import { calibrateSpeed, CALIBRATION_MIN_CPU_PERCENT, estimateSweepTime } from "../sweeps/estimate";
import { formatEstimate } from "../app/_lib/sweep-form";
import { PRESETS } from "../app/_lib/sweep-presets";
import { startOwnServer } from "./own-server";
import { screen } from "./runs-util";

// Journey: on a new server the form prices a sweep at the engine's recorded speed and says so;
// once the server has finished a few runs, at the speed those runs show. Both figures are
// checked against what they are computed from: the recorded constants, then the stored runs.

const STEPS = 200_000;
const preset = PRESETS.find((p) => p.id === "charlm-dropout-lr")!;
/** The preset as the form holds it once steps reads STEPS. */
const config = (() => {
  const parsed = parseSweepConfig({ ...preset.doc, parameters: { ...(preset.doc.parameters as Record<string, unknown>), steps: { value: STEPS } } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
})();
const capacity = { workers: 2, cores: os.cpus().length };
const expected = (speed: Speed) => formatEstimate(estimateSweepTime(config, capacity, speed)!.wallMs!);

async function openLongPreset(page: Page, base: string) {
  await page.goto(`${base}/sweeps/new?preset=${preset.id}`);
  await page.getByTestId("field-parameters.steps.value").fill(String(STEPS));
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");
}

test("the form's time estimate: the recorded speed on a new server, then the speed of the runs it finished", async ({ page }) => {
  test.setTimeout(120_000);
  const own = await startOwnServer("estimate", { env: { SWEEPLAB_CONCURRENCY: "2" } });
  try {
    await openLongPreset(page, own.base);
    const time = page.getByTestId("time-estimate");
    await expect(time.locator(".sw-time-value")).toHaveText(expected(MEASURED_SPEED));
    await expect(page.getByTestId("time-estimate-basis")).toHaveText(/^An estimate from the engine's speed measured on an idle 2-core machine; yours may differ \(after 5 finished runs, this server's own speed\)\.$/);

    // the preset as it is (200 steps) trains nine runs in seconds
    await page.getByTestId("preset").selectOption(preset.id);
    await page.getByTestId("launch").click();
    await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
    await expect(page.locator(".page-header [data-testid=state-badge]")).toHaveAttribute("data-state", "finished", { timeout: 60_000 });

    // the stored runs, read as the page reads them (the own server's database)
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = own.databaseUrl;
    const { recentRunTimes } = await import("../prisma/store");
    const runs = await recentRunTimes({ host: thisHost() });
    process.env.DATABASE_URL = previous;
    expect(runs).toHaveLength(9);
    const calibration = calibrateSpeed(runs)!;
    // all nine, unless a worker had under half a core at its run's end (a loaded machine)
    expect(calibration.runs).toBe(runs.filter((r) => !(typeof r.cpuPercent === "number" && r.cpuPercent < CALIBRATION_MIN_CPU_PERCENT)).length);
    expect(calibration.runs).toBeGreaterThanOrEqual(5);

    await openLongPreset(page, own.base);
    await expect(page.getByTestId("time-estimate-basis")).toHaveText(`An estimate at the speed of the last ${calibration.runs} runs this server finished.`);
    await expect(time.locator(".sw-time-value")).toHaveText(expected(calibration.speed));
    await screen(page, "new-sweep-estimate-calibrated");
  } finally {
    own.stop();
  }
});
