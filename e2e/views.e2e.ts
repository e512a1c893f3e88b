import { expect, test, type Page } from "@playwright/test";
import { screen } from "./runs-util";

// Journeys through the smaller things a W&B user notices: not-found pages that say so (HTTP
// 404), a favicon, one colour per run on the sweeps list and the sweep page, compare legends
// that name the runs, and a real MLP run's page showing only what applies to it.

test("not-found pages answer 404 with a page of the app; the favicon is served", async ({ page, request }) => {
  for (const [url, kind, text] of [
    ["/runs/zzzzzzzz", "run", 'There is no run "zzzzzzzz"'],
    ["/sweeps/zzzzzzzz", "sweep", 'There is no sweep "zzzzzzzz"'],
    ["/nope", "page", "No page at /nope"],
  ] as const) {
    expect((await request.get(url)).status(), url).toBe(404);
    const res = await page.goto(url);
    expect(res!.status()).toBe(404);
    await expect(page.getByTestId("not-found")).toHaveAttribute("data-kind", kind);
    await expect(page.getByTestId(`${kind}-not-found`)).toContainText(text);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  }
  await screen(page, "not-found");
  const icon = await page.locator('head link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  const res = await request.get(icon!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
});

test("a sweep's best run has the same colour on the sweeps list as on its sweep page", async ({ page }) => {
  await page.goto("/sweeps");
  const swatches = page.getByTestId("best-swatch");
  await expect(swatches.first()).toBeVisible();
  const rows = await swatches.evaluateAll((els) => els.map((el) => ({ run: el.getAttribute("data-run-id")!, color: el.getAttribute("data-color")!, sweep: el.closest("tr")!.getAttribute("data-sweep-id")! })));
  expect(rows.length).toBeGreaterThanOrEqual(3);
  for (const r of rows) {
    await page.goto(`/sweeps/${r.sweep}`);
    await expect(page.locator(`[data-testid=sweep-run-row][data-run-id="${r.run}"] .swatch`)).toHaveAttribute("data-color", r.color);
  }
});

test("compare legends name each run and what differs, integers without thousands separators", async ({ page, request }) => {
  // three runs of the seeded fixture sweep (the oldest run's): the first three by name in the
  // whole database were whichever runs other journeys had made, a program's among them, with
  // nothing of its config to tell it apart ("amber-ember-4", no " · …")
  const { runs: [oldest] } = (await (await request.get("/api/runs?limit=1&sort=created")).json()) as { runs: { sweepId: string }[] };
  const runs = ((await (await request.get(`/api/runs?limit=3&sort=name&sweep=${oldest.sweepId}`)).json()) as { runs: { id: string; name: string }[] }).runs;
  await page.goto(`/compare?runs=${runs.map((r) => r.id).join(",")}`);
  const items = page.getByTestId("legend-item");
  await expect(items).toHaveCount(3);
  for (const [i, r] of runs.entries()) await expect(items.nth(i)).toHaveText(new RegExp(`^${r.name} · \\S`));
  for (const text of await items.allTextContents()) expect(text).not.toMatch(/\d,\d{3}/);
  await screen(page, "compare-legend");
});

/** Pixels of the canvas in `color` (#rrggbb), give or take anti-aliasing. */
async function pixelsOf(page: Page, testId: string, color: string): Promise<number> {
  return page.getByTestId(testId).locator("canvas").evaluate((canvas: HTMLCanvasElement, hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40 && data[i + 3] > 200) n++;
    return n;
  }, color);
}

test("an MLP run's page: examples/s that agree with its chart, only the config that applies, a one-point curve shows", async ({ page, request }) => {
  test.setTimeout(120_000);
  const created = await request.post("/api/sweeps", {
    data: { name: "e2e one quadrant run", method: "grid", parameters: { task: { value: "quadrant" }, steps: { value: 400 }, eval_every: { value: 400 }, log_every: { value: 20 } } },
  });
  expect(created.status()).toBe(201);
  const { id: sweepId } = (await created.json()) as { id: string };
  await expect.poll(async () => ((await (await request.get(`/api/runs?sweep=${sweepId}`)).json()) as { runs: { state: string }[] }).runs[0]?.state, { timeout: 60_000 }).toBe("finished");
  const run = ((await (await request.get(`/api/runs?sweep=${sweepId}`)).json()) as { runs: { id: string }[] }).runs[0];

  await page.goto(`/runs/${run.id}`);
  // the header's throughput is the median line the chart draws, in the task's unit
  const header = page.getByTestId("run-throughput");
  await expect(header).toContainText("examples/s");
  const chart = page.getByTestId("run-throughput-chart");
  await expect(chart).toContainText("throughput (examples/s)");
  const median = Number(await chart.getAttribute("data-reference"));
  expect(median).toBeGreaterThan(0);
  const shown = Number((await header.textContent())!.trim().split(/\s/)[0].replace(/,/g, ""));
  expect(Math.abs(shown - median) / median).toBeLessThan(0.01);
  // one evaluation at step 400: val_acc is a single point, drawn as a dot in the run's colour (its whole-step ticks: chart-scale.test.ts)
  const color = (await page.getByTestId("run-swatch").getAttribute("data-color"))!;
  await expect.poll(() => pixelsOf(page, "run-val_acc-chart", color)).toBeGreaterThan(12);
  await screen(page, "run-page-mlp");

  await page.getByRole("tab", { name: "Config" }).click();
  const config = page.getByTestId("config");
  await expect(config).toContainText("hidden_size");
  await expect(config).toContainText("activation");
  for (const key of ["cell", "num_layers", "embedding_dim", "seq_length", "corpus", "sample_every"]) await expect(config.getByText(key, { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("config-not-applied")).toContainText("Not used by a quadrant run: ");
  await expect(page.getByTestId("config-not-applied")).toContainText("cell");
});
