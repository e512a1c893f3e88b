import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { resolveRunConfig } from "../engine/config";
import { parseTrainArgs } from "../engine/terminal";
import { E2E_DIR, e2eStore, screen } from "./runs-util";

// Journey: housekeeping on runs and sweeps (issue 14). Rename a run, tag it and write a note
// on its page; filter the runs table by the tag and export it; archive the run (hidden until
// "show archived") and restore it; delete another run after confirming (its checkpoint file
// goes too); tag, archive and delete a sweep from its page. Its own fixture sweep, so the
// seeded runs other journeys read stay as they are.

let sweepId = "";
let keepId = "";
let doomedId = "";
let looseId = "";
const groupIds: string[] = [];
const checkpoint = (id: string) => path.join(E2E_DIR, "checkpoints", `${id}.json`);

test.beforeAll(async () => {
  const store = await e2eStore();
  const sweep = await store.createSweep({ name: "housekeeping-e2e", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 5, state: "finished" });
  sweepId = sweep.id;
  const ids: string[] = [];
  for (let index = 0; index < 2; index++) {
    const now = new Date();
    await store.reserveRunIndex(sweepId); // as the executor does before it creates a sweep's run
    const run = await store.createEndedRun({ sweepId, index, config: { task: "quadrant", learning_rate: 0.01 * (index + 1), steps: 30 }, state: "finished", lastStep: 30, startedAt: now, finishedAt: now });
    await store.appendRunEvents([{ runId: run.id, metrics: [10, 20, 30].map((step) => ({ step, time: step / 10, values: { train_loss: 1 / step, val_loss: 1.2 / step } })), logs: [{ level: "info", message: "training", step: 10 }] }]);
    fs.mkdirSync(path.dirname(checkpoint(run.id)), { recursive: true });
    fs.writeFileSync(checkpoint(run.id), JSON.stringify({ step: 30 }));
    ids.push(run.id);
  }
  [keepId, doomedId] = ids;
  const now = new Date();
  const loose = await store.createEndedRun({ config: resolveRunConfig({ task: "charlm", cell: "gru", dropout: 0.25, learning_rate: 0.003, steps: 40 }), state: "finished", lastStep: 40, startedAt: now, finishedAt: now });
  looseId = loose.id;
  for (const lr of [0.01, 0.02]) {
    const run = await store.createEndedRun({ config: { task: "quadrant", learning_rate: lr, steps: 30 }, state: "finished", lastStep: 30, startedAt: now, finishedAt: now });
    await store.appendRunEvents([{ runId: run.id, metrics: [{ step: 30, time: 1, values: { train_loss: lr * 10, val_loss: lr * 20 } }] }]);
    groupIds.push(run.id);
  }
  fs.writeFileSync(checkpoint(looseId), JSON.stringify({ step: 40, note: "e2e checkpoint" }));
  await store.disconnectPrisma();
});

test("a run: rename, tag, note; filter the table by tag; archive and restore; delete another", async ({ page }) => {
  await page.goto(`/runs/${keepId}`);
  await page.getByTestId("edit-meta").click();
  await page.getByTestId("meta-name").fill("baseline-quadrant");
  await page.getByTestId("meta-tags").fill("hk-baseline, lr/low");
  // notes in Markdown, as W&B's: emphasis, a list, code, a link; raw HTML and a javascript: link stay harmless
  const notes = [
    "The **reference** for the lr sweep.",
    "Keep it.",
    "",
    "- lr `0.01`",
    "- see [the W&B docs](https://docs.wandb.ai/guides/sweeps)",
    "",
    '<img src=x onerror="window.__pwned = 1"> [click](javascript:window.__pwned=2)',
  ].join("\n");
  await page.getByTestId("meta-notes").fill(notes);
  await page.getByTestId("save-meta").click();
  await expect(page.getByTestId("run-name")).toHaveText("baseline-quadrant");
  await expect(page.getByTestId("tag")).toHaveText(["hk-baseline", "lr/low"]);
  const shown = page.getByTestId("notes");
  await expect(shown.locator("strong")).toHaveText("reference");
  // a line break typed inside a paragraph stays a line break
  expect(await shown.locator("p").first().innerText()).toBe("The reference for the lr sweep.\nKeep it.");
  await expect(shown.locator("li")).toHaveText(["lr 0.01", "see the W&B docs"]);
  await expect(shown.locator("li code")).toHaveText("0.01");
  const link = shown.getByRole("link", { name: "the W&B docs" });
  await expect(link).toHaveAttribute("href", "https://docs.wandb.ai/guides/sweeps");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", /noopener/);
  await expect(shown.locator("img")).toHaveCount(0);
  await expect(shown).toContainText('<img src=x onerror="window.__pwned = 1">');
  // the javascript: link is its text alone: the one link is the docs'
  await expect(shown).toContainText("click");
  await expect(shown.locator("a")).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId("run-name")).toHaveText("baseline-quadrant");
  await expect(page.getByTestId("tag")).toHaveText(["hk-baseline", "lr/low"]);
  await expect(page.getByTestId("notes").locator("strong")).toHaveText("reference");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await screen(page, "housekeeping-run-page");

  // a bad tag: the API's message, nothing saved
  await page.getByTestId("edit-meta").click();
  await page.getByTestId("meta-tags").fill("ok, bad'quote");
  await page.getByTestId("save-meta").click();
  await expect(page.getByTestId("meta-error")).toContainText("tags.1");
  await page.getByTestId("edit-meta").click();

  // the runs table, filtered by the tag typed in the toolbar
  await page.goto("/");
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("tag-filter").fill("hk-baseline");
  await page.getByTestId("tag-filter").press("Enter");
  await expect(page).toHaveURL(/[?&]tag=hk-baseline/);
  await expect(page.getByTestId("tag-chip")).toHaveText(/hk-baseline/);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  const row = page.getByTestId("run-row").first();
  await expect(row).toHaveAttribute("data-run-id", keepId);
  await expect(row.getByTestId("row-tag")).toHaveText(["hk-baseline", "lr/low"]);
  await screen(page, "housekeeping-runs-table");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = fs.readFileSync((await (await download).path())!, "utf8").trim().split("\n");
  const header = csv[0].split(",");
  expect(csv).toHaveLength(2);
  expect(csv[1].split(",")[header.indexOf("id")]).toBe(keepId);
  expect(csv[1]).toContain('"hk-baseline,lr/low"');

  // archive: hidden from the table until "show archived"
  await page.goto(`/runs/${keepId}`);
  await page.getByTestId("archive").click();
  await expect(page.getByTestId("archived-badge")).toBeVisible();
  await page.goto("/?tag=hk-baseline");
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("run-row")).toHaveCount(0);
  await page.getByTestId("show-archived").check();
  await expect(page).toHaveURL(/archived=include/);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("row-archived")).toBeVisible();
  await page.goto(`/runs/${keepId}`);
  await page.getByTestId("archive").click();
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);
  expect(((await (await page.request.get("/api/runs?tag=hk-baseline")).json()) as { runs: unknown[] }).runs).toHaveLength(1);

  // delete, after confirming: the run and its checkpoint are gone, the other run stays
  expect(fs.existsSync(checkpoint(doomedId))).toBe(true);
  await page.goto(`/runs/${doomedId}`);
  await page.getByTestId("delete").click();
  await expect(page.getByRole("group", { name: "Confirm delete run" })).toContainText("cannot be undone");
  await page.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL(/\/$|\/\?/);
  expect((await page.request.get(`/api/runs/${doomedId}`)).status()).toBe(404);
  expect(fs.existsSync(checkpoint(doomedId))).toBe(false);
  expect((await page.request.get(`/api/runs/${keepId}`)).status()).toBe(200);
  expect(fs.existsSync(checkpoint(keepId))).toBe(true);
  // its sweep says a run was deleted, rather than looking one short of done
  await page.goto(`/sweeps/${sweepId}`);
  await expect(page.getByTestId("stat-done").locator(".value")).toHaveText("1 / 2 · 1 deleted");
  await expect(page.locator(".sw-progress .sw-seg-deleted")).toHaveAttribute("title", "1 deleted");
  await page.goto("/sweeps");
  await expect(page.locator(`[data-sweep-id="${sweepId}"] .sw-list-count`)).toHaveText("1/2 −1 deleted");
});

test("a sweep: rename and tag, archive (hidden from the list), delete with its runs", async ({ page }) => {
  await page.goto(`/sweeps/${sweepId}`);
  await page.getByTestId("edit-meta").click();
  await page.getByTestId("meta-name").fill("housekeeping-renamed");
  await page.getByTestId("meta-tags").fill("hk-sweep");
  await page.getByTestId("save-meta").click();
  await expect(page.getByTestId("sweep-name")).toHaveText("housekeeping-renamed");
  await expect(page.getByTestId("tag")).toHaveText(["hk-sweep"]);
  await page.getByTestId("archive").click();
  await expect(page.getByTestId("archived-badge")).toBeVisible();

  await page.goto("/sweeps");
  await expect(page.locator(`[data-sweep-id="${sweepId}"]`)).toHaveCount(0);
  await page.getByTestId("toggle-archived").click();
  await expect(page.locator(`[data-sweep-id="${sweepId}"]`)).toContainText("housekeeping-renamed");

  await page.goto(`/sweeps/${sweepId}`);
  await page.getByTestId("delete").click();
  await expect(page.getByRole("group", { name: "Confirm delete sweep" })).toContainText("all its runs");
  await page.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL(/\/sweeps$/);
  expect((await page.request.get(`/api/sweeps/${sweepId}`)).status()).toBe(404);
  expect((await page.request.get(`/api/runs/${keepId}`)).status()).toBe(404);
  expect(fs.existsSync(checkpoint(keepId))).toBe(false);
});

test("a run's config: copy as YAML, copy as the CLI command that trains it again, download its checkpoint", async ({ page, request }) => {
  const { run } = (await (await request.get(`/api/runs/${looseId}`)).json()) as { run: { config: Record<string, unknown> } };
  await page.goto(`/runs/${looseId}?tab=config`);
  await page.getByTestId("copy-yaml").click();
  await expect(page.getByTestId("copied-text")).toContainText("cell: gru");
  await expect(page.getByTestId("copied-text")).toContainText("dropout: 0.25");

  await page.getByTestId("copy-cli").click();
  const command = (await page.getByTestId("copied-text").textContent())!;
  expect(command).toMatch(/^npm run train -- --task=charlm /);
  // the command as a shell splits it, read by the train CLI's own parser: the run's config
  const words = spawnSync("bash", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" }).stdout.split("\0").slice(0, -1);
  expect(words.slice(0, 4)).toEqual(["npm", "run", "train", "--"]);
  expect(parseTrainArgs(words.slice(4)).config).toEqual(run.config);
  await screen(page, "housekeeping-run-config");

  const downloading = page.waitForEvent("download");
  await page.getByTestId("download-checkpoint").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${(await (await request.get(`/api/runs/${looseId}`)).json()).run.name}-${looseId}-checkpoint.json`);
  expect(fs.readFileSync((await download.path())!, "utf8")).toBe(fs.readFileSync(checkpoint(looseId), "utf8"));
  // a run without a checkpoint says so, and the route answers 404
  fs.rmSync(checkpoint(looseId));
  await page.reload();
  await expect(page.getByTestId("no-checkpoint")).toBeVisible();
  expect((await request.get(`/api/runs/${looseId}/checkpoint`)).status()).toBe(404);
  expect((await request.get(`/api/runs/nosuchrun/checkpoint`)).status()).toBe(404);
});

test("a trained run's system metrics beside its curves; fork it from its checkpoint with a lower learning rate", async ({ page, request }) => {
  const res = await request.post("/api/sweeps", { data: { method: "grid", name: "system-metrics-e2e", parameters: { task: { value: "quadrant" }, steps: { value: 200 }, eval_every: { value: 50 }, log_every: { value: 10 } } } });
  expect(res.status()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  let runId = "";
  await expect(async () => {
    const { runs } = (await (await request.get(`/api/runs?sweep=${id}&state=finished`)).json()) as { runs: { id: string }[] };
    expect(runs).toHaveLength(1);
    runId = runs[0].id;
  }).toPass({ timeout: 90_000 });
  const metrics = (await (await request.get(`/api/runs/${runId}/metrics?keys=system/rss_mb,system/step_ms,system/cpu_percent`)).json()) as { series: Record<string, { step: number; value: number }[]> };
  for (const key of ["system/rss_mb", "system/step_ms", "system/cpu_percent"]) expect(metrics.series[key]?.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => 10 * (i + 1)));
  expect(metrics.series["system/rss_mb"].every((p) => p.value > 10)).toBe(true);
  await page.goto(`/runs/${runId}`);
  for (const panel of ["system-cpu_percent", "system-rss_mb", "system-step_ms"]) await expect(page.getByTestId(`run-panel-${panel}`)).toBeVisible();
  await page.getByTestId("run-panel-system-rss_mb").scrollIntoViewIfNeeded();
  await screen(page, "housekeeping-system-metrics");

  // fork it from its final checkpoint with a lower learning rate and more steps
  await page.getByTestId("fork").click();
  await page.getByTestId("fork-lr").fill("0.001");
  await page.getByTestId("fork-steps").fill("300");
  await page.getByTestId("confirm-fork").click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${runId}`));
  const forkId = /\/runs\/([0-9a-z]+)/.exec(page.url())![1];
  await expect(page.getByTestId("fork-of")).toContainText(`fork of ${runId} at step 200`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished", { timeout: 90_000 });
  const { run: fork } = (await (await request.get(`/api/runs/${forkId}`)).json()) as { run: { config: { learning_rate: number; steps: number }; forkOf: string; lastStep: number } };
  expect([fork.config.learning_rate, fork.config.steps, fork.forkOf, fork.lastStep]).toEqual([0.001, 300, runId, 300]);
  const forked = (await (await request.get(`/api/runs/${forkId}/metrics?keys=train_loss`)).json()) as { series: Record<string, { step: number }[]> };
  expect(forked.series.train_loss.map((p) => p.step)).toEqual(Array.from({ length: 10 }, (_, i) => 210 + 10 * i));
  await screen(page, "housekeeping-fork");

  // gone again, so the journeys that pick the seeded runs by best val_loss find theirs
  expect((await request.delete(`/api/sweeps/${id}`)).status()).toBe(200);
  expect((await request.delete(`/api/runs/${forkId}`)).status()).toBe(200);
});

test("run groups: set a run's group on its page; the table folds the group into one row", async ({ page, request }) => {
  const [a, b] = groupIds;
  await page.goto(`/runs/${a}`);
  await page.getByTestId("edit-meta").click();
  await page.getByTestId("meta-group").fill("hk-e2e-group");
  await page.getByTestId("meta-tags").fill("hk-grouping");
  await page.getByTestId("save-meta").click();
  await expect(page.getByTestId("run-group")).toHaveText("group hk-e2e-group");
  expect((await request.patch(`/api/runs/${b}`, { data: { group: "hk-e2e-group", tags: ["hk-grouping"] } })).status()).toBe(200);

  await page.goto("/?tag=hk-grouping");
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  await page.getByTestId("group-runs").check();
  await expect(page).toHaveURL(/group=runs/);
  const row = page.getByTestId("config-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("hk-e2e-group");
  await expect(row).toContainText("2 runs");
  await expect(page.getByText("1 group · 2 runs")).toBeVisible();
  await row.getByTestId("expand-group").click();
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  await screen(page, "housekeeping-run-groups");
  for (const id of groupIds) expect((await request.delete(`/api/runs/${id}`)).status()).toBe(200);
});
