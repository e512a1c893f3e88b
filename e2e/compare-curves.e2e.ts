import { expect, test, type Page } from "@playwright/test";
import { screen } from "./runs-util";

// Journey: pick three runs in the runs table, compare their validation curves, smooth them,
// switch to log scale; hover (tooltip sorted by value, shared across panels), hide a run
// from the legend, drag-zoom and double-click to reset.

/** Picks three runs; returns their ids and the colours their swatches took when selected. */
async function pickThree(page: Page): Promise<{ ids: string[]; colors: string[] }> {
  await page.goto("/?sort=summary.val_loss_best");
  const rows = page.getByTestId("run-row");
  await expect(rows.first()).toBeVisible();
  // no run has a colour until it is selected
  await expect(rows.first().locator(".swatch")).toHaveClass(/swatch-none/);
  const ids: string[] = [];
  const colors: string[] = [];
  for (const i of [8, 0, 3]) {
    await rows.nth(i).getByTestId("select-run").check();
    ids.push((await rows.nth(i).getAttribute("data-run-id"))!);
    await expect(rows.nth(i).locator(".swatch")).toHaveAttribute("data-color", /^#/);
    colors.push((await rows.nth(i).locator(".swatch").getAttribute("data-color"))!);
  }
  // the selection's colours, in the order the runs were ticked: three different ones
  expect(new Set(colors).size).toBe(3);
  await expect(rows.nth(1).locator(".swatch")).toHaveClass(/swatch-none/);
  await page.getByTestId("compare-selected").click();
  await expect(page).toHaveURL(/\/compare\?runs=/);
  return { ids, colors };
}

test("compare: three runs' validation curves with smoothing and log scale", async ({ page }) => {
  const { ids, colors } = await pickThree(page);
  const val = page.locator('[data-testid="compare-panel"][data-metric="val_loss"] [data-testid="curve-chart"]');
  await expect(val).toHaveAttribute("data-curves", ids.join(","));
  // Legend names say what differs between the runs (config values), not just run names.
  const legend = page.getByTestId("legend-item");
  await expect(legend).toHaveCount(3);
  // Each run keeps the colour its swatch showed in the table.
  expect(await legend.evaluateAll((items) => items.map((i) => [i.getAttribute("data-key"), i.getAttribute("data-color")]))).toEqual(ids.map((id, i) => [id, colors[i]]));
  await expect(legend.first()).toContainText(/lr |dropout |hidden |lstm|gru|rnn/);

  await page.getByTestId("smoothing-kind").selectOption("ema");
  await page.getByTestId("smoothing-slider").fill("0.8");
  await expect(page).toHaveURL(/smooth=ema:0\.8/);
  await expect(val).toHaveAttribute("data-smoothing", "ema:0.8");
  await page.getByTestId("log-y").check();
  await expect(page).toHaveURL(/log=1/);
  await expect(val).toHaveAttribute("data-log-y", "true");

  // Hover: the tooltip lists the runs sorted by value; the other panel shows the hover too.
  const plot = val.getByTestId("chart-plot");
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const rows = page.getByTestId("tooltip-row");
  await expect(rows).toHaveCount(3);
  const values = (await rows.evaluateAll((r) => r.map((x) => Number(x.getAttribute("data-value")))));
  expect([...values].sort((a, b) => b - a)).toEqual(values);
  await expect(page.locator('[data-metric="train_loss"] svg line')).toHaveCount(1);
  await screen(page, "compare-curves");

  // The view survives a reload (it is all in the URL).
  await page.reload();
  await expect(val).toHaveAttribute("data-smoothing", "ema:0.8");
  await expect(val).toHaveAttribute("data-log-y", "true");

  // Legend click hides a run in every panel.
  await legend.nth(1).click();
  await expect(val).toHaveAttribute("data-curves", [ids[0], ids[2]].join(","));
  await expect(page.locator('[data-metric="train_loss"] [data-testid="curve-chart"]')).toHaveAttribute("data-curves", [ids[0], ids[2]].join(","));
  await expect(page).toHaveURL(new RegExp(`hide=${ids[1]}`));

  // Drag to zoom, double-click to reset.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.52, { steps: 5 });
  await page.mouse.up();
  await expect(val).toHaveAttribute("data-zoomed", "true");
  await plot.dblclick({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
  await expect(val).toHaveAttribute("data-zoomed", "false");
});

test("compare API: all series in one response, downsampled, first and last kept", async ({ request }) => {
  const runs = (await (await request.get("/api/runs?limit=5")).json()).runs as { id: string; lastStep: number }[];
  const res = await request.get(`/api/compare?runs=${runs.map((r) => r.id).join(",")}&keys=train_loss,val_loss&points=50`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.runs).toHaveLength(5);
  for (const r of runs) {
    const s = body.series[r.id].train_loss as [number, number | null, number][];
    expect(s.length).toBeLessThanOrEqual(52);
    expect(s[0][0]).toBe(1);
    expect(s[s.length - 1][0]).toBe(r.lastStep);
  }
  const bad = await request.get("/api/compare?keys=val_loss");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).issues[0].path).toBe("runs");
});

test("compare: while a run trains, the page polls only what changed (runs= view)", async ({ page, request }) => {
  const sweepRes = await request.post("/api/sweeps", {
    data: { method: "grid", parameters: { cell: { value: "lstm" }, steps: { value: 100000 }, hidden_size: { value: 32 }, eval_every: { value: 200 }, log_every: { value: 100 } } },
  });
  expect(sweepRes.status()).toBe(201);
  const { id: sweepId } = (await sweepRes.json()) as { id: string };
  try {
    let liveId = "";
    await expect(async () => {
      const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}&state=running`)).json()) as { runs: { id: string; lastStep: number }[] };
      expect(runs.length).toBeGreaterThan(0);
      liveId = runs[0].id;
      // past its first evaluations: it has logged both metrics, so polls ask for its tails
      expect(runs[0].lastStep).toBeGreaterThanOrEqual(500);
    }).toPass({ timeout: 60_000 });
    const done = ((await (await request.get("/api/runs?state=finished&limit=3")).json()).runs as { id: string }[]).map((r) => r.id);
    const ids = [...done, liveId];
    const polls: { url: string; bytes: number; body: { runs: { id: string }[]; tails: Record<string, number> } }[] = [];
    page.on("response", async (res) => {
      if (!res.url().includes("/api/compare?")) return;
      const text = await res.text().catch(() => "");
      if (text) polls.push({ url: res.url(), bytes: text.length, body: JSON.parse(text) });
    });
    await page.goto(`/compare?runs=${ids.join(",")}&metrics=train_loss,val_loss`);
    const val = page.locator('[data-testid="compare-panel"][data-metric="val_loss"] [data-testid="curve-chart"]');
    await expect(val).toHaveAttribute("data-curves", ids.join(","), { timeout: 30_000 });
    await expect.poll(() => polls.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    // what a page without the incremental protocol would fetch on every poll
    const whole = (await (await request.get(`/api/compare?runs=${ids.join(",")}&keys=train_loss,val_loss&points=1000`)).text()).length;
    console.log(`compare polls: ${polls.map((p) => p.bytes).join(", ")} B each; the whole view is ${whole} B`);
    for (const p of polls) {
      expect(p.url).toContain("since=");
      expect(p.url).toContain(`open=${liveId}`);
      expect(p.bytes * 5, `a poll of ${p.bytes} B against ${whole} B whole`).toBeLessThan(whole);
      expect(p.body.runs.map((r) => r.id)).toEqual([liveId]);
    }
    // the live run's points after what the page held came as tails, and the cursor moved on
    const cursors = polls.map((p) => p.body.tails[liveId]).filter((s) => s !== undefined);
    expect(cursors.length).toBeGreaterThanOrEqual(2);
    expect(cursors.at(-1)!).toBeGreaterThan(cursors[0]);
    await screen(page, "compare-live");
  } finally {
    await request.post(`/api/sweeps/${sweepId}/cancel`);
  }
});
