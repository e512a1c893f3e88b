import { expect, test } from "@playwright/test";
import { appendedPoints, freshCurveEnds, recordCurvePolls } from "./runs-util";

// Journey: a sweep is training; pause it (no new run starts), resume it (runs start again),
// stop one run from the table, cancel the rest. Every action shows at once. Reopened with a
// run's history behind it, the curves load it once; later polls bring only the new points.

test("pause and resume a sweep, stop one run, cancel", async ({ page, request }) => {
  test.setTimeout(180_000);
  const created = await request.post("/api/sweeps", {
    data: {
      name: "e2e pause resume",
      method: "grid",
      concurrency: 1,
      parameters: {
        task: { value: "charlm" },
        hidden_size: { value: 32 },
        seq_length: { value: 16 },
        batch_size: { value: 8 },
        steps: { value: 40000 },
        eval_every: { value: 500 },
        learning_rate: { values: [0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08] },
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/sweeps/${id}`);
  const badge = page.locator(".page-header [data-testid=state-badge]");
  const running = page.getByTestId("stat-running").locator(".value");
  const done = page.getByTestId("stat-done").locator(".value");
  await expect(badge).toHaveAttribute("data-state", "running");
  await expect(running).toHaveText(/^[1-9]$/, { timeout: 30_000 });
  await expect(page.getByTestId("training-now")).toContainText("Training now");
  // live numbers arrive without moving the layout: the charts keep their place while steps tick
  const chartTop = (await page.getByTestId("parallel-panel").boundingBox())!.y;
  await expect(page.getByTestId("now-step").first()).toHaveText(/^[1-9]\d*\/40000$/, { timeout: 15_000 });
  expect((await page.getByTestId("parallel-panel").boundingBox())!.y).toBe(chartTop);
  await page.screenshot({ path: "test-results/screens/sweep-running.png", fullPage: true });

  // pause: the badge and the buttons change at once, the server agrees after a reload
  await page.getByTestId("pause").click();
  await expect(badge).toHaveAttribute("data-state", "paused", { timeout: 1000 });
  await expect(page.getByTestId("resume")).toBeVisible({ timeout: 1000 });
  // the runs in flight go on to their end, but no new one starts while paused
  await expect(running).toHaveText("0", { timeout: 90_000 });
  const doneWhilePaused = await done.innerText();
  await page.waitForTimeout(4000);
  await expect(running).toHaveText("0");
  await expect(done).toHaveText(doneWhilePaused);
  await expect(page.getByTestId("training-now")).toContainText("Paused");
  await page.screenshot({ path: "test-results/screens/sweep-paused.png", fullPage: true });
  const recorded = recordCurvePolls(page);
  await page.reload();
  await expect(badge).toHaveAttribute("data-state", "paused");

  // resume: training starts again
  await page.getByTestId("resume").click();
  await expect(badge).toHaveAttribute("data-state", "running", { timeout: 1000 });
  await expect(page.getByTestId("pause")).toBeVisible({ timeout: 1000 });
  await expect(running).toHaveText(/^[1-9]$/, { timeout: 30_000 });

  // the curves: the reloaded page's first poll brought the finished run(s) whole; the polls
  // while the new run trains bring its new points only, a fraction of that
  const polls = () => recorded.slice(recorded.findIndex((p) => p.query.endsWith("&since=0")));
  await expect.poll(() => polls().filter(appendedPoints).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  const [first, ...later] = polls();
  expect(first.body.reset).toBe(true);
  expect(Object.values(first.body.series).some((s) => (s.val_loss?.length ?? 0) >= 40), "a finished run's 80 evaluations").toBe(true);
  for (const p of later) expect(p.bytes, p.query).toBeLessThan(first.bytes / 3);

  // stop the run that is training, from its row
  const liveRow = page.locator('[data-testid=sweep-run-row][data-state=running]').first();
  await expect(liveRow).toBeVisible({ timeout: 10_000 });
  const runId = (await liveRow.getAttribute("data-run-id"))!;
  const row = page.locator(`[data-testid=sweep-run-row][data-run-id="${runId}"]`);
  await row.getByTestId("stop-run").click();
  await row.getByTestId("confirm-stop").click();
  await expect(row.getByTestId("state-badge")).toHaveText(/stopping|stopped/, { timeout: 1000 });
  await expect(row).toHaveAttribute("data-state", "stopped", { timeout: 30_000 });
  await expect(page.getByTestId("stat-stopped").locator(".value")).toHaveText("1", { timeout: 5000 });

  // cancel the sweep: asks once more, then everything left stops
  await page.getByTestId("cancel").click();
  await page.getByTestId("confirm-cancel").click();
  await expect(badge).toHaveAttribute("data-state", "cancelled", { timeout: 1000 });
  await expect(page.getByTestId("sweep-controls")).not.toContainText("Pause");
  await expect(running).toHaveText("0", { timeout: 30_000 });
  await expect(page.getByTestId("stat-queued").locator(".value")).toHaveText("0", { timeout: 10_000 });
  // every run ended: the curves held are what a fresh load shows (the stopped run to its last step)
  await expect(page.getByTestId("curves-held")).toHaveAttribute("data-ends", (await freshCurveEnds(page, id)).ends);
  // the tiles add up to the runs done, the stopped ones included, as stored
  const { counts } = (await (await request.get(`/api/sweeps/${id}/progress`)).json()) as { counts: Record<string, number> };
  expect(counts.stopped).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("stat-stopped").locator(".value")).toHaveText(String(counts.stopped));
  // the line under them says what the cancel did, as counted (it claimed "queued runs were stopped" whatever was)
  await expect(page.getByTestId("training-now")).toHaveText(`Cancelled — ${counts.stopped} run${counts.stopped === 1 ? "" : "s"} stopped; no new runs start.`);
  const tile = async (t: string) => Number(await page.getByTestId(t).locator(".value").innerText());
  const doneRuns = Number((await page.getByTestId("stat-done").locator(".value").innerText()).split("/")[0]);
  expect((await tile("stat-finished")) + (await tile("stat-pruned")) + (await tile("stat-failed")) + (await tile("stat-stopped"))).toBe(doneRuns);
  await page.screenshot({ path: "test-results/screens/sweep-cancelled.png", fullPage: true });
});

// A progress poll read before a pause and answered after it (a slow answer) used to put the
// badge back to "running" until the next poll; the page's own action wins until it is done.
test("a poll answered late does not undo a pause shown at once", async ({ page, request }) => {
  test.setTimeout(90_000);
  const created = await request.post("/api/sweeps", {
    data: {
      name: "e2e pause late poll",
      method: "grid",
      concurrency: 1,
      parameters: { task: { value: "charlm" }, hidden_size: { value: 16 }, seq_length: { value: 16 }, batch_size: { value: 4 }, steps: { value: 40000 }, eval_every: { value: 500 }, seed: { values: [1, 2] } },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  try {
    await page.goto(`/sweeps/${id}`);
    const badge = page.locator(".page-header [data-testid=state-badge]");
    await expect(page.getByTestId("stat-running").locator(".value")).toHaveText("1", { timeout: 30_000 });
    await expect(badge).toHaveAttribute("data-state", "running");

    // the next progress answer is read from the server now (running) and delivered 1.5 s later
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let holdNext = true;
    await page.route(`**/api/sweeps/${id}/progress`, async (route) => {
      const response = await route.fetch();
      if (holdNext) {
        holdNext = false;
        expect(((await response.json()) as { sweep: { state: string } }).sweep.state).toBe("running");
        held();
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      await route.fulfill({ response });
    });
    await holding;
    await page.getByTestId("pause").click();
    // the badge, every 50 ms for 3 s: paused throughout (the held answer lands at 1.5 s)
    const seen = new Set<string | null>();
    for (const until = Date.now() + 3000; Date.now() < until; ) {
      seen.add(await badge.getAttribute("data-state"));
      await page.waitForTimeout(50);
    }
    expect([...seen]).toEqual(["paused"]);
    expect(((await (await request.get(`/api/sweeps/${id}/progress`)).json()) as { sweep: { state: string } }).sweep.state).toBe("paused");
  } finally {
    await request.post(`/api/sweeps/${id}/cancel`);
  }
});
