import { expect, test } from "@playwright/test";
import { screen } from "./runs-util";

// Journey: open a sweep's runs in the compare view, group by `cell` and see mean lines with
// bands; switch the band to ±std; hide a group.

test("compare: group a sweep by cell and see bands", async ({ page, request }) => {
  // the oldest run's sweep: a seeded fixture sweep (journeys before this one start sweeps of their own)
  const { runs } = (await (await request.get("/api/runs?limit=1&sort=created")).json()) as { runs: { sweepId: string }[] };
  const sweep = runs[0].sweepId;
  await page.goto(`/compare?sweep=${sweep}`);
  const val = page.locator('[data-testid="compare-panel"][data-metric="val_loss"] [data-testid="curve-chart"]');
  await expect(val).toHaveAttribute("data-grouped", "false");
  // ungrouped, the sweep's first twenty runs take twenty different colours
  const runColors = await page.getByTestId("legend-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-color")));
  expect(runColors.length).toBeGreaterThanOrEqual(20);
  expect(new Set(runColors.slice(0, 20)).size).toBe(20);
  await page.getByTestId("group-by").selectOption("cell");
  await expect(page).toHaveURL(/group=cell/);
  await expect(val).toHaveAttribute("data-grouped", "true");
  const legend = page.getByTestId("legend-item");
  await expect(legend).toHaveCount(3);
  await expect(legend).toContainText([/cell=gru \(\d+\)/, /cell=lstm \(\d+\)/, /cell=rnn \(\d+\)/]);
  await expect(val).toHaveAttribute("data-curves", "cell=gru,cell=lstm,cell=rnn");

  // Hover: one tooltip row per group with its member count.
  const box = (await val.getByTestId("chart-plot").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await expect(page.getByTestId("tooltip-row")).toHaveCount(3);
  await expect(page.getByTestId("tooltip-row").first()).toContainText("n=");
  await screen(page, "compare-group-minmax");

  await page.getByTestId("band").selectOption("std");
  await expect(page).toHaveURL(/band=std/);
  await legend.filter({ hasText: "cell=rnn" }).click();
  await expect(val).toHaveAttribute("data-curves", "cell=gru,cell=lstm");
  await page.mouse.move(0, 0);
  await screen(page, "compare-group-std");
});
