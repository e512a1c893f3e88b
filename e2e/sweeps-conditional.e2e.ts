import { expect, test } from "@playwright/test";
import { screen } from "./runs-util";

// Journey (issue 16): a conditional sweep. The grid of the example counts 1 + 2 + 1 = 4
// runs, branch by branch; the form shows momentum only under its choice; the example itself
// (adam with its own log-uniform learning rate, so random search) is pasted as YAML and
// launched; the sweep page draws momentum's absence as its own n/a tick, leaves the table cell
// empty, and an adam run's config page greys momentum out.

const EXAMPLE = `name: e2e conditional
method: random
seed: 7
run_cap: 6
metric: {name: val_loss, goal: minimize}
parameters:
  task: {value: quadrant}
  steps: {value: 40}
  eval_every: {value: 10}
  optimizer:
    choices:
      sgd: {}
      momentum:
        momentum: {values: [0.5, 0.9]}
      adam:
        learning_rate: {distribution: log_uniform_values, min: 0.0001, max: 0.01}
  learning_rate: {value: 0.05}
`;

test("a conditional sweep: counted as a tree, edited in the form, launched from YAML, read with n/a where a parameter does not apply", async ({ page }) => {
  await page.goto("/sweeps/new");
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  const editor = page.getByTestId("config-text");

  // the grid of the tree: 1 + 2 + 1, not 3 × 2
  const grid = EXAMPLE.replace("method: random", "method: grid").replace("run_cap: 6\n", "").replace("{distribution: log_uniform_values, min: 0.0001, max: 0.01}", "{value: 0.003}");
  await editor.fill(grid);
  await expect(page.getByTestId("text-issues")).toContainText("Valid sweep config");
  await expect(page.getByTestId("run-estimate")).toHaveText("4 runs");
  await expect(page.getByTestId("run-estimate-detail")).toContainText("over the choices: optimizer=sgd 1 + optimizer=momentum 2 + optimizer=adam 1");

  // a mistake under a choice is named by its path
  await editor.fill(EXAMPLE.replace("values: [0.5, 0.9]", "values: [0.5, 1.5]"));
  await expect(page.getByTestId("text-issues")).toContainText("parameters.optimizer.choices.momentum.momentum.values.1");

  // the example; the form shows momentum under its choice only
  await editor.fill(EXAMPLE);
  await expect(page.getByTestId("run-estimate")).toHaveText("6 runs");
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByTestId("mode-optimizer-choices")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("choice-optimizer-momentum").getByTestId("param-momentum")).toBeVisible();
  await expect(page.getByTestId("choice-optimizer-adam").getByTestId("param-learning_rate")).toBeVisible();
  await expect(page.getByTestId("choice-optimizer-sgd").getByTestId("param-momentum")).toHaveCount(0);
  // momentum is offered under the momentum choice, not under adam nor at the top
  const offered = (testId: string) => page.getByTestId(testId).locator("option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(await offered("add-param")).not.toContain("momentum");
  expect(await offered("add-param-parameters.optimizer.choices.adam")).not.toContain("momentum");
  expect(await offered("add-param-parameters.optimizer.choices.adam")).toContain("init_std");
  await screen(page, "new-sweep-conditional-form");

  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
  await expect(page.getByTestId("stat-done")).toContainText("6 / 6", { timeout: 120_000 });

  const chart = page.getByTestId("parallel-chart");
  await expect(chart).toHaveAttribute("data-axes", "learning_rate,optimizer,momentum,val_loss_best");
  // momentum's axis runs from its n/a tick (a sixth of the span below 0.5) to 0.9
  await expect(chart).toHaveAttribute("data-ranges", /momentum:0\.43333\d*:0\.9/);
  // seed 7 draws momentum 0.5, sgd, adam, momentum 0.9, momentum 0.9, sgd: runs alike but for the seed are one line
  await expect(chart).toHaveAttribute("data-rows", "4");
  await chart.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500); // the canvas draws after the attributes are set
  await chart.screenshot({ path: "test-results/screens/sweep-conditional-parcoords.png" });
  await screen(page, "sweep-conditional");

  // the table: momentum empty where the optimizer is not momentum
  const rows = page.getByTestId("sweep-run-row");
  await expect(rows).toHaveCount(6);
  for (const row of await rows.all()) {
    const optimizer = (await row.locator('[data-column="config.optimizer"]').textContent())!.trim();
    const momentum = (await row.locator('[data-column="config.momentum"]').textContent())!.trim();
    if (optimizer === "momentum") expect(["0.5", "0.9"]).toContain(momentum);
    else expect(momentum).toBe("");
  }

  // an adam run's config page greys momentum out, saying why
  const adamRow = rows.filter({ has: page.locator('[data-column="config.optimizer"]', { hasText: "adam" }) }).first();
  await adamRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-z]+/);
  await page.getByRole("tab", { name: "Config" }).click();
  const momentumKey = page.getByTestId("config").locator('[data-applied="false"]').filter({ hasText: "momentum" });
  await expect(momentumKey).toHaveAttribute("title", "did not apply: momentum applies only when optimizer is momentum");
  await screen(page, "run-config-not-applied");
});

test("the form builds choices: an optimizer in Choices mode counts its branches, momentum only under its choice", async ({ page }) => {
  await page.goto("/sweeps/new");
  // the default preset: a 3 × 3 grid
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");
  await page.getByTestId("add-param").selectOption("optimizer");
  await page.getByTestId("mode-optimizer-choices").click();
  // every optimizer is a choice; momentum starts under its own, at its default
  await expect(page.getByTestId("choice-optimizer-momentum").getByTestId("param-momentum")).toBeVisible();
  await expect(page.getByTestId("run-estimate")).toHaveText("36 runs");
  await page.getByTestId("choices-optimizer").getByLabel("adagrad").uncheck();
  await expect(page.getByTestId("run-estimate")).toHaveText("27 runs");
  await expect(page.getByTestId("run-estimate-detail")).toContainText("over the choices: optimizer=sgd 9 + optimizer=momentum 9 + optimizer=adam 9");
  // the YAML tab shows the tree the form made
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await expect(page.getByTestId("config-text")).toHaveValue(/optimizer:\n\s+choices:\n\s+sgd: \{\}\n\s+momentum:\n\s+momentum:\n\s+value: 0.9\n\s+adam: \{\}/);
  await page.getByRole("tab", { name: "Form" }).click();
  await screen(page, "new-sweep-conditional-form-built");
});
