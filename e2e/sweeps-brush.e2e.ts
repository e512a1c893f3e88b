import { expect, test, type Page } from "@playwright/test";

// A sweep seeded by e2e/server.mjs (prisma/fixtures.ts): 30 finished runs. Other journeys add
// sweeps of their own, so find it by name rather than by position.
const FIXTURE_SWEEP = "dropout-x-lr";

// Journey: open a finished fixture sweep, brush the parallel coordinates by dragging along
// the dropout axis, and see the run table (and the curves) follow; reorder the axes; clear.

async function openFixtureSweep(page: Page) {
  await page.goto("/sweeps");
  await page.getByTestId("sweep-row").filter({ hasText: FIXTURE_SWEEP }).getByRole("link").first().click();
  await expect(page.getByTestId("parallel-chart")).toBeVisible();
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", /\d+/);
}

/** Pixel position of an axis of the ECharts parallel chart (axes evenly spaced between the grid margins). */
async function axisX(page: Page, key: string) {
  const chart = page.getByTestId("parallel-chart");
  const box = (await chart.boundingBox())!;
  const axes = (await chart.getAttribute("data-axes"))!.split(",");
  const i = axes.indexOf(key);
  expect(i).toBeGreaterThanOrEqual(0);
  const [left, right] = [56, 96];
  return { x: box.x + left + (i * (box.width - left - right)) / (axes.length - 1), top: box.y + 46, bottom: box.y + box.height - 28 };
}

test("brush the parallel coordinates and the table follows", async ({ page }) => {
  await openFixtureSweep(page);
  const rows = page.getByTestId("sweep-run-row");
  const total = await rows.count();
  expect(total).toBe(30);
  await expect(page.getByTestId("table-count")).toHaveText("30");

  // drag along the dropout axis over its upper half (high dropout)
  const a = await axisX(page, "dropout");
  const y0 = a.top + 4;
  const y1 = a.top + (a.bottom - a.top) * 0.5;
  await page.mouse.move(a.x, y0);
  await page.mouse.down();
  await page.mouse.move(a.x, (y0 + y1) / 2, { steps: 5 });
  await page.mouse.move(a.x, y1, { steps: 5 });
  await page.mouse.up();

  await expect(page).toHaveURL(/brush=dropout%3A|brush=dropout:/);
  const brush = decodeURIComponent(new URL(page.url()).searchParams.get("brush")!);
  const [, lo, hi] = /^dropout:([^:]+):([^:,]+)/.exec(brush)!.map(Number);
  expect(hi).toBeGreaterThan(lo);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(total);
  const dropouts = await page.locator('td[data-column="config.dropout"]').allInnerTexts();
  expect(dropouts).toHaveLength(shown);
  for (const d of dropouts.map(Number)) {
    expect(d).toBeGreaterThanOrEqual(lo - 1e-3);
    expect(d).toBeLessThanOrEqual(hi + 1e-3);
  }
  await expect(page.getByTestId("brush-dropout")).toBeVisible();
  // the curves panel follows the brush too
  await expect(page.getByTestId("curves-panel")).toContainText(`${shown} of 30`);

  // a second brush, on a categorical axis, narrows further
  const c = await axisX(page, "cell");
  await page.mouse.move(c.x, c.top + 2);
  await page.mouse.down();
  await page.mouse.move(c.x, c.top + (c.bottom - c.top) * 0.3, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByTestId("brush-cell")).toBeVisible();
  const cells = await page.locator('td[data-column="config.cell"]').allInnerTexts();
  expect(new Set(cells).size).toBe(1);
  expect(cells.length).toBeLessThanOrEqual(shown);

  await page.screenshot({ path: "test-results/screens/sweep-brushed.png", fullPage: true });

  // reload: the brush is in the address, so the view comes back
  await page.reload();
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(cells.length);

  await page.getByTestId("clear-brush").click();
  await expect(rows).toHaveCount(30);
  await expect(page).not.toHaveURL(/brush=/);
  await page.screenshot({ path: "test-results/screens/sweep-page.png", fullPage: true });
});

test("reorder the parallel-coordinates axes by keyboard and by drag", async ({ page }) => {
  await openFixtureSweep(page);
  const chart = page.getByTestId("parallel-chart");
  const before = (await chart.getAttribute("data-axes"))!.split(",");
  await page.getByTestId(`axis-chip-${before[0]}`).focus();
  await page.keyboard.press("ArrowRight");
  await expect(chart).toHaveAttribute("data-axes", [before[1], before[0], ...before.slice(2)].join(","));
  await expect(page).toHaveURL(new RegExp(`axes=${before[1]}%2C${before[0]}|axes=${before[1]},${before[0]}`));

  const metric = before[before.length - 1];
  await page.getByTestId(`axis-chip-${metric}`).dragTo(page.getByTestId(`axis-chip-${before[1]}`));
  const after = (await chart.getAttribute("data-axes"))!.split(",");
  expect(after[0]).toBe(metric);
  expect([...after].sort()).toEqual([...before].sort());
});
