import { expect, test } from "@playwright/test";
import { screen } from "./runs-util";

// Journey: open a finished run from the table: headline numbers, curves, samples, logs,
// config; a diverged run explains itself.

test("run page: a finished run's curves, samples, logs and config", async ({ page }) => {
  // (the seeded engine runs: other journeys log program runs in projects of their own); a charlm
  // run, which has samples to show, whatever other engine runs a journey left in this project
  await page.goto("/?project=default&filter=state=finished&filter=config.task=charlm&sort=summary.val_loss_best");
  const row = page.getByTestId("run-row").first();
  const id = (await row.getAttribute("data-run-id"))!;
  await row.getByRole("link", { name: /-\d+$/ }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${id}`));
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished");
  const loss = page.getByTestId("run-loss-chart");
  await expect(loss).toHaveAttribute("data-curves", "train_loss,val_loss");
  // the run's colour in the header is its curve's colour
  const color = await page.getByTestId("run-swatch").getAttribute("data-color");
  await expect(loss.locator('[data-testid="legend-item"][data-key="val_loss"]')).toHaveAttribute("data-color", color!);
  await expect(page.getByTestId("run-panel-grad_norm")).toBeVisible();
  await expect(page.getByTestId("run-panel-lr")).toBeVisible();
  await screen(page, "run-page");

  await page.getByRole("tab", { name: /Samples/ }).click();
  await expect(page.getByTestId("samples")).toContainText("To be, or not to be");
  await expect(page).toHaveURL(/tab=samples/);
  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByTestId("logs")).toContainText("training");
  await page.getByRole("tab", { name: "Config" }).click();
  await expect(page.getByTestId("config")).toContainText("learning_rate");
  // the reference for a run's settings: every fraction as stored, to the last digit
  const stored = ((await (await page.request.get(`/api/runs/${id}`)).json()) as { run: { config: Record<string, unknown> } }).run.config;
  const shown = await page.getByTestId("config").locator("[data-key]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-key")!, e.textContent!] as const));
  const fractions = shown.filter(([k]) => typeof stored[k] === "number" && !Number.isInteger(stored[k]));
  expect(fractions.map(([k]) => k)).toContain("learning_rate");
  for (const [k, text] of fractions) expect(text, k).toBe(String(stored[k]));
  await page.getByRole("tab", { name: "Gradient flow" }).click();
  await expect(page.getByTestId("no-diagnostics").or(page.getByTestId("grad-flow"))).toBeVisible();
});

test("run page: a diverged run shows where it diverged", async ({ page }) => {
  await page.goto("/?filter=state=diverged");
  await page.getByTestId("run-row").first().getByRole("link", { name: /-\d+$/ }).click();
  await expect(page.getByTestId("run-error")).toContainText("diverged at step");
  await expect(page.getByTestId("run-loss-chart")).toBeVisible();
  await screen(page, "run-page-diverged");
});

test("/runs is the runs table, its query kept", async ({ page }) => {
  await page.goto("/runs?project=default&filter=state=finished&sort=summary.val_loss_best");
  await expect(page).toHaveURL(/\/\?project=default&filter=state(=|%3D)finished&sort=summary\.val_loss_best$/);
  await expect(page.getByTestId("runs-table")).toBeVisible();
  await expect(page.getByTestId("filter-chip")).toContainText("state=finished");
  await expect(page.getByTestId("run-row").first()).toBeVisible();
  await expect(page.getByText("Page not found")).toHaveCount(0);
});
