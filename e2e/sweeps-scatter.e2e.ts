import { expect, test, type Page } from "@playwright/test";

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

test("scatter: slice plot, metric against metric, colour, log axes, and a rectangle brushes the table", async ({ page, request }) => {
  await page.goto("/sweeps");
  await page.getByTestId("sweep-row").filter({ hasText: FIXTURE_SWEEP }).getByRole("link").first().click();
  const chart = page.getByTestId("scatter-chart");
  await expect(chart).toBeVisible();
  const sweepId = new URL(page.url()).pathname.split("/").pop()!;
  const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}&limit=1000`)).json()) as { runs: ApiRun[] };
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

  // one metric against another, coloured by step, log y
  const panel = page.getByTestId("scatter-panel");
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
