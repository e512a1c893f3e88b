import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startOwnServer } from "./own-server";
import { ROOT, screen } from "./runs-util";

// Journey: paste a W&B sweep config (as written for `wandb sweep`, with program/command,
// comments, implicit distributions) into the YAML tab; the form follows it; launch it: a sweep
// with a program waits for an agent, which runs the program where it is started.

const WANDB_YAML = `# sweep.yaml, as used with \`wandb sweep\`
program: train.py
project: rnn-lecture
name: e2e pasted yaml
method: random
metric:
  name: val_loss
  goal: minimize
run_cap: 3
parameters:
  task:
    value: quadrant
  steps:
    value: 60
  eval_every:
    value: 10
  hidden_size:        # integer min/max → int_uniform, as W&B infers
    min: 8
    max: 32
  learning_rate:
    distribution: log_uniform_values
    min: 0.001
    max: 0.1
  init:
    values: [kaiming, xavier]
command:
  - \${env}
  - python
  - \${program}
  - \${args}
`;

test("paste a W&B sweep YAML, see the form follow it, and launch it", async ({ page }) => {
  await page.goto("/sweeps/new");
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  const editor = page.getByTestId("config-text");
  await editor.fill(WANDB_YAML);
  await expect(page.getByTestId("text-issues")).toContainText("Valid sweep config");
  await expect(page.getByTestId("run-estimate")).toHaveText("3 runs");
  await expect(page.getByTestId("run-estimate-detail")).toContainText("run_cap 3");

  // the form shows the same sweep
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByTestId("method-random")).toBeChecked();
  await expect(page.getByTestId("field-name")).toHaveValue("e2e pasted yaml");
  await expect(page.getByTestId("param-hidden_size").getByTestId("mode-hidden_size-distribution")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("param-hidden_size").getByLabel("hidden_size distribution")).toHaveValue("int_uniform");
  await expect(page.getByTestId("field-parameters.learning_rate.min")).toHaveValue("0.001");
  await expect(page.getByTestId("param-init").getByLabel("kaiming")).toBeChecked();
  await expect(page.getByTestId("param-init").getByLabel("normal")).not.toBeChecked();

  // back in the text tab the pasted text is kept as written (comments and all)
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await expect(editor).toHaveValue(WANDB_YAML);
  // an edit in the text shows up in the count at once
  await editor.fill(WANDB_YAML.replace("run_cap: 3", "run_cap: 2"));
  await expect(page.getByTestId("run-estimate")).toHaveText("2 runs");
  await page.screenshot({ path: "test-results/screens/new-sweep-yaml.png", fullPage: true });

  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "e2e pasted yaml" })).toBeVisible();
  await expect(page.locator(".page-header .subtitle")).toContainText("random search");
  // a sweep with a program is the user's program's: the server never runs a command that came over
  // HTTP, so it waits for an agent started where the program is, and says how to start one
  const id = /\/sweeps\/([0-9a-z]+)$/.exec(page.url())![1];
  await expect(page.getByTestId("agent-command-line")).toContainText(`node ${path.join(ROOT, "scripts", "cli.mjs")} agent --server`);
  await expect(page.getByTestId("agent-command-line")).toContainText(`--sweep ${id}`);
  // what it searches, as launched (comments kept), folded until opened, with the seed its draws come from
  const config = page.getByTestId("sweep-config");
  await expect(page.getByTestId("sweep-config-text")).not.toBeVisible();
  await config.locator("summary").click();
  await expect(page.getByTestId("sweep-config-text")).toHaveText(WANDB_YAML.replace("run_cap: 3", "run_cap: 2").trimEnd());
  const stored = ((await (await page.request.get(`/api/sweeps/${id}`)).json()) as { sweep: { seed: number } }).sweep;
  await expect(page.getByTestId("sweep-config-seed")).toHaveText(`seed ${stored.seed}`);
  await page.waitForTimeout(3000);
  const runs = (await (await page.request.get(`/api/runs?sweep=${id}`)).json()) as { runs: unknown[] };
  expect(runs.runs).toHaveLength(0);
});

test("a program sweep launched from the browser runs where an agent is started: its runs, parallel coordinates and CSV", async ({ page }) => {
  test.setTimeout(120_000);
  const token = "e2e-program-agent-token";
  const own = await startOwnServer("program-agent", { env: { SWEEPLAB_AGENT_TOKEN: token } });
  // the program's folder is outside the repository, as a user's is (`npm run agent` finds no package.json there)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-e2e-program-"));
  // the user's program: reads W&B's --key=value arguments, prints a JSON line per epoch
  fs.writeFileSync(
    path.join(work, "fit.mjs"),
    [
      "const args = Object.fromEntries(process.argv.slice(2).map((a) => a.slice(2).split('=')));",
      "const lr = Number(args.lr), opt = args.optimizer;",
      "for (let epoch = 0; epoch < 4; epoch++) console.log(JSON.stringify({ 'val/loss': (opt.includes('adam') ? 1 : 2) * lr * (4 - epoch), epoch }));",
    ].join("\n"),
  );
  try {
    await page.goto(`${own.base}/sweeps/new`);
    await page.getByRole("tab", { name: "YAML / JSON" }).click();
    await page.getByTestId("config-text").fill(
      "name: my own program\nprogram: fit.mjs\nmethod: grid\nmetric: {name: val/loss, goal: minimize}\nparameters:\n  lr: {values: [0.5, 0.25]}\n  optimizer:\n    parameters:\n      name: {values: [adam, sgd]}\n",
    );
    await expect(page.getByTestId("text-issues")).toContainText("Valid sweep config");
    // the form says where a program's runs train: not on this server
    await expect(page.locator(".sw-launch-note")).toContainText("where you start an agent for this sweep");
    await page.getByTestId("launch").click();
    await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
    const id = /\/sweeps\/([0-9a-z]+)$/.exec(page.url())![1];
    // (the page names its own address once it runs in the browser)
    await expect(page.getByTestId("agent-command-line")).toHaveText(`SWEEPLAB_AGENT_TOKEN='<token>' node ${path.join(ROOT, "scripts", "cli.mjs")} agent --server ${own.base} --sweep ${id}`);
    const shown = (await page.getByTestId("agent-command-line").textContent())!.trim();
    // until an agent asks, the page says it waits for one (not that runs are being proposed)
    await expect(page.getByTestId("training-now")).toHaveText("Waiting for an agent to ask for a run…");
    await expect(page.getByText("Runs start when an agent for this sweep asks for them: start one with the command above")).toBeVisible();
    await screen(page, "program-sweep-waiting");

    // the command as shown, pasted into bash in the program's folder by a user whose shell knows
    // nothing of Sweeplab: unedited, the server refuses the placeholder token and says so ...
    const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "" } as unknown as NodeJS.ProcessEnv;
    const paste = (command: string) => spawnSync("bash", ["-c", command], { cwd: work, env, encoding: "utf8", timeout: 90_000 });
    const unedited = paste(shown);
    expect(unedited.status, unedited.stderr).toBe(2);
    expect(unedited.stderr).toMatch(/401.*wrong agent token/);
    // ... and with the server's token in its place, the agent runs the sweep's runs here
    const agent = paste(shown.replace("<token>", token));
    expect(agent.status, agent.stderr).toBe(0);

    await page.reload();
    await expect(page.locator(".page-header [data-testid=state-badge]")).toHaveAttribute("data-state", "finished");
    await expect(page.getByTestId("stat-finished").locator(".value")).toHaveText("4");
    await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-axes", /lr.*optimizer\.name.*val\/loss/);
    // which parameters matter, nested ones included (optimizer doubles the loss)
    await expect(page.locator('[data-testid=importance-row][data-param="optimizer.name"]')).toBeVisible();
    await screen(page, "program-sweep-finished");
    // the table's CSV holds each run's values as stored
    const csv = await (await page.request.get(`${own.base}/api/compare/table.csv?sweep=${id}&group=none&columns=config.lr,config.optimizer.name,summary.val/loss`)).text();
    const rows = csv.trim().split("\n").slice(1).map((line) => line.split(","));
    expect(rows).toHaveLength(4);
    const header = csv.split("\n")[0].split(",");
    const at = (row: string[], col: string) => row[header.indexOf(col)];
    for (const row of rows) {
      const lr = Number(at(row, "config.lr"));
      expect(Number(at(row, "summary.val/loss"))).toBe((at(row, "config.optimizer.name") === "adam" ? 1 : 2) * lr * 1);
    }
  } finally {
    own.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("a program sweep without a metric: no metric made up, no goal, no best run; its runs and curves still show", async ({ page }) => {
  test.setTimeout(120_000);
  const token = "e2e-no-metric-token";
  const own = await startOwnServer("no-metric", { env: { SWEEPLAB_AGENT_TOKEN: token } });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-e2e-no-metric-"));
  fs.writeFileSync(path.join(work, "fit.mjs"), "const lr = Number(process.argv.find((a) => a.startsWith('--lr=')).slice(5));\nfor (let epoch = 0; epoch < 3; epoch++) console.log(JSON.stringify({ loss: lr * (3 - epoch), epoch }));\n");
  try {
    await page.goto(`${own.base}/sweeps/new`);
    await page.getByRole("tab", { name: "YAML / JSON" }).click();
    await page.getByTestId("config-text").fill("name: no metric\nprogram: fit.mjs\nmethod: grid\nparameters:\n  lr: {values: [0.5, 0.25, 0.125]}\n");
    await expect(page.getByTestId("text-issues")).toContainText("Valid sweep config");
    await expect(page.getByTestId("launch-metric")).toContainText("none");
    await page.getByTestId("launch").click();
    await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
    // (the page names its own address once it runs in the browser)
    await expect(page.getByTestId("agent-command-line")).toContainText(`--server ${own.base} `);
    const shown = (await page.getByTestId("agent-command-line").textContent())!.trim().replace("<token>", token);
    const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "" } as unknown as NodeJS.ProcessEnv;
    const agent = spawnSync("bash", ["-c", shown], { cwd: work, env, encoding: "utf8", timeout: 90_000 });
    expect(agent.status, agent.stderr).toBe(0);

    await page.reload();
    await expect(page.getByTestId("stat-finished").locator(".value")).toHaveText("3");
    // (val_loss was invented as its metric: the header said "minimize val_loss" and every panel looked for it)
    await expect(page.getByTestId("sweep-metric")).toHaveText("no metric (no best run)");
    await expect(page.locator(".page-header .subtitle")).not.toContainText("val_loss");
    await expect(page.getByTestId("stat-best")).toHaveCount(0);
    // its table lists the runs in the order they were made, with no column for a metric it has not
    await expect(page.locator("[data-testid=sweep-runs-table] [data-testid^=sweep-sort-summary]")).toHaveCount(0);
    await expect(page.getByTestId("sweep-run-row").first()).toContainText("-1");
    await expect(page.getByTestId("no-metric")).toContainText("This sweep names no metric");
    // nor a pruning replay, which prunes by the metric (its Replay answered "metric required")
    await expect(page.getByTestId("replay-panel")).toHaveCount(0);
    // the curves show what the runs logged (the first by name), not an empty or made-up metric
    await expect(page.getByTestId("curves-panel")).toContainText("epoch of every run");
    await expect(page.getByTestId("curves-metric")).toHaveValue("epoch");
    await screen(page, "program-sweep-no-metric");
  } finally {
    own.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
