import { expect, test } from "@playwright/test";

// Journey (issue 12, issue 17 §3): a W&B user writes a sweep with a metric typo (val_los) and
// W&B's old log_uniform; the form warns about both without refusing, offers the metrics the
// task logs, and refuses a normal law that would be silently redrawn. Launched anyway, the
// sweep page repeats the warnings and, once the runs end, says plainly that the sweep never
// saw its metric.

const YAML = `name: e2e metric typo
method: random
run_cap: 2
metric: {name: val_los, goal: minimize}
parameters:
  task: {value: quadrant}
  steps: {value: 20}
  eval_every: {value: 10}
  learning_rate: {distribution: log_uniform, min: -5, max: -2}
  init: {values: [kaiming, xavier]}
`;

test("a metric typo and W&B's log_uniform are warned about on the form, the API and the sweep page; the finished sweep says it never saw its metric", async ({ page, request }) => {
  await page.goto("/sweeps/new");

  // the metric field offers what the task logs, and warns on a name no run will log
  const options = await page.getByTestId("known-metrics").locator("option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(options).toEqual(expect.arrayContaining(["val_loss", "train_loss", "grad_norm", "lr", "throughput"]));
  await page.getByTestId("field-metric.name").fill("val_los");
  await page.getByTestId("field-metric.name").blur();
  await expect(page.getByTestId("warning-metric")).toContainText('never logs "val_los"');
  await expect(page.getByTestId("warning-metric")).toContainText('Did you mean "val_loss"?');
  await expect(page.getByTestId("form-warnings")).toContainText("the sweep can launch");
  await expect(page.getByTestId("problem-count")).toHaveCount(0);

  // a normal law that would lose 31% of its draws to init_std > 0 is refused, naming the share
  await page.getByRole("tab", { name: "YAML / JSON" }).click();
  await page.getByTestId("config-text").fill(YAML.replace("init: {values: [kaiming, xavier]}", "init: {values: [kaiming, xavier]}\n  init_std: {distribution: normal, mu: 0.5, sigma: 1}"));
  await expect(page.getByTestId("text-issues")).toContainText("31% of the draws of normal(mu 0.5, sigma 1) fall outside init_std's range");

  // the config to launch: valid, with two warnings listed beside the launch button
  await page.getByTestId("config-text").fill(YAML);
  await expect(page.getByTestId("run-estimate")).toHaveText("2 runs");
  const warnings = page.getByTestId("form-warning");
  await expect(warnings).toHaveCount(2);
  await expect(page.getByTestId("form-warnings")).toContainText("learning_rate uses log_uniform, where min/max are base-e exponents");
  await expect(page.getByTestId("form-warnings")).toContainText("the same law is log_uniform_values with min 0.00673795, max 0.135335");
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(page.getByTestId("warning-parameters.learning_rate")).toContainText("W&B deprecates it");
  await page.screenshot({ path: "test-results/screens/new-sweep-warnings.png", fullPage: true });

  // the API answers with the same warnings
  const viaApi = await request.post("/api/sweeps", { data: YAML, headers: { "content-type": "application/yaml" } });
  expect(viaApi.status()).toBe(201);
  const body = (await viaApi.json()) as { id: string; warnings: { path: string }[] };
  expect(body.warnings.map((w) => w.path).sort()).toEqual(["metric.name", "parameters.learning_rate.distribution"]);
  await request.post(`/api/sweeps/${body.id}/cancel`);

  // launch from the form; the sweep page repeats the warnings
  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/[0-9a-z]+$/);
  await expect(page.getByTestId("sweep-warnings")).toContainText("the same law is log_uniform_values with min 0.00673795, max 0.135335");
  await expect(page.getByTestId("sweep-warnings")).toContainText('never logs "val_los"');

  // once its runs end, it says plainly that it never saw its metric
  const banner = page.getByTestId("metric-never-seen");
  await expect(banner).toContainText("This sweep never saw its metric val_los: none of its 2 runs logged it", { timeout: 60_000 });
  await expect(banner).toContainText("They logged");
  await expect(banner).toContainText("val_loss");
  // and its importance panel does not promise to fill in as runs finish
  await expect(page.getByTestId("importance-empty")).toContainText("Importance needs at least 3 configurations with a val_los; this sweep ended with 0.");
  await page.screenshot({ path: "test-results/screens/sweep-metric-never-seen.png", fullPage: true });
});
