import { expect, test } from "@playwright/test";

// Journey: paste a W&B sweep config (as written for `wandb sweep`, with program/command,
// comments, implicit distributions) into the YAML tab; the form follows it; launch it.

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
  await expect(page.getByTestId("stat-done")).toContainText("2 / 2", { timeout: 90_000 });
  // An axis per parameter that varies: learning_rate (continuous) always does; hidden_size and
  // init only when the two random draws differ (the sweep seed is drawn at launch).
  await expect(page.getByTestId("parallel-chart")).toHaveAttribute("data-axes", /learning_rate.*val_loss_best/);
});
