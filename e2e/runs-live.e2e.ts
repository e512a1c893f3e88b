import { expect, test, type APIRequestContext } from "@playwright/test";
import fs from "node:fs";
import { consoleText } from "../engine/console";
import { e2eStore, screen } from "./runs-util";

// Journeys that need the real engine worker and the server's executor: watch a run train
// live (its console too) and stop it; re-run a run with the same seed and see the identical
// curve; a delayed-recall RNN's gradient flow. And the runs table while the page stays open:
// runs created elsewhere come in with the count, a running row leaves a filter it stops matching.

/** Launch a one-run grid sweep with these parameters; its id and the run's, once the run is `state`. */
async function sweepRun(request: APIRequestContext, parameters: Record<string, unknown>, state: "running" | "finished") {
  const sweepRes = await request.post("/api/sweeps", { data: { method: "grid", parameters } });
  expect(sweepRes.status()).toBe(201);
  const { id: sweepId } = (await sweepRes.json()) as { id: string };
  let runId = "";
  await expect(async () => {
    const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}&state=${state}`)).json()) as { runs: { id: string }[] };
    expect(runs.length).toBe(1);
    runId = runs[0].id;
  }).toPass({ timeout: 90_000 });
  return { sweepId, runId };
}

test("run page: watch a run live, then stop it", async ({ page, request }) => {
  const params = { cell: { value: "lstm" }, steps: { value: 100000 }, hidden_size: { value: 32 }, eval_every: { value: 20 }, log_every: { value: 50 } };
  const { sweepId, runId } = await sweepRun(request, params, "running");
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "running");
  const step = page.getByTestId("run-step");
  const before = await step.innerText();
  await expect(step).not.toHaveText(before, { timeout: 20_000 }); // live updates
  await expect(page.getByTestId("run-loss-chart")).toHaveAttribute("data-curves", /train_loss/);
  await screen(page, "run-live");
  // the Logs tab is the run's console, growing live: step lines every log_every, evaluations
  await page.getByRole("tab", { name: "Logs" }).click();
  const stepLines = page.getByTestId("log-text").filter({ hasText: /^step \d+\s+train_loss\s/ });
  await expect(stepLines.first()).toBeVisible();
  const seen = await stepLines.count();
  await expect(async () => expect(await stepLines.count()).toBeGreaterThan(seen)).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("logs")).toContainText(/step 20\s+train_loss \S+\s+val_loss \S+/);
  await screen(page, "run-live-logs");
  // stopping asks once more: Keep leaves the run training, Stop run stops it
  await page.getByTestId("stop-run").click();
  await page.getByRole("group", { name: "Confirm stop" }).getByRole("button", { name: "Keep" }).click();
  await expect(page.getByTestId("stop-run")).toHaveText("Stop…");
  const kept = (await (await request.get(`/api/runs/${runId}`)).json()) as { run: { state: string; stopRequested: boolean } };
  expect(kept.run).toMatchObject({ state: "running", stopRequested: false });
  await page.getByTestId("stop-run").click();
  await page.getByTestId("confirm-stop").click();
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "stopped", { timeout: 30_000 });
  await expect(page.getByTestId("logs")).toContainText(/stopped at step \d+: /, { timeout: 10_000 });
  // the download is the whole console as text, the stored lines as the terminal prints them
  const downloading = page.waitForEvent("download");
  await page.getByTestId("download-logs").click();
  const file = await (await downloading).path();
  const text = fs.readFileSync(file, "utf8");
  // every stored line, 10,000 at a time (a run that trained a minute here logs more than that)
  const logs: { id: number; level: string; message: string }[] = [];
  for (;;) {
    const chunk = (await (await request.get(`/api/runs/${runId}/logs?limit=10000${logs.length ? `&after=${logs[logs.length - 1].id}` : ""}`)).json()) as { logs: typeof logs };
    logs.push(...chunk.logs);
    if (chunk.logs.length < 10_000) break;
  }
  expect(text).toBe(logs.map((l) => `${consoleText(l)}\n`).join(""));
  expect(text).toMatch(/^[^\n]*lstm[^\n]*\n/); // the run's first line: what it trains
  expect(text).toMatch(/\nstopped at step \d+: [^\n]*\n$/);
  await expect(page.getByTestId("log-count")).toContainText(`${logs.length.toLocaleString("en-US")} lines`);
  await request.post(`/api/sweeps/${sweepId}/cancel`);
});

test("run page: a delayed-recall RNN's gradient flow marks the symbol and the cue", async ({ page, request }) => {
  // (a fixed seed: the sweep's own is random, and at 100 steps one seed in several leaves a
  // vanilla RNN whose gradient still reaches the symbol — seed 1: ratio 0.17 — while the others
  // give 1e-12…1e-18; this journey checks the page, the lesson's measurement is bench lessons')
  const params = { task: { value: "delayed_recall" }, cell: { value: "rnn" }, delay: { value: 30 }, steps: { value: 100 }, eval_every: { value: 50 }, seed: { value: 2 } };
  const { runId } = await sweepRun(request, params, "finished");
  await page.goto(`/runs/${runId}?tab=diagnostics`);
  await expect(page.getByTestId("grad-flow-marks")).toContainText("symbol to remember (t = 11)");
  await expect(page.getByTestId("grad-flow-marks")).toContainText("cue (t = 41)");
  await expect(page.getByTestId("grad-ratio")).toContainText("at symbol to remember / at cue");
  await expect(page.getByTestId("grad-ratio")).toContainText("vanishing");
  await screen(page, "recall-grad-flow");
});

test("run page: re-run with the same seed reproduces the curve exactly", async ({ page, request }) => {
  const { runId: original } = await sweepRun(request, { cell: { value: "rnn" }, steps: { value: 60 }, hidden_size: { value: 16 }, eval_every: { value: 20 } }, "finished");
  await page.goto(`/runs/${original}`);
  await page.getByTestId("rerun").click();
  const runIdOf = (url: URL) => url.pathname.split("/runs/")[1] ?? "";
  await page.waitForURL((url) => runIdOf(url) !== "" && runIdOf(url) !== original);
  const rerun = runIdOf(new URL(page.url()));
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished", { timeout: 90_000 });
  // Same seed → the same values at the same steps, bit for bit (wall times differ).
  const series = async (id: string) => {
    const s = (await (await request.get(`/api/runs/${id}/metrics?keys=train_loss,val_loss&points=100000`)).json()).series as Record<string, { step: number; value: number | null }[]>;
    return Object.fromEntries(Object.entries(s).map(([k, pts]) => [k, pts.map((p) => [p.step, p.value])]));
  };
  expect(await series(rerun)).toEqual(await series(original));
  await page.getByTestId("compare-original").click();
  await expect(page.locator('[data-metric="val_loss"] [data-testid="curve-chart"]')).toHaveAttribute("data-curves", `${original},${rerun}`);
  await screen(page, "rerun-compare");
});

test("runs table: a training run's cells move live, the view stays as the user left it, and the poll slows to the view's count when it ends", async ({ page, request }) => {
  const params = { cell: { value: "rnn" }, steps: { value: 100000 }, hidden_size: { value: 16 }, eval_every: { value: 20 }, log_every: { value: 5 } };
  const { sweepId, runId } = await sweepRun(request, params, "running");
  const livePolls: string[] = [];
  page.on("request", (req) => {
    if (new URL(req.url()).pathname === "/api/compare/table/live") livePolls.push(req.url());
  });
  // oldest first: the new run is the last row, so the table is scrolled to reach it
  await page.goto("/?columns=state,runtime,step,summary.train_loss&sort=created");
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  const scroller = page.getByTestId("runs-table-scroll");
  await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const row = page.locator(`tr[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row.locator('td[data-column="state"]')).toContainText("running");
  const scrollTop = await scroller.evaluate((el) => el.scrollTop);
  expect(scrollTop).toBeGreaterThan(0);
  // what the user has done: a run selected, a filter half typed
  await row.getByTestId("select-run").check();
  await page.getByTestId("filter-value").fill("0.5");
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const rowNode = await row.elementHandle();

  const step = row.locator('td[data-column="step"]');
  const runtime = row.locator('td[data-column="runtime"]');
  const [stepBefore, runtimeBefore] = [Number(await step.getAttribute("data-value")), await runtime.innerText()];
  await expect(async () => expect(Number(await step.getAttribute("data-value"))).toBeGreaterThan(stepBefore)).toPass({ timeout: 20_000 });
  await expect(runtime).not.toHaveText(runtimeBefore);
  await expect(row.locator('td[data-column="summary.train_loss"]')).not.toHaveText("–");
  await screen(page, "runs-table-live");
  // in place: no navigation, the same row element, the selection, the half-typed filter and the scroll kept
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  expect(await rowNode!.evaluate((el) => el.isConnected)).toBe(true);
  await expect(row.getByTestId("select-run")).toBeChecked();
  await expect(page.getByTestId("filter-value")).toHaveValue("0.5");
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(scrollTop);
  await expect(page).toHaveURL(/\?columns=state,runtime,step,summary\.train_loss&sort=created$/);
  // each poll asked for the running run's rows alone
  expect(livePolls.length).toBeGreaterThan(0);
  for (const url of livePolls) expect(new URL(url).searchParams.get("live")).toBe(runId);

  // stopped: the row says so, with the step and loss the store holds, and the polls stop
  await request.post(`/api/runs/${runId}/stop`);
  await expect(row.locator('td[data-column="state"]')).toContainText("stopped", { timeout: 30_000 });
  const { run } = (await (await request.get(`/api/runs/${runId}`)).json()) as { run: { lastStep: number; summary: Record<string, number> } };
  await expect(step).toHaveAttribute("data-value", String(run.lastStep));
  await expect(row.locator('td[data-column="summary.train_loss"]')).toHaveAttribute("data-value", String(run.summary.train_loss));
  await expect(row.getByTestId("select-run")).toBeChecked();
  // nothing on screen trains: the polls ask for no rows, only the view's count, every few seconds
  await page.waitForTimeout(2000);
  const polled = livePolls.length;
  await page.waitForTimeout(6000);
  const idle = livePolls.slice(polled);
  expect(idle.length).toBeGreaterThanOrEqual(1);
  expect(idle.length).toBeLessThanOrEqual(2);
  for (const url of idle) expect(new URL(url).searchParams.get("live")).toBe("");
  await request.post(`/api/sweeps/${sweepId}/cancel`);
});

test("runs table: a configuration of seeds training folds its runs' new values live", async ({ page, request }) => {
  const res = await request.post("/api/sweeps", { data: { method: "grid", replicates: 2, parameters: { cell: { value: "rnn" }, steps: { value: 100000 }, hidden_size: { value: 16 }, eval_every: { value: 20 }, log_every: { value: 5 } } } });
  expect(res.status()).toBe(201);
  const { id: sweepId } = (await res.json()) as { id: string };
  await expect(async () => {
    const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}&state=running`)).json()) as { runs: unknown[] };
    expect(runs.length).toBe(2);
  }).toPass({ timeout: 90_000 });
  // a sweep with replicates opens folded: one configuration row, its train_loss the mean of two seeds
  await page.goto(`/?sweep=${sweepId}&columns=state,summary.train_loss`);
  const configuration = page.getByTestId("config-row");
  await expect(configuration).toHaveCount(1);
  await expect(configuration).toHaveAttribute("data-count", "2");
  await configuration.getByTestId("expand-group").click();
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  const mean = configuration.locator('td[data-column="summary.train_loss"]');
  await expect(mean).not.toHaveAttribute("data-value", "");
  const before = await mean.getAttribute("data-value");
  await expect(mean).not.toHaveAttribute("data-value", before!, { timeout: 20_000 });
  // still expanded, and the mean is of the seeds the rows below show
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  await request.post(`/api/sweeps/${sweepId}/cancel`);
  await expect(configuration.locator('td[data-column="state"]')).not.toContainText("running", { timeout: 30_000 });
  // the mean and its seeds read in one go (a last poll after the cancel may still bring a value)
  await expect(async () => {
    const shown = await page.locator("tbody").first().evaluate((body) => ({
      mean: Number(body.querySelector('[data-testid=config-row] td[data-column="summary.train_loss"]')?.getAttribute("data-value")),
      seeds: [...body.querySelectorAll('[data-testid=run-row] td[data-column="summary.train_loss"]')].map((td) => Number(td.getAttribute("data-value"))),
    }));
    expect(shown.seeds).toHaveLength(2);
    expect(shown.mean).toBeCloseTo((shown.seeds[0] + shown.seeds[1]) / 2, 12);
  }).toPass({ timeout: 20_000 });
});

test("runs table: runs created elsewhere come in with the count, and a running row leaves a filter it stops matching, without a reload", async ({ page, request }) => {
  const project = `e2e-live-${Date.now().toString(36)}`;
  const post = async <T>(url: string, data: unknown): Promise<T> => {
    const res = await request.post(url, { data });
    expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
    return (await res.json()) as T;
  };
  /** A run logged as a script logs it (the logging API), its val_loss at step `seq`; finished unless asked not to. */
  const logRun = async (name: string, valLoss: number, finish = true) => {
    const { run } = await post<{ run: { id: string } }>("/api/runs", { project, name, config: { lr: valLoss / 100 } });
    await logValLoss(run.id, 1, valLoss);
    if (finish) await post(`/api/runs/${run.id}/finish`, { state: "finished" });
    return run.id;
  };
  const logValLoss = (id: string, seq: number, valLoss: number) => post(`/api/runs/${id}/events`, { seq, metrics: [{ step: seq, time: seq, values: { val_loss: valLoss } }] });
  /** What the store holds of the project's runs in this view: the runs, their val_loss, and the runs in all. */
  const stored = async (filter?: string) => {
    const store = await e2eStore();
    const page = await store.queryRunsTable({ project, columns: ["summary.val_loss"], archived: "hide", filters: filter ? [store.TableFilter.parse(filter)] : undefined, limit: 100 });
    const all = await store.countRuns();
    await store.disconnectPrisma();
    return { ids: page.rows.map((r) => r.id).sort(), valLoss: Object.fromEntries(page.rows.map((r) => [r.id, r.values["summary.val_loss"]])), all };
  };
  /** The table and its count agree with the store, run by run. */
  const shownAsStored = async (filter?: string) => {
    await expect(async () => {
      const held = await stored(filter);
      const rows = page.getByTestId("run-row");
      expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-run-id")!))).sort()).toEqual(held.ids);
      for (const id of held.ids) await expect(page.locator(`tr[data-run-id="${id}"] td[data-column="summary.val_loss"]`)).toHaveAttribute("data-value", String(held.valLoss[id]), { timeout: 1 });
      const count = page.getByTestId("runs-count");
      await expect(count).toHaveAttribute("data-runs", String(held.ids.length), { timeout: 1 });
      await expect(count).toHaveText(`${held.ids.length} run${held.ids.length === 1 ? "" : "s"} of ${held.all.toLocaleString("en-US")}`, { timeout: 1 });
    }).toPass({ timeout: 20_000 });
  };
  const first = await logRun("first", 0.5);

  // the project open, nothing in it training
  await page.goto(`/?project=${project}&columns=state,summary.val_loss`);
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await expect(page.locator(`tr[data-run-id="${first}"]`)).toBeVisible();
  await shownAsStored();
  // a script elsewhere logs two runs: they come in, newest first, and the count with them
  const second = await logRun("second", 0.7);
  const third = await logRun("third", 1.3);
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-run-id", third, { timeout: 15_000 });
  await expect(page.locator(`tr[data-run-id="${second}"]`)).toBeVisible();
  await shownAsStored();
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // filtered to val_loss < 1: a run that starts matching comes in, running; when its loss rises
  // above 1 it leaves, while still running, and the count follows
  const filter = "summary.val_loss<1";
  await page.goto(`/?project=${project}&columns=state,summary.val_loss&filter=${encodeURIComponent(filter)}`);
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  await shownAsStored(filter);
  const live = await logRun("live", 0.6, false);
  const liveRow = page.locator(`tr[data-run-id="${live}"]`);
  await expect(liveRow.locator('td[data-column="state"]')).toContainText("running", { timeout: 15_000 });
  await shownAsStored(filter);
  await screen(page, "runs-table-live-filter");
  await logValLoss(live, 2, 1.4);
  await expect(liveRow).toHaveCount(0, { timeout: 15_000 });
  expect((await (await request.get(`/api/runs/${live}`)).json()).run.state).toBe("running");
  await shownAsStored(filter);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await post(`/api/runs/${live}/finish`, { state: "finished" });
});
