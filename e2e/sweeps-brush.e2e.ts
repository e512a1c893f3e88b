import { expect, test, type Locator, type Page } from "@playwright/test";
import { axisX, brushAxis, e2eStore, screen } from "./runs-util";

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

/** run id → the colour its swatch or legend item shows. */
async function colorsOf(items: Locator, idAttr: string): Promise<Map<string, string>> {
  const pairs = await items.evaluateAll((els, attr) => els.map((el) => [el.closest(`[${attr}]`)!.getAttribute(attr)!, el.getAttribute("data-color")!]), idAttr);
  return new Map(pairs as [string, string][]);
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

  // colours are the page's, in the order the runs were created: 30 runs show all 20 colours
  const swatches = await colorsOf(page.locator('[data-testid="sweep-run-row"] .swatch'), "data-run-id");
  expect(swatches.size).toBe(30);
  expect(new Set(swatches.values()).size).toBe(20);
});

test("a brush from the address stays as written: through the first draw and a resize, and the table keeps to it", async ({ page }) => {
  await openFixtureSweep(page);
  // 0.2 sits just above a dropout value of this sweep: a drag ending there would be snapped past
  // it, a brush read from the address must not be (it once became 0.187 after the first draw)
  const all = (await page.locator('td[data-column="config.dropout"]').allInnerTexts()).map(Number);
  expect(all.some((d) => d < 0.2 && d > 0.18), `a dropout just below 0.2 among ${all.join(", ")}`).toBe(true);
  await page.goto(`${page.url().split("?")[0]}?brush=dropout:0.2:0.4`);
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", /\d+/);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  const brushIn = async () => decodeURIComponent(new URL(page.url()).searchParams.get("brush") ?? "");
  const dropouts = async () => (await page.locator('td[data-column="config.dropout"]').allInnerTexts()).map(Number);
  for (const width of [1280, 900, 1400]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(800); // (the chart redraws on resize; a brush event would change the address)
    expect(await brushIn()).toBe("dropout:0.2:0.4");
    await expect(page.getByTestId("brush-dropout")).toHaveText("0.2–0.4");
    const shown = await dropouts();
    expect(shown.length).toBeGreaterThan(0);
    for (const d of shown) {
      expect(d).toBeGreaterThanOrEqual(0.2);
      expect(d).toBeLessThanOrEqual(0.4);
    }
  }
});

test("a list of learning rates a decade apart gets a log axis that brushes in data units, and one colour per run", async ({ page }) => {
  const lrs = [0.003, 0.01, 0.03, 0.1];
  const store = await e2eStore();
  const sweep = await store.createSweep({ name: "lr-list-e2e", config: { method: "grid", metric: { name: "val_loss", goal: "minimize" }, parameters: { learning_rate: { values: lrs }, cell: { values: ["rnn", "lstm"] } } }, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 5, state: "finished" });
  let index = 0;
  for (const cell of ["rnn", "lstm"]) {
    for (const lr of lrs) {
      const run = await store.createRun({ sweepId: sweep.id, index: index++, config: { task: "charlm", cell, learning_rate: lr }, params: { learning_rate: lr, cell } });
      const final = 1.4 + Math.abs(Math.log10(lr) + 2) * 0.4 + (cell === "rnn" ? 0.3 : 0);
      await store.appendRunEvents([{ runId: run.id, metrics: [10, 20, 30].map((step) => ({ step, time: step / 10, values: { train_loss: final + 1 / step, val_loss: final + 2 / step } })) }]);
      await store.finishRun(run.id, { state: "finished", lastStep: 30 });
    }
  }
  await store.disconnectPrisma();

  await page.goto(`/sweeps/${sweep.id}`);
  const chart = page.getByTestId("parallel-chart");
  await expect(chart).toHaveAttribute("data-rows", "8");
  await expect(chart).toHaveAttribute("data-axes", "learning_rate,cell,val_loss_best");
  await expect(page.getByTestId("axis-chip-learning_rate")).toContainText("log");
  await expect(page.getByTestId("axis-chip-learning_rate")).toHaveAttribute("title", /^log axis/);
  await expect(page.getByTestId("axis-chip-val_loss_best")).not.toContainText("log");
  await screen(page, "sweep-lr-list-log-axis");

  // every run its own colour, the same in the table and in the curves' legend
  const swatches = await colorsOf(page.locator('[data-testid="sweep-run-row"] .swatch'), "data-run-id");
  expect(swatches.size).toBe(8);
  expect(new Set(swatches.values()).size).toBe(8);
  await expect(page.getByTestId("sweep-curves").getByTestId("legend-item")).toHaveCount(8);
  const legend = await colorsOf(page.getByTestId("sweep-curves").getByTestId("legend-item"), "data-key");
  expect(legend).toEqual(swatches);

  // the lower part of the axis: the small learning rates (a log axis spreads them apart)
  await brushAxis(page, "learning_rate", 0.55, 0.98);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  const brush = decodeURIComponent(new URL(page.url()).searchParams.get("brush")!);
  const [, lo, hi] = /^learning_rate:([^:]+):([^:,]+)/.exec(brush)!.map(Number);
  const kept = lrs.filter((lr) => lo <= lr && lr <= hi);
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThan(lrs.length);
  expect(kept).toContain(0.003);
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(kept.length * 2);
  for (const v of await page.locator('td[data-column="config.learning_rate"]').allInnerTexts()) expect(kept).toContain(Number(v));
  await expect(page.getByTestId("curves-panel")).toContainText(`${kept.length * 2} of 8`);
  // the brushed runs keep their colours
  const brushed = await colorsOf(page.locator('[data-testid="sweep-run-row"] .swatch'), "data-run-id");
  for (const [id, c] of brushed) expect(c).toBe(swatches.get(id));

  await page.getByTestId("parallel-panel").screenshot({ path: "test-results/screens/sweep-lr-list-brushed.png" });

  // hovering a row draws its line (coloured by the metric) in the run's colour
  const row = page.getByTestId("sweep-run-row").first();
  const color = (await row.locator(".swatch").getAttribute("data-color"))!;
  const pixels = () => page.getByTestId("parallel-chart").locator("canvas").first().evaluate((cv: HTMLCanvasElement, hex) => {
    const d = cv.getContext("2d")!.getImageData(0, 0, cv.width, cv.height).data;
    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && rgb.every((c, k) => Math.abs(d[i + k] - c) < 8)) n++;
    return n;
  }, color);
  const before = await pixels();
  await row.hover();
  await expect.poll(pixels).toBeGreaterThan(before + 300);
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
