import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";

// Journey: a hyperband sweep of real engine runs ends; on its page the Pruning replay panel
// starts from the sweep's own settings and shows, beside what happened, the runs it stops,
// the steps saved, whether the best run survives and the eta × min_iter grid. Other settings
// and a median rule replay too; a setting the schema refuses is named. Every number shown is
// the API's.

interface Outcome {
  stopped: { id: string; name: string; evaluation: number; step: number; reason: string }[];
  steps_saved: number;
  best_survived: boolean | null;
  best: number | null;
  unknown: { id: string; last_step: number }[];
}
interface Replay extends Outcome {
  actual: Outcome;
  decided_live: Outcome["stopped"] | null;
  grid: { cells: { eta: number; min_iter: number; stopped: number; steps_saved: number; best_survived: boolean | null }[] };
}

const OWN = { type: "hyperband", min_iter: 3, eta: 3 };
const share = (f: number) => `${(f * 100).toFixed(1)}%`;

async function replayApi(request: APIRequestContext, id: string, early_terminate: unknown): Promise<Replay> {
  const res = await request.post(`/api/sweeps/${id}/replay`, { data: { early_terminate } });
  expect(res.status()).toBe(200);
  return (await res.json()) as Replay;
}

/** The panel shows exactly the API's numbers for these settings. */
async function expectShown(page: Page, api: Replay) {
  const panel = page.getByTestId("replay-results");
  const side = async (el: Locator, o: Outcome) => {
    await expect(el.getByTestId("stopped")).toHaveText(String(o.stopped.length));
    await expect(el.getByTestId("steps-saved")).toHaveAttribute("data-value", String(o.steps_saved));
    await expect(el.getByTestId("steps-saved")).toHaveText(share(o.steps_saved));
    await expect(el.getByTestId("best-survived")).toHaveAttribute("data-value", String(o.best_survived));
    await expect(el.getByTestId("best")).toHaveAttribute("data-value", String(o.best ?? ""));
  };
  await side(panel.getByTestId("replay-actual"), api.actual);
  await side(panel.getByTestId("replay-replay"), api);
  for (const s of api.stopped) {
    const row = panel.locator(`[data-testid=replay-run][data-run="${s.id}"]`);
    await expect(row.getByTestId("replay-run-replay")).toHaveText(`stopped at evaluation ${s.evaluation} (step ${s.step.toLocaleString("en-US")})`);
    await expect(row.getByTestId("replay-run-replay")).toHaveAttribute("data-value", String(s.step));
  }
  for (const s of api.actual.stopped) {
    const cell = panel.locator(`[data-testid=replay-run][data-run="${s.id}"]`).getByTestId("replay-run-actual");
    await expect(cell).toHaveAttribute("data-value", String(s.step));
    await expect(cell).toHaveAttribute("data-kind", "pruned");
    await expect(cell).toContainText(`pruned at step ${s.step.toLocaleString("en-US")}`);
  }
  const pruned = new Set(api.actual.stopped.map((s) => s.id));
  for (const d of (api.decided_live ?? []).filter((x) => !pruned.has(x.id))) {
    const cell = panel.locator(`[data-testid=replay-run][data-run="${d.id}"]`).getByTestId("replay-run-actual");
    await expect(cell).toHaveAttribute("data-kind", "finished-first");
    await expect(cell).toContainText(`condemned at evaluation ${d.evaluation}`);
  }
  const ids = new Set([...api.stopped, ...api.actual.stopped, ...(api.decided_live ?? [])].map((s) => s.id));
  await expect(panel.getByTestId("replay-run")).toHaveCount(ids.size);
  const cells = panel.getByTestId("grid-cell");
  await expect(cells).toHaveCount(api.grid.cells.length);
  for (const c of api.grid.cells) {
    const cell = panel.locator(`[data-testid=grid-cell][data-eta="${c.eta}"][data-min-iter="${c.min_iter}"]`);
    await expect(cell).toHaveAttribute("data-stopped", String(c.stopped));
    await expect(cell).toHaveAttribute("data-steps-saved", String(c.steps_saved));
    await expect(cell).toContainText(`${c.stopped} · ${share(c.steps_saved)} · ${c.best_survived === null ? "–" : c.best_survived ? "✓" : "✗"}`);
  }
}

test("replay a finished hyperband sweep with its own and other settings", async ({ page, request }) => {
  test.setTimeout(180_000);
  const created = await request.post("/api/sweeps", {
    data: {
      name: "e2e pruning replay",
      method: "grid",
      concurrency: 2,
      metric: { name: "val_loss", goal: "minimize" },
      early_terminate: OWN,
      parameters: {
        task: { value: "quadrant" },
        hidden_size: { value: 32 },
        steps: { value: 16000 },
        eval_every: { value: 400 },
        seed: { value: 7 },
        learning_rate: { values: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3] },
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/sweeps/${id}`)).json()) as { sweep: { state: string } }).sweep.state, { timeout: 150_000, intervals: [1000] })
    .toBe("finished");

  await page.goto(`/sweeps/${id}`);
  const panel = page.getByTestId("replay-panel");
  await expect(panel).toBeVisible();
  // the form starts from the sweep's own settings
  await expect(panel.locator("select[name=type]")).toHaveValue("hyperband");
  await expect(panel.locator("input[name=eta]")).toHaveValue("3");
  await expect(panel.locator("input[name=min_iter]")).toHaveValue("3");
  await expect(panel.locator("input[name=strict]")).toBeChecked();
  await panel.getByTestId("replay-submit").click();
  await expect(page.getByTestId("replay-results")).toBeVisible();
  const own = await replayApi(request, id, OWN);
  // its own settings stop every run the sweep pruned (and any the rule condemned whose worker finished first)
  for (const s of own.actual.stopped) expect(own.stopped.map((x) => x.id)).toContain(s.id);
  expect(own.decided_live).toEqual(own.stopped);
  expect(own.stopped.length, "the live rule condemned some runs").toBeGreaterThan(0);
  expect(own.unknown).toEqual([]);
  await expectShown(page, own);
  // the sweep's own saving, in its progress stats, is what the replay says happened
  await expect(page.getByTestId("stat-steps-saved").locator("[data-value]")).toHaveAttribute("data-value", String(own.actual.steps_saved));
  await expect(page.getByTestId("stat-steps-saved")).toContainText(share(own.actual.steps_saved));
  await expect(page.locator(".sw-replay-current")).toHaveAttribute("data-eta", "3");
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: "test-results/screens/sweep-replay.png" });

  // other settings: eta 2 from the first evaluation
  await panel.locator("input[name=eta]").fill("2");
  await panel.locator("input[name=min_iter]").fill("1");
  await panel.getByTestId("replay-submit").click();
  await expect(page.locator(".sw-replay-current")).toHaveAttribute("data-min-iter", "1");
  await expectShown(page, await replayApi(request, id, { type: "hyperband", eta: 2, min_iter: 1, strict: true }));

  // a setting the sweep schema refuses: the error names the field, which is marked
  await panel.locator("input[name=eta]").fill("1");
  await panel.getByTestId("replay-submit").click();
  await expect(page.getByTestId("replay-error")).toContainText("early_terminate.eta");
  await expect(panel.locator("input[name=eta]")).toHaveAttribute("aria-invalid", "true");

  // the median rule
  await panel.locator("select[name=type]").selectOption("median");
  await panel.locator("input[name=min_iter]").fill("2");
  await panel.locator("input[name=min_runs]").fill("2");
  await panel.getByTestId("replay-submit").click();
  await expect(page.getByTestId("replay-error")).toHaveCount(0);
  await expectShown(page, await replayApi(request, id, { type: "median", min_iter: 2, min_runs: 2 }));
  await panel.screenshot({ path: "test-results/screens/sweep-replay-median.png" });
});
