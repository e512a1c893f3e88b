import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";

// A sweep seeded by e2e/server.mjs (prisma/fixtures.ts): 30 finished runs. Other journeys add
// sweeps of their own, so find it by name rather than by position.
const FIXTURE_SWEEP = "dropout-x-lr";

// Journey: on a fixture sweep's page, export the CSV of the sweep's runs and check that it
// has one row per run of this sweep (and no other), with the config and summary columns.

test("export the CSV of a sweep's runs", async ({ page }) => {
  await page.goto("/sweeps");
  const row = page.getByTestId("sweep-row").filter({ hasText: FIXTURE_SWEEP });
  const sweepId = (await row.getAttribute("data-sweep-id"))!;
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/sweeps/${sweepId}`));
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(30);
  const tableIds = await page.getByTestId("sweep-run-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
  expect(tableIds.length).toBe(30);

  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("table-export-csv").click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`sweeplab-sweep-${sweepId}-runs.csv`);
  const records = parse(fs.readFileSync(await download.path(), "utf8"), { columns: true }) as Record<string, string>[];

  expect(records).toHaveLength(30);
  expect(new Set(records.map((r) => r.id))).toEqual(new Set(tableIds));
  for (const r of records) expect(r.sweep).toBe(sweepId);
  const columns = Object.keys(records[0]);
  for (const c of ["id", "name", "state", "created", "started", "finished", "runtime_s", "config.cell", "config.learning_rate", "config.dropout", "config.hidden_size", "config.steps", "summary.val_loss", "summary.val_loss_best", "summary.val_loss_best_step", "summary.lr"]) {
    expect(columns).toContain(c);
  }
  // values agree with the table: states, and the metric of the first row shown
  const firstId = tableIds[0]!;
  const first = records.find((r) => r.id === firstId)!;
  const cell = page.locator(`tr[data-run-id="${firstId}"] td[data-column="summary.val_loss_best"]`);
  expect(Number(await cell.getAttribute("data-value"))).toBeCloseTo(Number(first["summary.val_loss_best"]), 9);
  const states = await page.getByTestId("sweep-run-row").evaluateAll((rows) => rows.map((r) => [r.getAttribute("data-run-id"), r.getAttribute("data-state")]));
  for (const [id, state] of states) expect(records.find((r) => r.id === id)!.state).toBe(state);

  // the same file from the header's button
  const again = page.waitForEvent("download");
  await page.getByTestId("sweep-export-csv").click();
  expect((await again).suggestedFilename()).toBe(`sweeplab-sweep-${sweepId}-runs.csv`);
});
