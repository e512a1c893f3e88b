import { expect, test } from "@playwright/test";
import { formatEstimate } from "../app/_lib/sweep-form";
import { appendedPoints, e2eStore, freshCurveEnds, pointsIn, recordCurvePolls } from "./runs-util";

// Journey: open the new-sweep form, start from a preset, make it small, check the run
// count, launch it, and watch the real runs (engine workers spawned by the server's
// executor) train and finish on the sweep page without reloading it — the curves polled
// incrementally (each poll only what changed) and still complete at the end.

test("launch a small real sweep from the form and watch it finish", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/sweeps/new");
  await page.getByTestId("preset").selectOption("quadrant-init-layernorm");
  await expect(page.getByTestId("param-init")).toBeVisible();
  // steps: type into the steps box of the form (tens of seconds a run, so that several polls see the runs train
  // on a fast idle machine too: 60,000 steps once finished between two polls)
  await page.getByTestId("field-parameters.steps.value").fill("120000");
  await page.getByTestId("field-parameters.eval_every.value").fill("1000");
  // vary layernorm only as true/false, init over two values → 2 × 2 grid
  await page.getByTestId("param-init").getByLabel("xavier").uncheck();
  await expect(page.getByTestId("run-estimate")).toHaveText("4 runs");
  await expect(page.getByTestId("run-estimate-detail")).toContainText("init 2 × layernorm 2");
  await page.getByTestId("field-name").fill("e2e quadrant launch");

  const polls = recordCurvePolls(page);
  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "e2e quadrant launch" })).toBeVisible();
  // the page updates itself: mark it, and check the mark survives (no reload) at the end
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const progress = page.getByTestId("sweep-progress");
  await expect(progress).toBeVisible();
  await expect(page.getByTestId("stat-done")).toContainText("/ 4");

  // while it trains, the time left: once the first runs have trained a while (their pace is
  // known), about what the sweep then takes to end
  const left = page.getByTestId("stat-time-left");
  await expect(left).toHaveText(/^(under a minute|about [\d.]+ (min|h)) left$/);
  await expect.poll(async () => Number(((await page.getByTestId("now-step").first().textContent()) ?? "0").split("/")[0]), { timeout: 60_000 }).toBeGreaterThan(10_000);
  // the estimate is live: read its value and its words in one go, so a poll between two reads
  // cannot pair one estimate's value with the next one's words
  const shown = await left.evaluate((el) => ({ value: el.getAttribute("data-value"), text: el.textContent }));
  const predicted = Number(shown.value);
  const from = Date.now();
  expect(shown.text).toBe(`${formatEstimate(predicted)} left`);

  // every run ends, the sweep finishes, and the numbers say so
  await expect(page.getByTestId("stat-done")).toContainText("4 / 4", { timeout: 120_000 });
  const took = Date.now() - from;
  console.log(`time left: ${predicted} ms predicted, ${took} ms taken (×${(predicted / took).toFixed(2)})`);
  expect(predicted / took, `${predicted} ms left predicted, ${took} ms taken`).toBeGreaterThan(1 / 3);
  expect(predicted / took, `${predicted} ms left predicted, ${took} ms taken`).toBeLessThan(3);
  await expect(left).toHaveCount(0);
  await expect(page.getByTestId("sweep-controls")).not.toContainText("Pause", { timeout: 30_000 });
  await expect(page.locator(".page-header [data-testid=state-badge]")).toHaveAttribute("data-state", "finished", { timeout: 30_000 });
  await expect(page.getByTestId("stat-finished")).toContainText("4");
  await expect(page.getByTestId("best-run")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  // the table, the parallel coordinates, the curves and the importance filled in
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(4);
  for (const state of await page.getByTestId("sweep-run-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")))) expect(state).toBe("finished");
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", "4");
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-axes", "init,layernorm,val_loss_best");
  await expect(page.getByTestId("sweep-curves")).toHaveAttribute("data-curves", /,.*,.*,/);
  await expect(page.getByTestId("importance-row")).toHaveCount(2);
  await page.screenshot({ path: "test-results/screens/sweep-launched-finished.png", fullPage: true });

  // The curves the page pieced together poll after poll are what a fresh load shows, every
  // run to its final step (120000 steps, evaluated every 1000: 120 points, none downsampled),
  // though each poll after the first brought only what had changed: every point came once.
  const sweepId = new URL(page.url()).pathname.split("/").pop()!;
  const fresh = await freshCurveEnds(page, sweepId);
  expect(fresh.runs.map((r) => [r.points, r.last])).toEqual(Array(4).fill([120, 120000]));
  await expect(page.getByTestId("curves-held")).toHaveAttribute("data-ends", fresh.ends);
  expect(polls.filter(appendedPoints).length, "polls that appended points to a running run").toBeGreaterThanOrEqual(1);
  await expect.poll(() => polls.reduce((n, p) => n + pointsIn(p), 0)).toBe(4 * 120);

  // and it is listed with its progress
  await page.getByRole("link", { name: "Sweeps", exact: true }).click();
  // this sweep's row by its id (a retry of this journey launches another sweep of the same name)
  const row = page.locator(`[data-testid=sweep-row][data-sweep-id="${sweepId}"]`);
  await expect(row).toContainText("4/4");
  await expect(row.getByTestId("state-badge")).toHaveAttribute("data-state", "finished");
  await page.screenshot({ path: "test-results/screens/sweeps-list.png", fullPage: true });
});

type E2eStore = Awaited<ReturnType<typeof e2eStore>>;

/** A grid sweep over dropout held by no executor of this server (heldBy set): it has only the runs a test adds. */
function heldSweep(store: E2eStore, name: string, dropouts: number[], seed: number) {
  return store.createSweep({
    name,
    config: { method: "grid", metric: { name: "val_loss", goal: "minimize" }, parameters: { dropout: { values: dropouts } } },
    rawConfig: "",
    method: "grid",
    metricName: "val_loss",
    metricGoal: "minimize",
    concurrency: 1,
    seed,
    heldBy: "e2e:nobody",
  });
}

/** A finished run of that sweep, as an agent would have written it; its id. */
async function finishedRun(store: E2eStore, sweepId: string, index: number, dropout: number): Promise<string> {
  const run = await store.createRun({ sweepId, index, config: { task: "quadrant", dropout }, params: { dropout }, claimedBy: "e2e" });
  await store.finishRun(run.id, { state: "finished", summary: { val_loss: 0.25 + dropout }, lastStep: 10 });
  return run.id;
}

// A sweep whose runs all ended between two polls of its page: the progress poll sees them before
// the run list arrives. For that moment the page says it is loading them, never "This sweep has
// no runs … ended before any run was proposed" (seen on a quick sweep launched from the form);
// a run list that cannot be read is asked for again at the next poll.
test("a sweep that ends between two polls: its runs load, never 'no runs'; a failed run list is asked for again", async ({ page }) => {
  test.setTimeout(60_000);
  const store = await e2eStore();
  const sweep = await heldSweep(store, "ends between polls", [0, 0.5], 3);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let listRequests = 0;
  await page.route(new RegExp(`/api/runs\\?sweep=${sweep.id}&`), async (route) => {
    if (++listRequests > 1) return route.continue();
    await held;
    await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "e2e: not now" }) });
  });
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByText("Waiting for the first run")).toBeVisible();

  for (const [index, dropout] of [0, 0.5].entries()) await finishedRun(store, sweep.id, index, dropout);
  await store.setSweepState(sweep.id, "finished", { reason: "grid exhausted" });
  await store.disconnectPrisma();

  await expect(page.locator(".page-header [data-testid=state-badge]")).toHaveAttribute("data-state", "finished", { timeout: 15_000 });
  await expect(page.getByTestId("runs-loading")).toContainText("Loading 2 runs");
  await expect(page.getByText("This sweep has no runs")).toHaveCount(0);
  release(); // the first run list fails; the next poll asks again
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(2, { timeout: 20_000 });
  await expect(page.getByTestId("runs-loading")).toHaveCount(0);
  expect(listRequests).toBeGreaterThanOrEqual(2);
});

test("a sweep's archived run stays on its page, marked, through live refreshes and in 'export all'", async ({ page }) => {
  test.setTimeout(60_000);
  const store = await e2eStore();
  const sweep = await heldSweep(store, "archived run in a sweep", [0, 0.25, 0.5], 4);
  const archivedId = await finishedRun(store, sweep.id, 0, 0);
  await finishedRun(store, sweep.id, 1, 0.25);
  await store.updateRunMeta(archivedId, { archived: true });
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(2);
  await expect(page.locator(`[data-testid=sweep-run-row][data-run-id="${archivedId}"] [data-testid=row-archived]`)).toBeVisible();

  // a new run changes the progress: the page fetches its run list again, archived run included
  const third = await finishedRun(store, sweep.id, 2, 0.5);
  await store.disconnectPrisma();
  await expect(page.locator(`[data-testid=sweep-run-row][data-run-id="${third}"]`)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(3);
  await expect(page.getByTestId("row-archived")).toHaveCount(1);
  await expect(page.locator(`[data-testid=sweep-run-row][data-run-id="${archivedId}"] [data-testid=row-archived]`)).toBeVisible();

  // "export all" is every run the page lists
  const href = await page.getByTestId("table-export-csv").getAttribute("href");
  const csv = await (await page.request.get(href!)).text();
  const ids = csv.trim().split("\n").slice(1).map((line) => line.split(",")[0]);
  expect(ids.sort()).toEqual((await page.getByTestId("sweep-run-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")!))).sort());
});
