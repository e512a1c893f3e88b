import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { E2E_DIR, screen } from "./runs-util";

// Journey: open the hidden-cell viewer of a charlm run, show a text coloured by a cell's
// activation, and rank the cells by correlation with "inside quotes". The fixture runs are
// synthetic, so this test trains a small model with the engine and writes the run's
// checkpoint where the server looks for it (<data dir>/checkpoints/<run id>.json).

test("cell viewer: activations of a trained charlm, cells ranked by a feature", async ({ page, request }) => {
  const { runs } = (await (await request.get("/api/runs?filter=config.cell=lstm&limit=1")).json()) as { runs: { id: string; config: Record<string, unknown> }[] };
  const run = runs[0];
  const { Trainer } = await import("../engine/train");
  const { writeCheckpoint } = await import("../engine/files");
  const trainer = new Trainer({ ...run.config, steps: 30, hidden_size: 32, eval_every: 1000, sample_every: 0 });
  for (const event of trainer.run()) void event;
  const file = path.join(E2E_DIR, "checkpoints", `${run.id}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeCheckpoint(file, trainer.checkpoint());

  await page.goto(`/runs/${run.id}?tab=cells`);
  await expect(page.getByTestId("cell-viewer")).toBeVisible();
  await page.getByTestId("cell-show").click();
  const text = page.getByTestId("cell-text");
  await expect(text).toBeVisible();
  await expect(text.locator("span")).toHaveCount((await page.getByTestId("cell-text-input").inputValue()).length);
  const options = page.getByTestId("cell-option");
  await expect(options).toHaveCount(32);
  await expect(options.first()).toHaveAttribute("aria-pressed", "true");
  await options.nth(3).click();
  await expect(options.nth(3)).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("cell-feature").selectOption("variance");
  await expect(options.first()).toContainText("var");
  await screen(page, "run-cells");
});

test("cell viewer: a run without a checkpoint says so", async ({ page, request }) => {
  const { runs } = (await (await request.get("/api/runs?filter=config.cell=gru&limit=1")).json()) as { runs: { id: string }[] };
  await page.goto(`/runs/${runs[0].id}?tab=cells`);
  await page.getByTestId("cell-show").click();
  await expect(page.getByTestId("cell-error")).toContainText("no checkpoint");
});
