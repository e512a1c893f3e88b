import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import { brushAxis, e2eStore, screen } from "./runs-util";

// The sweep page's view as a W&B user expects it (issue 17 §2 and §4, issue 12's "Also",
// issue 11 §3): brush, sort and chosen metric live in the URL and survive Back; "export
// shown" exports the brushed rows in table order; a brush includes its ends and an empty
// brush says so; every swept parameter has its axis from the first run; seed replicates are
// one line; lines show the values the table shows while runs train; accuracy stays in [0, 1];
// W&B-style metric names work in the curves panel.

const FIXTURE_SWEEP = "dropout-x-lr";

const tableIds = (page: Page) => page.getByTestId("sweep-run-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")!));

async function download(page: Page, testId: string): Promise<{ name: string; records: Record<string, string>[] }> {
  const pending = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const file = await pending;
  return { name: file.suggestedFilename(), records: parse(fs.readFileSync(await file.path(), "utf8"), { columns: true }) as Record<string, string>[] };
}

test("brush, sort and metric survive opening a run and coming Back; export shown is the brushed rows in table order", async ({ page }) => {
  await page.goto("/sweeps");
  await page.getByTestId("sweep-row").filter({ hasText: FIXTURE_SWEEP }).getByRole("link").first().click();
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", "30");
  const sweepUrl = new URL(page.url()).pathname;

  await brushAxis(page, "dropout", 0.05, 0.6);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  await page.getByTestId("sweep-sort-name").click();
  await page.getByTestId("sweep-sort-name").click(); // descending
  await page.getByTestId("curves-metric").selectOption("train_loss");
  await expect(page.getByTestId("curves-panel")).toContainText("train_loss of every run");
  await expect(page).toHaveURL(/brush=dropout/);
  await expect(page).toHaveURL(/sort=-name/);
  await expect(page).toHaveURL(/curves=train_loss/);
  const shown = await tableIds(page);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThan(30);
  const names = await page.locator('[data-testid="sweep-run-row"] .sw-name-cell a').first().innerText();
  const chip = await page.getByTestId("brush-dropout").innerText();

  // export shown: exactly those runs, in the table's order; export all: every run
  const exported = await download(page, "table-export-shown");
  expect(exported.name).toMatch(/-runs-shown\.csv$/);
  expect(exported.records.map((r) => r.id)).toEqual(shown);
  for (const r of exported.records) expect(Number(r["config.dropout"])).toBeGreaterThan(0);
  const all = await download(page, "table-export-csv");
  expect(all.records).toHaveLength(30);

  // open a run, then Back
  await page.locator('[data-testid="sweep-run-row"] .sw-name-cell a').first().click();
  await expect(page).toHaveURL(/\/runs\//);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`${sweepUrl}\\?`));
  await expect(page).toHaveURL(/brush=dropout/);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  await expect(page.getByTestId("brush-dropout")).toHaveText(chip);
  expect(await tableIds(page)).toEqual(shown);
  await expect(page.locator('th[aria-sort="descending"]')).toContainText("Name");
  await expect(page.locator('[data-testid="sweep-run-row"] .sw-name-cell a').first()).toHaveText(names);
  await expect(page.getByTestId("curves-metric")).toHaveValue("train_loss");
  await screen(page, "sweep-view-after-back");
});

test("a brush includes its ends, and an empty brush says so", async ({ page }) => {
  const store = await e2eStore();
  const sweep = await store.createSweep({
    name: "ends-e2e",
    config: { method: "grid", metric: { name: "val_loss", goal: "minimize" }, parameters: { dropout: { values: [0, 0.25, 0.5] }, cell: { values: ["rnn", "lstm"] } } },
    rawConfig: "",
    method: "grid",
    metricName: "val_loss",
    metricGoal: "minimize",
    concurrency: 1,
    seed: 9,
    state: "finished",
  });
  let index = 0;
  for (const cell of ["rnn", "lstm"])
    for (const dropout of [0, 0.25, 0.5]) {
      const run = await store.createRun({ sweepId: sweep.id, index: index++, config: { task: "charlm", cell, dropout }, params: { cell, dropout }, claimedBy: "e2e" });
      await store.appendRunEvents([{ runId: run.id, metrics: [10, 20].map((step) => ({ step, time: step, values: { val_loss: 1.5 + dropout + (cell === "rnn" ? 0.2 : 0) + 1 / step } })) }]);
      await store.finishRun(run.id, { state: "finished", lastStep: 20 });
    }
  await store.disconnectPrisma();

  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", "6");
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-ranges", /dropout:0:0\.5/);
  // issue 17 §2: from the top of the dropout axis (0.5) a little way down
  await brushAxis(page, "dropout", 0, 0.3);
  await expect(page.getByTestId("table-count")).toContainText("filtered by the brush");
  const dropouts = await page.locator('td[data-column="config.dropout"]').allInnerTexts();
  expect(dropouts).toEqual(["0.5", "0.5"]);
  expect(decodeURIComponent(new URL(page.url()).searchParams.get("brush")!)).toMatch(/^dropout:[\d.]+:0\.5$/);
  await expect(page.getByTestId("curves-panel")).toContainText("2 of 6 runs");

  // a range between the values keeps nothing: the table and the curves say so
  await page.goto(`/sweeps/${sweep.id}?brush=dropout:0.3:0.4`);
  await expect(page.getByTestId("table-empty")).toBeVisible();
  await expect(page.getByTestId("curves-empty")).toContainText("No run passes the brush");
  await expect(page.getByTestId("curves-empty")).not.toContainText("logged yet");
  await screen(page, "sweep-empty-brush");
});

test("while runs train: every swept axis from the start, replicates as one line, lines as current as the table, accuracy within [0, 1]", async ({ page }) => {
  const store = await e2eStore();
  // paused: the server's executor proposes nothing for it; its two running runs are ours
  const sweep = await store.createSweep({
    name: "live-parcoords-e2e",
    config: {
      method: "grid",
      replicates: 2,
      metric: { name: "val_acc", goal: "maximize" },
      parameters: { dropout: { values: [0, 0.25, 0.5] }, learning_rate: { distribution: "log_uniform_values", min: 0.001, max: 0.1 }, cell: { values: ["rnn", "lstm", "gru"] } },
    },
    rawConfig: "",
    method: "grid",
    metricName: "val_acc",
    metricGoal: "maximize",
    concurrency: 2,
    seed: 4,
    state: "paused",
  });
  const runs = [];
  for (const seed of [1, 2]) {
    const config = { task: "quadrant", cell: "lstm", dropout: 0.25, learning_rate: 0.01, seed };
    const run = await store.createRun({ sweepId: sweep.id, index: seed - 1, config, params: { cell: "lstm", dropout: 0.25, learning_rate: 0.01, seed }, claimedBy: "e2e" });
    await store.appendRunEvents([{ runId: run.id, metrics: [{ step: 10, time: 1, values: { train_loss: 1, val_acc: seed === 1 ? 0.5 : 0.6 } }] }]);
    runs.push(run);
  }
  try {
    await page.goto(`/sweeps/${sweep.id}`);
    const chart = page.getByTestId("parallel-chart");
    await expect(chart).toHaveAttribute("data-axes", "dropout,learning_rate,cell,val_acc_best");
    await expect(chart).toHaveAttribute("data-rows", "1");
    await expect(page.getByTestId("parallel-count")).toContainText("1 configuration · 2 runs, seeds as their mean");
    await expect(chart).toHaveAttribute("data-ranges", /dropout:0:0\.5,learning_rate:0\.001:0\.1,cell:rnn\|lstm\|gru,/);
    await expect(chart).toHaveAttribute("data-metric-values", new RegExp(`${runs[0].id}\\+${runs[1].id}=0\\.55`));
    const ranges = (await chart.getAttribute("data-ranges"))!.split(",").find((r) => r.startsWith("val_acc_best:"))!.split(":");
    expect(Number(ranges[1])).toBeGreaterThanOrEqual(0);
    expect(Number(ranges[2])).toBeLessThanOrEqual(1);

    // the runs train on: the table and the line follow without a reload
    await store.appendRunEvents([{ runId: runs[0].id, metrics: [{ step: 20, time: 2, values: { train_loss: 0.5, val_acc: 0.9 } }] }]);
    const cell = page.locator(`tr[data-run-id="${runs[0].id}"] td[data-column="summary.val_acc_best"]`);
    await expect(cell).toHaveAttribute("data-value", "0.9");
    await expect(chart).toHaveAttribute("data-metric-values", new RegExp(`=0\\.75$`));
    await screen(page, "sweep-live-parcoords");
  } finally {
    for (const run of runs) await store.finishRun(run.id, { state: "stopped", lastStep: 20 });
    await store.setSweepState(sweep.id, "cancelled");
    await store.disconnectPrisma();
  }
});

test("a sweep whose metric has a W&B-style name: curves, the metric choice and its URL", async ({ page }) => {
  const store = await e2eStore();
  const sweep = await store.createSweep({ name: "wandb-names-e2e", config: { method: "grid", metric: { name: "val/loss", goal: "minimize" }, parameters: { dropout: { values: [0, 0.5] } } }, rawConfig: "", method: "grid", metricName: "val/loss", metricGoal: "minimize", concurrency: 1, seed: 2, state: "finished" });
  for (const [i, dropout] of [0, 0.5].entries()) {
    const run = await store.createRun({ sweepId: sweep.id, index: i, config: { task: "charlm", dropout }, params: { dropout }, claimedBy: "e2e" });
    await store.appendRunEvents([{ runId: run.id, metrics: [1, 2, 3].map((step) => ({ step, time: step, values: { "val/loss": 2 + dropout - step / 10, "eval/acc@1": 0.5 + step / 10 } })) }]);
    await store.finishRun(run.id, { state: "finished", lastStep: 3 });
  }
  await store.disconnectPrisma();
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByTestId("curves-panel")).toContainText("val/loss of every run");
  await expect(page.getByTestId("curves-held")).toHaveAttribute("data-ends", /:3:3,.*:3:3$/);
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-rows", "2");
  await page.getByTestId("curves-metric").selectOption("eval/acc@1");
  await expect(page).toHaveURL(/curves=eval(%2F|\/)acc(%40|@)1/);
  await expect(page.getByTestId("curves-panel")).toContainText("eval/acc@1 of every run");
  await page.reload();
  await expect(page.getByTestId("curves-metric")).toHaveValue("eval/acc@1");
  await expect(page.getByTestId("curves-held")).toHaveAttribute("data-ends", /:3:3,.*:3:3$/);
  await screen(page, "sweep-wandb-names");
});
