import { expect, test, type APIRequestContext } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { sharedData } from "../sweeps/testdata/shared-data";

// Journey: type invalid values into the new-sweep form and see field-level errors from the
// sweep schema (the one the server uses), the launch refused, and nothing stored; paste a
// real-world W&B config with mistakes and see each listed with its line.

async function sweepCount(request: APIRequestContext): Promise<number> {
  const res = await request.get("/api/sweeps");
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as unknown;
  const list = Array.isArray(body) ? body : ((body as { sweeps?: unknown[] }).sweeps ?? []);
  return list.length;
}

test("invalid form values show field errors and nothing is stored", async ({ page, request }) => {
  const before = await sweepCount(request);
  await page.goto("/sweeps/new");
  await expect(page.getByTestId("run-estimate")).toHaveText("9 runs");

  // a dropout of 1.5 (dropout is a probability < 1), a hidden size that is not a number
  await page.getByTestId("field-parameters.dropout.values").fill("0, 0.2, 1.5");
  await page.getByTestId("field-parameters.hidden_size.value").fill("lots");
  // an empty metric name
  await page.getByTestId("field-metric.name").fill("");

  await expect(page.getByTestId("error-parameters.dropout")).toContainText("value 3: must be < 1 (got 1.5)");
  await expect(page.getByTestId("error-parameters.hidden_size")).toContainText('must be a number (got the string "lots")');
  await expect(page.getByTestId("error-metric")).toBeVisible();
  await expect(page.getByTestId("field-parameters.dropout.values")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("problem-count")).toHaveText("3 problems to fix before launching");
  await expect(page.getByTestId("run-estimate")).toHaveText("–");

  // launching is refused in place: focus goes to the first bad field, nothing is posted
  let posted = false;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/sweeps")) posted = true;
  });
  await page.getByTestId("launch").click();
  await expect(page).toHaveURL(/\/sweeps\/new/);
  await expect(page.locator(":focus")).toHaveAttribute("aria-invalid", "true");
  expect(posted).toBe(false);
  await page.screenshot({ path: "test-results/screens/new-sweep-errors.png", fullPage: true });

  // fixing a field clears its error at once
  await page.getByTestId("field-parameters.dropout.values").fill("0, 0.2, 0.4");
  await expect(page.getByTestId("error-parameters.dropout")).toHaveCount(0);
  await expect(page.getByTestId("problem-count")).toHaveText("2 problems to fix before launching");

  // a real W&B config written for another program: every mistake listed with its line
  const corpus = sharedData("wandb-sweeps");
  if ("dir" in corpus) {
    await page.getByRole("tab", { name: "YAML / JSON" }).click();
    const text = fs.readFileSync(path.join(corpus.dir, "12-platalea-invalid-goal.yaml"), "utf8").replace(/\r/g, "");
    // it names its program: a sweep of that program, with free parameter names; only the goal is wrong
    await page.getByTestId("config-text").fill(text);
    const issues = page.getByTestId("text-issues");
    await expect(issues).toContainText('must be "minimize" or "maximize"');
    await expect(issues.locator("li").filter({ hasText: "metric.goal" })).toContainText("line 4");
    await expect(issues).not.toContainText("unknown parameter");
    // without its program line, the engine's reading: its parameters are not the engine's, and the
    // page says both readings (a typo, or a program to name)
    await page.getByTestId("config-text").fill(text.replace(/^program:.*\n/m, ""));
    await expect(issues).toContainText('unknown parameter "epochs": not a RunConfig key (did you mean "steps"?)');
    await expect(issues).toContainText("to sweep your own program instead, add `program:`");
    await page.screenshot({ path: "test-results/screens/new-sweep-yaml-errors.png", fullPage: true });
  } else test.info().annotations.push({ type: "skipped part", description: `the real W&B configs are not here: ${corpus.missing}` });

  // the server says the same about the same paths, and stores nothing
  const bad = await request.post("/api/sweeps", { data: { method: "grid", parameters: { dropout: { values: [0.2, 1.5] }, lr: { value: 0.1 } } } });
  expect(bad.status()).toBe(400);
  const body = (await bad.json()) as { error: string; issues: { path: string; message: string }[] };
  expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["parameters.dropout.values.1", "parameters.lr"]));
  expect(await sweepCount(request)).toBe(before);
});

test("the server's 400 issues land on the fields they name", async ({ page, request }) => {
  const before = await sweepCount(request);
  // a server-side rejection the browser cannot foresee (e.g. a check only the server makes)
  await page.route("**/api/sweeps", (route) =>
    route.request().method() === "POST"
      ? route.fulfill({ status: 400, json: { error: "parameters.hidden_size.value: too large for this server", issues: [{ path: "parameters.hidden_size.value", message: "too large for this server" }, { path: "", message: "try again later" }] } })
      : route.continue(),
  );
  await page.goto("/sweeps/new");
  await page.getByTestId("launch").click();
  await expect(page.getByTestId("error-parameters.hidden_size")).toContainText("too large for this server");
  await expect(page.getByTestId("form-issues")).toContainText("try again later");
  await expect(page.getByTestId("launch-error")).toContainText("did not accept");
  await expect(page).toHaveURL(/\/sweeps\/new/);
  // editing clears the server's verdict
  await page.getByTestId("field-parameters.hidden_size.value").fill("16");
  await expect(page.getByTestId("error-parameters.hidden_size")).toHaveCount(0);
  expect(await sweepCount(request)).toBe(before);
});

test("every mistake shows at once beside its field: a fractional run cap, a dropout of 2, a project name with a space", async ({ page }) => {
  await page.goto("/sweeps/new?preset=charlm-dropout-lr");
  await page.getByTestId("field-parameters.dropout.values").fill("0, 2");
  await page.getByTestId("field-run_cap").fill("2.5");
  await page.getByTestId("field-project").fill("my project");
  // (a fractional run cap ended zod's parse before the other checks, hiding the dropout's error)
  await expect(page.getByTestId("error-run_cap")).toHaveText("run_cap: must be an integer (got 2.5)");
  await expect(page.getByTestId("error-parameters.dropout")).toHaveText("value 2: must be < 1 (got 2)");
  await expect(page.getByTestId("error-project")).toHaveText("a project name is 1–64 letters and digits of any script and . _ -");
  await expect(page.getByTestId("field-project")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("problem-count")).toHaveText("3 problems to fix before launching");
  // all fixed in one pass
  await page.getByTestId("field-parameters.dropout.values").fill("0, 0.2");
  await page.getByTestId("field-run_cap").fill("3");
  await page.getByTestId("field-project").fill("мой-проект");
  await expect(page.getByTestId("problem-count")).toHaveCount(0);
});
