import { expect, test, type Page } from "@playwright/test";
import { screen } from "./runs-util";
import { startOwnServer, type OwnServer } from "./own-server";

// Journey: a sweep whose every label carries markup (metric name, run names, a category
// parameter's values): the page shows them as text, and hovering the charts runs no script.
// ECharts writes its tooltip into the page as HTML, so every name in it must be escaped. The
// data is written straight into the database (markup can arrive from agents, from
// `npm run train -- --track --name`, or from a database written before names were checked),
// a database of its own, on a server of its own: other journeys do not expect such names.

const XSS = (tag: string) => `${tag}<img src=x onerror="window.__xss=(window.__xss||0)+1">`;
const METRIC = XSS("loss");
const PARAM = "hidden_size";

let server: OwnServer;
test.beforeAll(async () => {
  server = await startOwnServer("markup");
});
test.afterAll(() => server?.stop());

async function seedMarkupSweep(): Promise<string> {
  const shared = process.env.DATABASE_URL;
  process.env.DATABASE_URL = server.databaseUrl;
  const store = await import("../prisma/store");
  try {
    return await seed(store);
  } finally {
    await store.disconnectPrisma();
    process.env.DATABASE_URL = shared;
  }
}

async function seed({ createSweep, createRun, finishRun, appendRunEvents }: typeof import("../prisma/store")): Promise<string> {
  const sweep = await createSweep({
    name: XSS("sweep"),
    config: { method: "grid", metric: { name: METRIC, goal: "minimize" }, parameters: { cell: { values: [XSS("rnn"), XSS("gru")] }, [PARAM]: { values: [1, 2] } } },
    rawConfig: "",
    method: "grid",
    metricName: METRIC,
    metricGoal: "minimize",
    concurrency: 1,
    seed: 1,
    state: "finished",
  });
  const cells = [XSS("rnn"), XSS("gru"), XSS("rnn")];
  for (let i = 0; i < 3; i++) {
    const run = await createRun({ sweepId: sweep.id, index: i, name: XSS(`run${i}`), config: { cell: cells[i], [PARAM]: i + 1 }, params: { cell: cells[i], [PARAM]: i + 1 } });
    await appendRunEvents([{ runId: run.id, metrics: [1, 2, 3].map((step) => ({ step, time: step, values: { [METRIC]: 3 - i * 0.5 - step * 0.1 } })) }]);
    await finishRun(run.id, { state: "finished", lastStep: 3, summary: { [METRIC]: 2.7 - i * 0.5, [`${METRIC}_best`]: 2.7 - i * 0.5 } });
  }
  return sweep.id;
}

/** Move the mouse down the first axis of the parallel chart until a line's tooltip shows. */
async function hoverParallelLine(page: Page) {
  const chart = page.getByTestId("parallel-chart");
  const box = (await chart.boundingBox())!;
  const tooltip = chart.locator("div").filter({ hasText: "click to open the run" }).first();
  for (let y = box.y + 46; y <= box.y + box.height - 28; y += 3) {
    await page.mouse.move(box.x + 57, y);
    if (await tooltip.isVisible().catch(() => false)) return tooltip;
  }
  throw new Error("no line of the parallel chart showed a tooltip");
}

test("markup in metric, run and category names shows as text and runs no script, hovered or not", async ({ page }) => {
  const sweepId = await seedMarkupSweep();
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${server.base}/sweeps/${sweepId}`);
  const chart = page.getByTestId("parallel-chart");
  await expect(chart).toHaveAttribute("data-rows", "3");

  const tooltip = await hoverParallelLine(page);
  // the markup is there, as text
  await expect(tooltip).toContainText('<img src=x onerror="window.__xss=(window.__xss||0)+1">');
  await expect(tooltip).toContainText(/run\d<img src=x/);
  await expect(tooltip).toContainText(/(rnn|gru)<img/);
  await expect(tooltip.locator("img")).toHaveCount(0);
  await screen(page, "chart-markup-tooltip");

  // the rest of the page (table, importance, curves; their own tooltips) shows the names as text too
  await expect(page.getByText(METRIC).first()).toBeVisible();
  await expect(page.locator("main img")).toHaveCount(0);
  const ran = () => page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0);
  expect(await ran()).toBe(0);
  const runs = ((await (await page.request.get(`${server.base}/api/runs?sweep=${sweepId}`)).json()) as { runs: { id: string }[] }).runs;
  await page.goto(`${server.base}/compare?runs=${runs.map((r) => r.id).join(",")}`);
  await page.waitForTimeout(500);
  const canvas = page.locator("canvas").first();
  if (await canvas.isVisible().catch(() => false)) {
    const b = (await canvas.boundingBox())!;
    for (const f of [0.3, 0.5, 0.7]) await page.mouse.move(b.x + b.width * f, b.y + b.height / 2);
  }
  await expect(page.locator("main img")).toHaveCount(0);

  expect(await ran()).toBe(0);
  expect(dialogs).toEqual([]);
});
