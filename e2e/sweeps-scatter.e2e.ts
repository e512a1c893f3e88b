import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";

// Journey: on a finished fixture sweep (30 runs, e2e/server.mjs), the scatter panel plots a
// swept parameter against the metric (slice plot); switch to one metric against another,
// colour by step, log axes; drag a rectangle and the run table keeps the runs inside it. The
// points are the API's stored numbers; the view is in the URL.

const FIXTURE_SWEEP = "dropout-x-lr";

interface ApiRun {
  id: string;
  params: Record<string, unknown>;
  config: Record<string, unknown>;
  summary: Record<string, number | null>;
  lastStep: number;
}

/** runId → [x, y, colour?] as the chart holds them. */
async function plotted(page: Page): Promise<Map<string, number[]>> {
  const text = (await page.getByTestId("scatter-chart").getAttribute("data-points")) ?? "";
  return new Map(text.split(",").filter(Boolean).map((p) => {
    const [id, values] = p.split("=");
    return [id, values.split(":").map(Number)];
  }));
}

/** Drag a rectangle from near the plot's top-left corner to 70% across and 80% down. */
async function dragRectangle(page: Page) {
  await page.getByTestId("scatter-chart").scrollIntoViewIfNeeded();
  const box = (await page.getByTestId("scatter-chart").boundingBox())!;
  await page.mouse.move(box.x + 70, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
}

const value = (r: ApiRun, key: string) => (key in r.summary ? r.summary[key] : (r.params[key] ?? r.config[key]));

/** Open the fixture sweep's page from the sweeps list: its scatter chart, and its runs as the API stores them. */
async function openFixtureSweep(page: Page, request: APIRequestContext): Promise<{ chart: Locator; runs: ApiRun[] }> {
  await page.goto("/sweeps");
  await page.getByTestId("sweep-row").filter({ hasText: FIXTURE_SWEEP }).getByRole("link").first().click();
  const chart = page.getByTestId("scatter-chart");
  await expect(chart).toBeVisible();
  const sweepId = new URL(page.url()).pathname.split("/").pop()!;
  const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}&limit=1000`)).json()) as { runs: ApiRun[] };
  return { chart, runs };
}

test("scatter: slice plot, metric against metric, colour, log axes, and a rectangle brushes the table", async ({ page, request }) => {
  const { chart, runs } = await openFixtureSweep(page, request);
  expect(runs.length).toBe(30);
  const byId = new Map(runs.map((r) => [r.id, r]));

  /** Every point is its run's stored pair; every run with both values has its point. */
  async function expectStored(x: string, y: string, colour?: string) {
    await expect(chart).toHaveAttribute("data-x", x);
    await expect(chart).toHaveAttribute("data-y", y);
    const points = await plotted(page);
    const expected = runs.filter((r) => typeof value(r, x) === "number" && typeof value(r, y) === "number");
    expect(points.size).toBe(expected.length);
    for (const [id, [px, py, pc]] of points) {
      const r = byId.get(id)!;
      expect(px).toBe(value(r, x));
      expect(py).toBe(value(r, y));
      if (colour === "step") expect(pc).toBe(r.summary.step ?? r.lastStep);
    }
    await expect(page.getByTestId("scatter-count")).toContainText(`${points.size} run`);
  }

  // the default: the first swept parameter against the sweep's metric
  const x0 = (await chart.getAttribute("data-x"))!;
  const y0 = (await chart.getAttribute("data-y"))!;
  expect(y0).toMatch(/^val_loss/);
  const params = Object.keys(runs[0].params);
  expect(params).toContain(x0);
  await expectStored(x0, y0);

  // each axis follows its field's scale until asked otherwise: the learning rate is searched
  // log-uniform (a log axis), dropout uniform (linear); choosing another field forgets the choice
  const panel = page.getByTestId("scatter-panel");
  await panel.getByLabel("Scatter x").selectOption("learning_rate");
  await expect(panel.getByLabel("Log x")).toBeChecked();
  await expect(panel.getByLabel("Log y")).not.toBeChecked();
  await panel.getByLabel("Scatter x").selectOption("dropout");
  await expect(panel.getByLabel("Log x")).not.toBeChecked();
  await panel.getByLabel("Scatter x").selectOption("learning_rate");
  await expect(panel.getByLabel("Log x")).toBeChecked();
  expect(new URL(page.url()).searchParams.has("slog")).toBe(false);
  await panel.getByLabel("Log x").uncheck();
  await expect(page).toHaveURL(/slin=x/);
  await page.reload();
  await expect(panel.getByLabel("Log x")).not.toBeChecked();
  await expectStored("learning_rate", y0);

  // one metric against another, coloured by step, log y
  await panel.getByLabel("Scatter x").selectOption("train_loss");
  await panel.getByLabel("Scatter colour").selectOption("step");
  await panel.getByLabel("Log y").check();
  await expect(page).toHaveURL(/sx=train_loss/);
  await expect(page).toHaveURL(/sc=step/);
  await expect(page).toHaveURL(/slog=y/);
  await expectStored("train_loss", y0, "step");
  await page.screenshot({ path: "test-results/screens/sweep-scatter-full.png", fullPage: false });

  // the view comes back from the URL
  await page.reload();
  await expect(chart).toHaveAttribute("data-x", "train_loss");
  await expect(panel.getByLabel("Log y")).toBeChecked();

  // drag a rectangle over the middle of the plot: the table keeps the runs inside it
  await panel.getByLabel("Log y").uncheck();
  await expect(page).not.toHaveURL(/slog=/);
  await chart.scrollIntoViewIfNeeded();
  await dragRectangle(page);
  await expect(page).toHaveURL(/brush=.*train_loss:/);
  const brush = decodeURIComponent(new URL(page.url()).searchParams.get("brush")!);
  const range = (key: string) => {
    const m = new RegExp(`(?:^|,)${key}:([^:,]+):([^:,]+)`).exec(brush)!;
    return [Number(m[1]), Number(m[2])];
  };
  const [xlo, xhi] = range("train_loss");
  const [ylo, yhi] = range(y0);
  const inside = [...(await plotted(page))].filter(([, [px, py]]) => px >= xlo && px <= xhi && py >= ylo && py <= yhi).map(([id]) => id);
  expect(inside.length).toBeGreaterThan(0);
  expect(inside.length).toBeLessThan(30);
  await expect(page.getByTestId("table-count")).toContainText(`${inside.length} of 30`);
  const shown = await page.getByTestId("sweep-run-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-run-id")));
  expect(new Set(shown)).toEqual(new Set(inside));
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: "test-results/screens/sweep-scatter.png" });

  // Clear brush: every run again
  await page.getByTestId("clear-brush").click();
  await expect(page.getByTestId("table-count")).toHaveText("30");
});

test("scatter in compare: a rectangle shows only the runs inside it", async ({ page, request }) => {
  const { sweeps } = (await (await request.get("/api/sweeps")).json()) as { sweeps: { id: string; name: string }[] };
  const sweep = sweeps.find((s) => s.name === FIXTURE_SWEEP)!;
  const { runs } = (await (await request.get(`/api/runs?sweep=${sweep.id}&limit=1000`)).json()) as { runs: ApiRun[] };
  await page.goto(`/compare?sweep=${sweep.id}`);
  const chart = page.getByTestId("scatter-chart");
  await expect(chart).toBeVisible();
  const panel = page.getByTestId("scatter-panel");
  await panel.getByLabel("Scatter x").selectOption("train_loss");
  const y = (await chart.getAttribute("data-y"))!;
  const points = await plotted(page);
  const byId = new Map(runs.map((r) => [r.id, r]));
  expect(points.size).toBe(runs.filter((r) => typeof value(r, "train_loss") === "number" && typeof value(r, y) === "number").length);
  for (const [id, [px, py]] of points) {
    expect(px).toBe(value(byId.get(id)!, "train_loss"));
    expect(py).toBe(value(byId.get(id)!, y));
  }
  await dragRectangle(page);
  const legend = page.getByTestId("legend-item");
  await expect(legend.and(page.locator('[data-hidden="true"]')).first()).toBeVisible();
  const shown = await legend.and(page.locator('[data-hidden="false"]')).evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThan(runs.length);
  // the runs shown are the points inside the rectangle: one band of train_loss and val_loss
  const inside = [...points].filter(([id]) => shown.includes(id)).map(([, p]) => p);
  const outside = [...points].filter(([id]) => !shown.includes(id)).map(([, p]) => p);
  const [xlo, xhi] = [Math.min(...inside.map((p) => p[0])), Math.max(...inside.map((p) => p[0]))];
  const [ylo, yhi] = [Math.min(...inside.map((p) => p[1])), Math.max(...inside.map((p) => p[1]))];
  for (const [px, py] of outside) expect(px >= xlo && px <= xhi && py >= ylo && py <= yhi, `${px},${py} outside yet within the kept box`).toBe(false);
  await page.screenshot({ path: "test-results/screens/compare-scatter.png" });
  await page.getByTestId("show-all").click();
  await expect(legend.and(page.locator('[data-hidden="true"]'))).toHaveCount(0);
});

test("scatter: a categorical parameter (cell) against the metric, categories in the parallel axis's order, a rectangle brushes whole categories", async ({ page, request }) => {
  const { chart, runs } = await openFixtureSweep(page, request);
  const y = (await chart.getAttribute("data-y"))!;
  const panel = page.getByTestId("scatter-panel");
  await panel.getByLabel("Scatter x").selectOption("cell");
  await expect(page).toHaveURL(/sx=cell/);
  await expect(chart).toHaveAttribute("data-x", "cell");

  // the categories: the engine's order of cells (the parallel axis's), those the runs took
  const categories = (await chart.getAttribute("data-x-categories"))!.split(",");
  const parallel = (await page.getByTestId("parallel-chart").getAttribute("data-ranges"))!.split(",").find((r) => r.startsWith("cell:"))!;
  expect(parallel).toBe(`cell:${categories.join("|")}`);
  expect(categories).toEqual(["rnn", "lstm", "gru"].filter((c) => runs.some((r) => r.params.cell === c)));

  // every point is its run's stored cell and metric; per category, as many points as the API has runs
  const text = (await chart.getAttribute("data-points"))!;
  const points = new Map(text.split(",").map((p) => {
    const [id, values] = p.split("=");
    const [cell, py] = values.split(":");
    return [id, { cell, y: Number(py) }];
  }));
  const measured = runs.filter((r) => typeof value(r, y) === "number");
  expect(points.size).toBe(measured.length);
  for (const r of measured) expect(points.get(r.id), r.id).toEqual({ cell: r.params.cell, y: value(r, y) });
  const perCategory = (cell: string) => [...points.values()].filter((p) => p.cell === cell).length;
  for (const c of categories) {
    expect(perCategory(c)).toBe(measured.filter((r) => r.params.cell === c).length);
    expect(perCategory(c), `runs of ${c}`).toBeGreaterThan(0);
  }
  // drawn in their category's band, jittered (not all on one line)
  const positions = new Map((await chart.getAttribute("data-positions"))!.split(",").map((p) => [p.split("=")[0], Number(p.split("=")[1].split(":")[0])]));
  for (const [id, px] of positions) expect(Math.abs(px - categories.indexOf(points.get(id)!.cell))).toBeLessThanOrEqual(0.3);
  expect(new Set(positions.values()).size).toBe(positions.size);
  // no log scale on a category axis
  await expect(panel.getByLabel("Log x")).toBeDisabled();
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: "test-results/screens/sweep-scatter-cell.png" });

  // a rectangle inside lstm's band, top to bottom of the plot: lstm's runs with the metric in its range
  const box = (await chart.boundingBox())!;
  const [left, right, top, bottom] = [64, 24, 16, 48]; // the chart's grid (ScatterChart)
  const band = (box.width - left - right) / categories.length;
  const lstm = categories.indexOf("lstm");
  const cx = box.x + left + band * (lstm + 0.5);
  await page.mouse.move(cx - band * 0.2, box.y + top + 2);
  await page.mouse.down();
  await page.mouse.move(cx, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(cx + band * 0.2, box.y + box.height - bottom - 2, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(new RegExp(`brush=.*cell:${lstm}:${lstm}`));
  const brush = decodeURIComponent(new URL(page.url()).searchParams.get("brush")!);
  const m = new RegExp(`(?:^|,)${y}:([^:,]+):([^:,]+)`).exec(brush)!;
  const [ylo, yhi] = [Number(m[1]), Number(m[2])];
  const inside = measured.filter((r) => r.params.cell === "lstm" && (value(r, y) as number) >= ylo && (value(r, y) as number) <= yhi).map((r) => r.id);
  expect(inside.length).toBeGreaterThan(0);
  await expect(page.getByTestId("table-count")).toContainText(`${inside.length} of 30`);
  const shown = await page.getByTestId("sweep-run-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-run-id")));
  expect(new Set(shown)).toEqual(new Set(inside));
  // the parallel axis shows the same brush: lstm
  await expect(page.getByTestId("brush-cell")).toHaveText("lstm");
  await panel.screenshot({ path: "test-results/screens/sweep-scatter-cell-brushed.png" });

  // back from the URL: cell on x, the rectangle kept
  await page.reload();
  await expect(chart).toHaveAttribute("data-x", "cell");
  await expect(page.getByTestId("table-count")).toContainText(`${inside.length} of 30`);
});
