import { expect, test } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import { e2eStore, screen } from "./runs-util";

// Journeys on the runs table (fixture database): sort by a metric, filter, choose columns,
// scroll the virtualized rows, export exactly what is shown as CSV, group seed replicates.

const visibleValues = (page: import("@playwright/test").Page, column: string) =>
  page.locator(`tr[data-testid="run-row"] td[data-column="${column}"]`).evaluateAll((cells) =>
    cells.map((c) => c.getAttribute("data-value")).filter((v) => v !== "" && v !== null).map(Number),
  );

test("runs table: sort by best val_loss and export the CSV", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
  const rows = page.getByTestId("run-row");
  await expect(rows.first()).toBeVisible();
  const total = Number((await page.locator(".subtitle").innerText()).match(/([\d,]+) runs?/)![1].replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(90);
  // Virtualized: far fewer rows in the DOM than runs.
  expect(await rows.count()).toBeLessThan(total);

  await page.getByTestId("sort-summary.val_loss_best").click();
  await expect(page).toHaveURL(/sort=summary\.val_loss_best/);
  await expect(page.locator("th[aria-sort=ascending]")).toContainText("best val_loss");
  const ascending = await visibleValues(page, "summary.val_loss_best");
  expect(ascending.length).toBeGreaterThan(10);
  expect([...ascending].sort((a, b) => a - b)).toEqual(ascending);
  await screen(page, "runs-table");

  await page.getByTestId("sort-summary.val_loss_best").click();
  await expect(page).toHaveURL(/sort=-summary\.val_loss_best/);
  await expect(page.locator("th[aria-sort=descending]")).toContainText("best val_loss");
  const first = Number(await page.locator('tr[data-testid="run-row"] td[data-column="summary.val_loss_best"]').first().getAttribute("data-value"));
  expect(first).toBeGreaterThanOrEqual(Math.max(...ascending));

  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = fs.readFileSync(await download.path(), "utf8");
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  expect(records).toHaveLength(total);
  for (const column of ["id", "name", "started", "finished", "state", "created", "runtime_s", "config.cell", "config.learning_rate", "config.dropout", "summary.val_loss_best", "derived.train_val_gap"]) {
    expect(Object.keys(records[0])).toContain(column);
  }
  const values = records.map((r) => r["summary.val_loss_best"]).filter((v) => v !== "").map(Number);
  expect(values[0]).toBe(first);
  expect([...values].sort((a, b) => b - a)).toEqual(values);
  expect(records[0].id).toBe(await rows.first().getAttribute("data-run-id"));

  // Scrolling to the bottom loads and shows the last rows.
  await page.getByTestId("runs-table-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator(`tr[data-run-id="${records[records.length - 1].id}"]`)).toBeVisible();
});

test("runs table: filter, choose columns and export exactly what is shown", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("filter-field").selectOption("config.cell");
  await page.getByTestId("filter-op").selectOption("=");
  await page.getByTestId("filter-value").fill("lstm");
  await page.getByTestId("add-filter").click();
  await expect(page).toHaveURL(/filter=config\.cell%3Dlstm|filter=config\.cell=lstm/);
  await expect(page.getByTestId("filter-chip")).toHaveText(/config\.cell=lstm/);
  const cells = await page.locator('tr[data-testid="run-row"] td[data-column="config.cell"]').allInnerTexts();
  expect(cells.length).toBeGreaterThan(3);
  expect(new Set(cells)).toEqual(new Set(["lstm"]));
  const shown = Number((await page.locator(".subtitle").innerText()).match(/([\d,]+) runs?/)![1]);

  // Columns: hide "created", add the learning rate if absent; the URL holds the choice.
  await page.getByTestId("choose-columns").click();
  await expect(page.getByTestId("column-chooser")).toBeVisible();
  await page.getByTestId("column-created").uncheck();
  await expect(page).toHaveURL(/columns=/);
  await expect(page.getByTestId("sort-created")).toHaveCount(0);
  await page.getByTestId("column-derived.first_nonfinite_step").uncheck();
  await expect(page.getByTestId("sort-derived.first_nonfinite_step")).toHaveCount(0);
  await screen(page, "runs-table-columns");
  await page.getByRole("button", { name: "Done" }).click();

  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = fs.readFileSync(await (await downloadPromise).path(), "utf8");
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  expect(records).toHaveLength(shown);
  expect(new Set(records.map((r) => r["config.cell"]))).toEqual(new Set(["lstm"]));
  expect(Object.keys(records[0])).not.toContain("created");
  expect(Object.keys(records[0])).not.toContain("derived.first_nonfinite_step");
  expect(Object.keys(records[0])).toContain("derived.train_val_gap");
});

test("runs table: curve-derived columns sort and filter like any other", async ({ page }) => {
  await page.goto("/?sort=-derived.first_nonfinite_step");
  const steps = await visibleValues(page, "derived.first_nonfinite_step");
  expect(steps.length).toBeGreaterThan(0); // the fixture has diverged runs
  const firstState = await page.getByTestId("run-row").first().getByTestId("state-badge").getAttribute("data-state");
  expect(firstState).toBe("diverged");
  await page.goto("/?filter=derived.train_val_gap>0&sort=derived.train_val_gap");
  const gaps = await visibleValues(page, "derived.train_val_gap");
  expect(gaps.every((g) => g > 0)).toBe(true);
  expect([...gaps].sort((a, b) => a - b)).toEqual(gaps);
});

test("runs table: seed replicates fold into one row per configuration, expandable", async ({ page }) => {
  const store = await e2eStore();
  const sweep = await store.createSweep({ name: "replicates-e2e", config: { method: "grid", replicates: 3, parameters: { cell: { values: ["rnn", "lstm"] } } }, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 3, state: "finished" });
  let index = 0;
  for (const cell of ["rnn", "lstm"]) {
    for (let r = 0; r < 3; r++) {
      const run = await store.createRun({ sweepId: sweep.id, index: index++, config: { task: "charlm", cell, seed: 10 + r }, params: { cell, seed: 10 + r } });
      const final = (cell === "rnn" ? 2 : 1.5) + r * 0.01;
      await store.appendRunEvents([{ runId: run.id, metrics: [{ step: 10, time: 1, values: { train_loss: final - 0.1, val_loss: final } }] }]);
      await store.finishRun(run.id, { state: "finished", lastStep: 10 });
    }
  }
  await store.disconnectPrisma();

  await page.goto(`/?sweep=${sweep.id}&sort=summary.val_loss`);
  await expect(page.getByTestId("group-seeds")).toBeChecked();
  await expect(page.locator(".subtitle")).toContainText("2 configurations · 6 runs");
  const groups = page.getByTestId("config-row");
  await expect(groups).toHaveCount(2);
  await expect(groups.first().locator('td[data-column="config.cell"]')).toHaveText("lstm");
  const mean = Number(await groups.first().locator('td[data-column="summary.val_loss"]').getAttribute("data-value"));
  expect(mean).toBeCloseTo(1.51, 6);
  await expect(groups.first().locator('td[data-column="summary.val_loss"]')).toContainText("±");
  await groups.first().getByTestId("expand-group").click();
  await expect(page.getByTestId("run-row")).toHaveCount(3);
  await screen(page, "runs-table-replicates");

  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const records = parse(fs.readFileSync(await (await downloadPromise).path(), "utf8"), { columns: true }) as Record<string, string>[];
  expect(records).toHaveLength(2);
  expect(records[0].runs).toBe("3");
  expect(Number(records[0]["summary.val_loss"])).toBeCloseTo(1.51, 6);
  expect(Number(records[0]["summary.val_loss ±95%"])).toBeGreaterThan(0);

  // Ungrouped on request.
  await page.getByTestId("group-seeds").click();
  await expect(page).toHaveURL(/group=none/);
  await expect(page.getByTestId("run-row")).toHaveCount(6);
});

test("runs table: selecting runs opens the compare view", async ({ page }) => {
  await page.goto("/");
  const rows = page.getByTestId("run-row");
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    await rows.nth(i).getByTestId("select-run").check();
    ids.push((await rows.nth(i).getAttribute("data-run-id"))!);
  }
  await expect(page.getByTestId("selection-count")).toHaveText("2 selected");
  await page.getByTestId("compare-selected").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?runs=${ids.join(",")}`));
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
  const table = await request.get("/api/compare/table?sort=derived.nope");
  expect(table.status()).toBe(400);
  expect((await table.json()).issues[0].path).toBe("sort");
});
