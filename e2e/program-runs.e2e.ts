import { expect, test, type APIRequestContext } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { formatNumber } from "../app/_lib/format";
import { e2eStore, screen } from "./runs-util";

// Journey: runs of someone's own program (issue 18), logged through the HTTP logging API as
// the clients do — a project of two runs with nested configs and W&B-style metric names. The
// project switch in the top bar narrows the runs table to them; the table's default columns are
// their own config keys and metrics, and every cell, in the page and in the CSV, is the stored
// value; a run's page draws a panel per metric and lists its config and summary; compare opens
// on their metrics, and its panels are saved as a named view of the project and opened again.

const project = `e2e-prog-${Date.now().toString(36)}`;
const ids: string[] = [];

async function post(request: APIRequestContext, url: string, data: unknown) {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as { run: { id: string } };
}

test.beforeAll(async ({ request }) => {
  for (const [i, lr] of [0.003, 0.0125].entries()) {
    const { run } = await post(request, "/api/runs", { project, name: `mlp-${i}`, config: { lr, optimizer: { name: i ? "sgd" : "adam", momentum: 0.9 }, hidden: 64 + 64 * i, max_tokens: 12345678901234567890 } });
    const metrics = Array.from({ length: 40 }, (_, step) => ({
      step,
      time: step * 0.25,
      values: { "train/loss": 2 / (1 + lr * 100 * step) + 0.123456789, ...(step % 5 === 4 ? { "val/loss": 2.1 / (1 + lr * 80 * step) + 0.1 / 3, "val/acc": 0.5 + step / 100 + i / 7 } : {}) },
    }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics, logs: [{ level: "info", message: `epoch loop of mlp-${i}` }, { level: "stderr", message: "100%|##########| 40/40" }] });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    ids.push(run.id);
  }
});

test("a program's runs: the project switch, their own columns with stored values, the CSV, and a run's panels", async ({ page }) => {
  const store = await e2eStore();
  const stored = await Promise.all(ids.map((id) => store.getRun(id)));
  await store.disconnectPrisma();

  await page.goto("/");
  const sw = page.getByTestId("project-switch");
  await expect(sw.locator("option", { hasText: project })).toHaveCount(1);
  await sw.selectOption(project);
  await expect(page).toHaveURL(new RegExp(`\\?project=${project}`));
  await expect(page.getByTestId("runs-project")).toContainText(project);
  await expect(page.getByTestId("run-row")).toHaveCount(2);

  // default columns: the config keys that vary (nested ones flattened) and the runs' own metrics
  const headers = await page.locator("td[data-column]").evaluateAll((tds) => [...new Set(tds.map((td) => td.getAttribute("data-column")!))]);
  for (const c of ["config.lr", "config.optimizer.name", "config.hidden", "summary.val/loss", "summary.val/acc", "summary.train/loss"]) expect(headers).toContain(c);
  expect(headers).not.toContain("summary.val_loss_best");
  // the filter builder starts on their own first held-out metric, and offers no engine column they lack
  await expect(page.getByTestId("filter-field")).toHaveValue("summary.val/acc");
  const offered = await page.getByTestId("filter-field").locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  for (const f of ["summary.val/loss", "summary.val/acc", "summary.train/loss", "config.lr"]) expect(offered).toContain(f);
  for (const f of ["summary.val_loss_best", "summary.val_loss_best_step", "derived.train_val_gap"]) expect(offered).not.toContain(f);
  const columns = ["config.lr", "config.optimizer.name", "summary.val/loss", "summary.val/acc", "summary.train/loss"];
  for (const run of stored) {
    const row = page.locator(`tr[data-testid="run-row"][data-run-id="${run!.id}"]`);
    for (const c of columns) {
      const [source, key] = [c.slice(0, c.indexOf(".")), c.slice(c.indexOf(".") + 1)];
      const value = (source === "config" ? run!.config : run!.summary)[key];
      await expect(row.locator(`td[data-column="${c}"]`), `${c} of ${run!.name}`).toHaveText(formatNumber(value));
    }
  }
  await screen(page, "program-runs-table");

  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const records = parse(fs.readFileSync(await (await download).path(), "utf8"), { columns: true }) as Record<string, string>[];
  expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
  for (const rec of records) {
    const run = stored.find((r) => r!.id === rec.id)!;
    for (const key of ["val/loss", "val/acc", "train/loss"]) expect(rec[`summary.${key}`], `CSV ${key}`).toBe(String(run.summary[key]));
    expect(rec["config.lr"]).toBe(String(run.config.lr));
  }

  // a run's page: a panel per metric, its config and summary, no engine-only tabs
  await page.getByRole("link", { name: "mlp-1" }).click();
  await expect(page.getByTestId("run-name")).toHaveText("mlp-1");
  await expect(page.getByTestId("run-project")).toContainText(project);
  for (const panel of ["train-loss", "val-loss", "val-acc"]) await expect(page.getByTestId(`run-panel-${panel}`)).toBeVisible();
  await expect(page.getByTestId("run-panel-loss")).toHaveCount(0);
  await expect(page.getByRole("tab", { name: "Gradient flow" })).toHaveCount(0);
  await expect(page.getByTestId("rerun")).toHaveCount(0);
  await screen(page, "program-run-charts");
  await page.getByRole("tab", { name: "Config" }).click();
  await expect(page.getByTestId("config")).toContainText("optimizer.name");
  await expect(page.getByTestId("config")).toContainText("sgd");
  // an integer past 2^53 in digits, not 1.235e19
  await expect(page.getByTestId("config")).toContainText("max_tokens12,345,678,901,234,567,000");
  // copied as YAML nested as the program logged it; no engine command, no checkpoint to speak of
  await page.getByTestId("copy-yaml").click();
  expect(parseYaml((await page.getByTestId("copied-text").textContent())!)).toEqual({ lr: 0.0125, optimizer: { name: "sgd", momentum: 0.9 }, hidden: 128, max_tokens: 12345678901234567890 });
  await expect(page.getByTestId("copy-cli")).toHaveCount(0);
  await expect(page.getByTestId("no-checkpoint")).toHaveCount(0);
  await screen(page, "program-run-config");
  const summary = page.getByTestId("summary");
  await expect(summary).toContainText(`val/acc${String(stored[1]!.summary["val/acc"])}`);
  await page.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByTestId("logs")).toContainText("epoch loop of mlp-1");
  // a line of the program's stderr (tqdm's bar) is marked stderr, not called a warning
  const stderrLine = page.getByTestId("log-line").filter({ hasText: "40/40" });
  await expect(stderrLine).toHaveAttribute("data-level", "stderr");
  await expect(stderrLine.getByTestId("log-stderr")).toHaveText("stderr");
  await expect(stderrLine.getByTestId("log-text")).toHaveText("100%|##########| 40/40");
  await expect(page.getByTestId("logs")).not.toContainText("warn:");
  await screen(page, "program-run-logs");

  // the project stays chosen from a run's page: the switch says it, Sweeps and Runs keep it
  await expect(page.getByTestId("project-switch")).toHaveValue(project);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sweeps" }).click();
  await expect(page).toHaveURL(new RegExp(`/sweeps\\?project=${project}$`));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await expect(page).toHaveURL(new RegExp(`/\\?project=${project}$`));
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  // all projects again: the links name none
  await page.getByTestId("project-switch").selectOption("");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sweeps" })).toHaveAttribute("href", "/sweeps");

  // compare both: with no metrics named, the panels are the runs' own (validation first)
  await page.goto(`/compare?runs=${ids.join(",")}`);
  await expect(page.getByTestId("compare-panel")).toHaveCount(2);
  expect(await page.getByTestId("compare-panel").evaluateAll((els) => els.map((e) => e.getAttribute("data-metric")))).toEqual(["val/acc", "val/loss"]);
  await expect(page.locator('[data-testid="compare-panel"][data-metric="val/loss"] [data-testid="curve-chart"]')).toHaveAttribute("data-curves", ids.join(","));
  await screen(page, "program-runs-compare");

  // the panels saved as a named view of the project, restored on the next visit
  await page.getByTestId("add-panel").selectOption("train/loss");
  await expect(page.getByTestId("compare-panel")).toHaveCount(3);
  await page.getByTestId("view-name").fill("mlp curves");
  await page.getByTestId("save-view").click();
  await expect(page.getByTestId("saved-view-select").locator("option", { hasText: "mlp curves" })).toHaveCount(1);
  await expect(page.getByTestId("saved-view-select")).toHaveValue(/.+/); // the current view is the one saved
  await page.goto(`/compare?project=${project}`);
  await page.getByTestId("saved-view-links").getByRole("link", { name: "mlp curves" }).click();
  await expect(page.getByTestId("compare-panel")).toHaveCount(3);
  expect(await page.getByTestId("compare-panel").evaluateAll((els) => els.map((e) => e.getAttribute("data-metric")))).toEqual(["val/acc", "val/loss", "train/loss"]);
  const bad = await page.request.post("/api/views", { data: { project, name: " ", query: "" } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { issues: { path: string }[] }).issues[0].path).toBe("name");
  await page.getByTestId("delete-view").click();
  await expect(page.getByTestId("saved-view-select").locator("option", { hasText: "mlp curves" })).toHaveCount(0);
});
