import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";

// Journey: open the runs table on the fixture database, sort by a metric, download the CSV
// and check its rows against what the table shows.

test("runs table: sort by best val_loss and export the CSV", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
  const rows = page.getByTestId("run-row");
  await expect(rows.first()).toBeVisible();
  const total = Number((await page.locator(".subtitle").innerText()).match(/([\d,]+) runs?/)![1].replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(90);

  await page.getByTestId("sort-summary.val_loss_best").click();
  await expect(page).toHaveURL(/sort=summary\.val_loss_best/);
  const ascending = await page.locator('td[data-column="summary.val_loss_best"]').evaluateAll((cells) =>
    cells.map((c) => c.getAttribute("data-value")).filter((v) => v !== "").map(Number),
  );
  expect(ascending.length).toBeGreaterThan(50);
  expect([...ascending].sort((a, b) => a - b)).toEqual(ascending);

  await page.getByTestId("sort-summary.val_loss_best").click();
  await expect(page).toHaveURL(/sort=-summary\.val_loss_best/);
  const first = Number(await page.locator('td[data-column="summary.val_loss_best"]').first().getAttribute("data-value"));
  expect(first).toBe(Math.max(...ascending));

  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = fs.readFileSync(await download.path(), "utf8");
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  expect(records).toHaveLength(total);
  for (const column of ["id", "name", "state", "created", "runtime", "cell", "learning_rate", "dropout", "val_loss_best"]) {
    expect(Object.keys(records[0])).toContain(column);
  }
  // Same order as the table: best val_loss descending, missing values last.
  const values = records.map((r) => r.val_loss_best).filter((v) => v !== "").map(Number);
  expect(values[0]).toBe(first);
  expect([...values].sort((a, b) => b - a)).toEqual(values);
  const firstRowId = await rows.first().getAttribute("data-run-id");
  expect(records[0].id).toBe(firstRowId);
});

test("runs table: a broken view address explains itself", async ({ page }) => {
  await page.goto("/?sort=config.bad;key");
  await expect(page.locator(".alert")).toContainText("sort: unknown column");
  await page.getByRole("link", { name: "show all runs" }).click();
  await expect(page.getByTestId("run-row").first()).toBeVisible();
});

test("runs API: bad input gets the error shape", async ({ request }) => {
  const bad = await request.get("/api/runs?state=exploded");
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(body.error).toContain("state");
  expect(body.issues[0].path).toBe("state.0");
  const missing = await request.get("/api/runs/nosuchrun");
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error).toContain("not found");
});
