import { expect, test, type APIRequestContext } from "@playwright/test";

// Journey: a program logs names with spaces, as wandb.log({"val loss": 0.3}) does (sweeps/names.ts).
// The runs table shows them as columns, sorts by one from its header, and the filter builder
// writes the quoted form for such a key (summary."val loss">0.5), which the table then applies;
// a run's page draws a panel per metric.

const project = `e2e-spaced-${Date.now().toString(36)}`;
const runs: { id: string; loss: number }[] = [];

async function post(request: APIRequestContext, url: string, data: unknown) {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as { run: { id: string } };
}

test.beforeAll(async ({ request }) => {
  for (const [i, lr] of [0.1, 0.01, 0.001].entries()) {
    const { run } = await post(request, "/api/runs", { project, name: `spaced-${i}`, config: { "learning rate": lr } });
    const metrics = [0, 1, 2].map((step) => ({ step, time: step, values: { "val loss": (i + 1) / (step + 1) / 3, "train acc (%)": 50 + 10 * i + step } }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    runs.push({ id: run.id, loss: (i + 1) / 9 });
  }
});

const shownLosses = (page: import("@playwright/test").Page) =>
  page.locator('tr[data-testid="run-row"] td[data-column="summary.val loss"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-value"))));

test("names with spaces: columns, sort from the header, a filter built from the column, a run's panels", async ({ page }) => {
  await page.goto(`/?project=${project}`);
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("run-row")).toHaveCount(3);

  await page.getByTestId("sort-summary.val loss").click();
  await expect(page).toHaveURL(/sort=summary\.val(\+|%20)loss/);
  await expect.poll(() => shownLosses(page)).toEqual(runs.map((r) => r.loss));

  await page.getByTestId("filter-field").selectOption("summary.val loss");
  await page.getByTestId("filter-op").selectOption(">");
  await page.getByTestId("filter-value").fill("0.15");
  await page.getByTestId("add-filter").click();
  await expect(page.getByTestId("filter-chip")).toHaveText(/^summary\."val loss">0\.15/);
  expect(new URL(page.url()).searchParams.getAll("filter")).toEqual(['summary."val loss">0.15']);
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  expect(await shownLosses(page)).toEqual([runs[1].loss, runs[2].loss]);

  await page.getByRole("link", { name: "spaced-2" }).click();
  await expect(page.getByTestId("run-name")).toHaveText("spaced-2");
  for (const panel of ["val loss", "train acc (%)"]) await expect(page.getByTestId(`run-panel-${panel}`)).toBeVisible();
});
