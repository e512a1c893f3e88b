import { expect, test, type APIRequestContext } from "@playwright/test";

// Journey: edit a preset in the new-sweep form the way a W&B user would: add a choice
// parameter, mistype a list, repeat a value, blow the grid up to 10,000 runs and back out of
// launching it, then break the YAML and find each problem on its line.

async function sweepCount(request: APIRequestContext): Promise<number> {
  return ((await (await request.get("/api/sweeps")).json()) as { sweeps: unknown[] }).sweeps.length;
}

test("form edits: fixed new parameters, list mistakes on their field, a large grid asks first", async ({ page, request }) => {
  const before = await sweepCount(request);
  await page.goto("/sweeps/new?preset=charlm-dropout-lr");
  await expect(page.getByTestId("preset")).toHaveValue("charlm-dropout-lr");
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");

  // a choice parameter comes in Fixed at its default: the grid stays 3 × 3
  await page.getByTestId("add-param").selectOption("init");
  await expect(page.getByTestId("mode-init-value")).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("field-parameters.init.value")).toHaveValue("xavier");
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");
  // ... and the preset box no longer claims the preset
  await expect(page.getByTestId("preset")).toHaveValue("");
  await expect(page.getByTestId("preset-blurb")).toContainText("Changed from the preset");

  // "0,,0.2" is an error on the field, not a silently shorter list
  const dropout = page.getByTestId("field-parameters.dropout.values");
  await dropout.fill("0,,0.2");
  await expect(page.getByTestId("error-parameters.dropout")).toHaveText("value 2 is empty (two commas in a row?)");
  await expect(dropout).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("problem-count")).toHaveText("1 problem to fix before launching");
  await dropout.fill("0, 0.2");

  // a repeated value is flagged, and does not block
  await page.getByTestId("field-parameters.learning_rate.values").fill("0.01, 0.01, 0.03");
  await expect(page.getByTestId("warning-parameters.learning_rate")).toContainText("0.01 is listed more than once: the grid runs each value once");
  await expect(page.getByTestId("problem-count")).toHaveCount(0);

  // 100 × 100 = 10,000 runs: the count, an estimate of the time, and Launch asks first
  await dropout.fill(Array.from({ length: 100 }, (_, i) => (i / 200).toFixed(3)).join(", "));
  await page.getByTestId("field-parameters.learning_rate.values").fill(Array.from({ length: 100 }, (_, i) => ((i + 1) / 1000).toFixed(3)).join(", "));
  await expect(page.getByTestId("run-estimate")).toHaveText("10,000 runs");
  await expect(page.getByTestId("time-estimate")).toContainText(/about \d/);
  // priced at the recorded speed, or at this server's once it has finished runs (sweeps-estimate.e2e.ts checks both figures)
  await expect(page.getByTestId("time-estimate-basis")).toHaveText(/^An estimate (from the engine's speed measured on an idle 2-core machine|at the speed of the last \d+ runs this server finished)/);
  await page.getByTestId("launch").click();
  const confirm = page.getByTestId("confirm-launch");
  await expect(confirm).toContainText("Start 10,000 runs");
  await expect(page.getByTestId("confirm-launch-yes")).toHaveText("Launch 10,000 runs");
  await page.screenshot({ path: "test-results/screens/new-sweep-confirm-large.png" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId("launch")).toBeVisible();
  expect(await sweepCount(request)).toBe(before);

  // choosing the preset again claims it again
  await page.getByTestId("preset").selectOption("charlm-dropout-lr");
  await expect(page.getByTestId("preset-blurb")).toContainText("3 × 3 grid");
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");
});

test("YAML tab: line numbers, issues in line order, a syntax error on its own line", async ({ page }) => {
  await page.goto("/sweeps/new");
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  const editor = page.getByTestId("config-text");
  await editor.fill(
    ["method: grid", "parameters:", "  epochs:", "    value: 3", "  lr:", "    value: 0.1", "  dropout:", "    values: [0.1, 0.1, 2]", "metric:", "  goal: up", "  name: val_loss", ""].join("\n"),
  );
  await expect(page.getByTestId("line-numbers")).toContainText("12");
  const items = page.getByTestId("text-issues").locator("li");
  // problems and the warning, by line; each unknown name once, the key list once at the end
  await expect(items.locator(".sw-line")).toHaveText(["line 3", "line 5", "line 8", "line 8", "line 10"]);
  await expect(items.nth(0)).toContainText('unknown parameter "epochs": not a RunConfig key (did you mean "steps"?)');
  await expect(items.nth(3)).toContainText("warning: parameters.dropout.values 0.1 is listed more than once");
  await expect(page.getByTestId("text-issues")).toContainText("Parameters must be RunConfig keys: task, corpus");
  expect(await page.getByTestId("text-issues").evaluate((el) => el.textContent!.split("embedding_dim").length - 1)).toBe(1);
  await page.screenshot({ path: "test-results/screens/new-sweep-yaml-by-line.png", fullPage: true });

  // an unclosed bracket is reported where it opens, in one sentence (no dangling ":")
  await editor.fill("method: grid\nparameters:\n  dropout:\n    values: [0, 0.2\n  learning_rate:\n    value: 0.01\n");
  await expect(items).toHaveCount(1);
  await expect(items.nth(0)).toHaveText(/^line 4\s*not valid YAML or JSON: "\[" is not closed: expected "\]"$/);
  await expect(page.getByTestId("line-numbers").locator("[data-bad]")).toHaveText("4");
  // its line button puts the cursor on that line
  await items.nth(0).getByRole("button", { name: "line 4" }).click();
  expect(await editor.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe("    values: [0, 0.2");
});

test("the sweep's project: the nav's choice by default, in sync with YAML project:, shown and linked on the sweep's page", async ({ page }) => {
  // no project chosen: "default"
  await page.goto("/sweeps/new");
  await expect(page.getByTestId("field-project")).toHaveValue("default");
  // a project chosen in the nav (its runs table) is the one the form starts in
  await page.goto("/?project=e2e-proj");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New sweep" }).click();
  await expect(page).toHaveURL(/\/sweeps\/new$/);
  await expect(page.getByTestId("field-project")).toHaveValue("e2e-proj");
  // ... and stays through a preset
  await page.getByTestId("preset").selectOption("quadrant-init-layernorm");
  await expect(page.getByTestId("field-project")).toHaveValue("e2e-proj");
  await expect(page.getByTestId("preset")).toHaveValue("quadrant-init-layernorm");
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await expect(page.getByTestId("config-text")).toHaveValue(/^project: e2e-proj$/m);

  // a program's sweep pasted with its own project: the field follows the text
  await page.getByTestId("config-text").fill("program: train.py\nproject: e2e-other\nname: e2e project sweep\nmethod: random\nrun_cap: 2\nparameters:\n  lr: {values: [0.1, 0.01]}\n");
  await expect(page.getByTestId("text-issues")).toContainText("Valid sweep config");
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByTestId("field-project")).toHaveValue("e2e-other");
  // a program's runs are not our engine's: no estimate from the engine's speed
  await expect(page.getByTestId("run-estimate")).toHaveText("2 runs");
  await expect(page.getByTestId("time-estimate")).toHaveCount(0);
  // it names no metric, and none is made up: no goal; bayes needs one and says so on the field
  await expect(page.getByTestId("launch-metric")).toHaveText("none: no best run or goal (bayes and early termination need one)");
  await expect(page.getByTestId("field-metric.name")).toHaveValue("");
  await page.getByTestId("method-bayes").check();
  await expect(page.getByTestId("error-metric")).toContainText("required for method: bayes");
  await page.getByTestId("method-random").check();
  await expect(page.getByTestId("error-metric")).toHaveCount(0);
  // the project's rule, beside the field, and the text follows the field
  await page.getByTestId("field-project").fill("e2e other");
  await expect(page.getByTestId("error-project")).toContainText("a project name is 1–64 letters and digits of any script");
  await page.getByTestId("field-project").fill("e2e-proj-2");
  await expect(page.getByTestId("problem-count")).toHaveCount(0);
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await expect(page.getByTestId("config-text")).toHaveValue(/^project: e2e-proj-2$/m);

  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]{4,32}$/, { timeout: 15_000 });
  await expect(page.getByTestId("sweep-metric")).toHaveText("no metric (no best run)");
  const project = page.getByTestId("sweep-project");
  await expect(project).toHaveText("e2e-proj-2");
  await expect(project).toHaveAttribute("href", "/?project=e2e-proj-2");
  await project.click();
  await expect(page).toHaveURL(/\/\?project=e2e-proj-2$/);
});
