import { expect, test, type APIRequestContext, type Locator } from "@playwright/test";
import { formatNumber } from "../app/_lib/format";
import { screen } from "./runs-util";

// Journeys: open a sweep's runs in the compare view, group by `cell` and see mean lines with
// bands, the scatter's points in their group's colour; switch the band to ±std; hide a group.
// Then runs of someone's program among engine runs: named by their own config, grouped by run
// group on the curves and the scatter alike, their points drawn whole inside the axes.

type StoredRun = { id: string; name: string; runGroup: string | null; config: Record<string, unknown>; summary: Record<string, unknown> };

/** key → colour of a legend's items (the page's, or the scatter's: scatter-legend-item) */
const legendColors = (legend: Locator, item = "legend-item") => legend.getByTestId(item).evaluateAll((items) => Object.fromEntries(items.map((i) => [i.getAttribute("data-key")!, i.getAttribute("data-color")!])));

/** run id → the colour its scatter point is drawn in */
const pointColors = async (chart: Locator) => Object.fromEntries(((await chart.getAttribute("data-colors")) ?? "").split(",").filter(Boolean).map((p) => p.split("=")));

/** The scatter's points as stored, each at least its radius (4.5 px) inside the plot on both axes: the axis ranges as drawn, the grid as laid out. */
async function expectInsideAxes(chart: Locator, points: { x: number; y: number }[], log: { x: boolean; y: boolean }) {
  const attr = async (name: string) => ((await chart.getAttribute(name)) ?? "").split(",").map(Number);
  const [x0, x1] = await attr("data-x-range");
  const [y0, y1] = await attr("data-y-range");
  const [left, right, top, bottom] = await attr("data-grid");
  const box = (await chart.boundingBox())!;
  const at = (v: number, lo: number, hi: number, isLog: boolean) => (isLog ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo));
  for (const p of points) {
    const fx = at(p.x, x0, x1, log.x);
    const fy = at(p.y, y0, y1, log.y);
    const room = Math.min(fx, 1 - fx) * (box.width - left - right);
    const roomY = Math.min(fy, 1 - fy) * (box.height - top - bottom);
    expect(room, `x ${p.x} in [${x0}, ${x1}]`).toBeGreaterThanOrEqual(4.5);
    expect(roomY, `y ${p.y} in [${y0}, ${y1}]`).toBeGreaterThanOrEqual(4.5);
  }
}

test("compare: group a sweep by cell and see bands", async ({ page, request }) => {
  // the oldest run's sweep: a seeded fixture sweep (journeys before this one start sweeps of their own)
  const { runs } = (await (await request.get("/api/runs?limit=1&sort=created")).json()) as { runs: { sweepId: string }[] };
  const sweep = runs[0].sweepId;
  await page.goto(`/compare?sweep=${sweep}`);
  const val = page.locator('[data-testid="compare-panel"][data-metric="val_loss"] [data-testid="curve-chart"]');
  await expect(val).toHaveAttribute("data-grouped", "false");
  // ungrouped, the sweep's first twenty runs take twenty different colours
  const runColors = await page.getByTestId("legend-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-color")));
  expect(runColors.length).toBeGreaterThanOrEqual(20);
  expect(new Set(runColors.slice(0, 20)).size).toBe(20);
  await page.getByTestId("group-by").selectOption("cell");
  await expect(page).toHaveURL(/group=cell/);
  await expect(val).toHaveAttribute("data-grouped", "true");
  const legend = page.getByTestId("legend-item");
  await expect(legend).toHaveCount(3);
  await expect(legend).toContainText([/cell=gru \(\d+\)/, /cell=lstm \(\d+\)/, /cell=rnn \(\d+\)/]);
  await expect(val).toHaveAttribute("data-curves", "cell=gru,cell=lstm,cell=rnn");

  // Hover: one tooltip row per group with its member count.
  const box = (await val.getByTestId("chart-plot").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await expect(page.getByTestId("tooltip-row")).toHaveCount(3);
  await expect(page.getByTestId("tooltip-row").first()).toContainText("n=");
  await screen(page, "compare-group-minmax");


  // the scatter colours each run's point as its group's curve and legend item, with the same legend
  const { runs: stored } = (await (await request.get(`/api/runs?sweep=${sweep}&limit=100`)).json()) as { runs: StoredRun[] };
  const groupColors = await legendColors(page.getByTestId("compare-legend"));
  const scatter = page.getByTestId("scatter-panel");
  await expect(scatter.getByTestId("scatter-legend-item")).toHaveCount(3);
  expect(await legendColors(scatter, "scatter-legend-item")).toEqual(groupColors);
  await expect(scatter.getByLabel("Scatter colour")).toHaveValue("none");
  await expect(scatter.getByLabel("Scatter colour").locator("option:checked")).toHaveText("group");
  const points = await pointColors(scatter.getByTestId("scatter-chart"));
  expect(Object.keys(points).length).toBeGreaterThan(20);
  for (const [id, color] of Object.entries(points)) expect(color, `run ${id}`).toBe(groupColors[`cell=${stored.find((r) => r.id === id)!.config.cell}`]);
  expect(new Set(Object.values(points)).size).toBe(3);

  await page.getByTestId("band").selectOption("std");
  await expect(page).toHaveURL(/band=std/);
  await legend.filter({ hasText: "cell=rnn" }).click();
  await expect(val).toHaveAttribute("data-curves", "cell=gru,cell=lstm");
  // a hidden group's runs are faded on the scatter, as its line is gone from the curves
  const rnn = stored.filter((r) => r.config.cell === "rnn" && r.id in points).map((r) => r.id);
  expect(rnn.length).toBeGreaterThan(0);
  await expect.poll(async () => ((await scatter.getByTestId("scatter-chart").getAttribute("data-faded")) ?? "").split(",").sort()).toEqual(rnn.sort());
  await page.mouse.move(0, 0);
  await screen(page, "compare-group-std");
});

async function post(request: APIRequestContext, url: string, data: unknown) {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as { run: StoredRun };
}

test("compare: program runs among engine runs — named by their own config, coloured by run group on the scatter too, points inside the axes", async ({ page, request }) => {
  // three runs of a program (free-form, nested config) whose last acc and loss are round
  // numbers: the values an axis's ticks fall on, so a plot without room cuts them in half
  const project = `e2e-cmp-${Date.now().toString(36)}`;
  const specs = [
    { name: "prog-a", group: "wide", config: { lr: 0.001, opt: { name: "adam", beta: 0.9 }, width: 64 }, acc: 0.5, loss: 2 },
    { name: "prog-b", group: "wide", config: { lr: 0.01, opt: { name: "sgd", beta: 0.9 }, width: 64 }, acc: 0.7, loss: 1.5 },
    { name: "prog-c", group: "narrow", config: { lr: 0.1, opt: { name: "sgd", beta: 0.9 }, width: 128 }, acc: 0.9, loss: 1 },
  ];
  const programIds: string[] = [];
  for (const s of specs) {
    const { run } = await post(request, "/api/runs", { project, name: s.name, group: s.group, config: s.config });
    const metrics = Array.from({ length: 10 }, (_, step) => ({ step, time: step, values: { acc: step === 9 ? s.acc : s.acc / 2, loss: step === 9 ? s.loss : s.loss * 2 } }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    programIds.push(run.id);
  }
  const { runs: engine } = (await (await request.get("/api/runs?limit=2&sort=created")).json()) as { runs: StoredRun[] };
  const ids = [...programIds, ...engine.map((r) => r.id)];
  const stored = await Promise.all(ids.map(async (id) => ((await (await request.get(`/api/runs/${id}`)).json()) as { run: StoredRun }).run));
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&sx=acc&sy=loss`);

  // legend names: a program run by its name and its own config keys that vary, as stored; an
  // engine run among engine runs; no engine key or placeholder on a program run
  const legend = page.getByTestId("compare-legend");
  for (const run of stored.slice(0, 3)) {
    const item = legend.locator(`[data-testid="legend-item"][data-key="${run.id}"]`);
    const expected = [run.name, `lr ${formatNumber(run.config.lr, 3)}`, `opt.name ${String(run.config["opt.name"])}`, `width ${formatNumber(run.config.width, 3)}`].join(" · ");
    await expect(item).toHaveText(expected);
  }
  for (const run of stored.slice(3)) {
    const item = legend.locator(`[data-testid="legend-item"][data-key="${run.id}"]`);
    await expect(item).toContainText(new RegExp(`^${run.name} · `));
    for (const text of ["–", "corpus", "charlm", "opt.name", "width"]) await expect(item).not.toContainText(text);
  }
  await screen(page, "compare-program-legend");

  // the scatter of acc against loss: every point whole inside the plot, on linear and log axes
  const scatter = page.getByTestId("scatter-panel");
  const chart = scatter.getByTestId("scatter-chart");
  const points = stored.slice(0, 3).map((r) => ({ x: r.summary.acc as number, y: r.summary.loss as number }));
  expect(points).toEqual(specs.map((s) => ({ x: s.acc, y: s.loss })));
  await expect(chart).toHaveAttribute("data-points", programIds.map((id, i) => `${id}=${specs[i].acc}:${specs[i].loss}`).join(","));
  await expectInsideAxes(chart, points, { x: false, y: false });
  await scatter.getByLabel("Log y").check();
  await expect(page).toHaveURL(/slog=y/);
  await expect(chart).not.toHaveAttribute("data-y-range", /^-|,-/);
  await expectInsideAxes(chart, points, { x: false, y: true });
  await screen(page, "compare-program-scatter-log");

  // grouped by run group: the curves, the legend and the scatter's points in the same colours
  // (the choice reads as the legend's heading does: "run group", not its key)
  await expect(page.getByTestId("group-by").locator('option[value="run:group"]')).toHaveText("run group");
  await page.getByTestId("group-by").selectOption("run:group");
  await expect(legend.getByTestId("legend-item")).toHaveCount(3);
  const groupColors = await legendColors(legend);
  expect(await legendColors(scatter, "scatter-legend-item")).toEqual(groupColors);
  const groupKey = (r: StoredRun) => Object.keys(groupColors).find((k) => k === `run:group=${r.runGroup ?? "null"}`);
  const colors = await pointColors(chart);
  expect(Object.keys(colors).sort()).toEqual([...programIds].sort());
  for (const run of stored.slice(0, 3)) expect(colors[run.id], run.name).toBe(groupColors[groupKey(run)!]);
  expect(colors[programIds[0]]).toBe(colors[programIds[1]]);
  expect(colors[programIds[0]]).not.toBe(colors[programIds[2]]);
  await legend.locator('[data-testid="legend-item"][data-key="run:group=narrow"]').click();
  await expect(chart).toHaveAttribute("data-faded", programIds[2]);
  await screen(page, "compare-program-groups");
});
