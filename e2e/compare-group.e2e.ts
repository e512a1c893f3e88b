import { expect, test, type APIRequestContext, type Locator } from "@playwright/test";
import { formatNumber } from "../app/_lib/format";
import { screen } from "./runs-util";

// Journeys: open a sweep's runs in the compare view, group by `cell` and see mean lines with
// bands, the scatter's points in their group's colour; switch the band to ±std; hide a group.
// Then runs of someone's program among engine runs: named by their own config, grouped by run
// group on the curves and the scatter alike, their points drawn whole inside the axes.

type StoredRun = { id: string; name: string; runGroup: string | null; sweepId: string | null; config: Record<string, unknown>; summary: Record<string, unknown> };

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

/** Runs of a program, each logging acc and loss for ten steps and ending on `acc` and `loss` (its summary), finished; their ids. */
async function logProgramRuns(request: APIRequestContext, project: string, specs: { name: string; group?: string; config: Record<string, unknown>; acc: number; loss: number }[]) {
  const ids: string[] = [];
  for (const s of specs) {
    const { run } = await post(request, "/api/runs", { project, name: s.name, ...(s.group ? { group: s.group } : {}), config: s.config });
    const metrics = Array.from({ length: 10 }, (_, step) => ({ step, time: step, values: { acc: step === 9 ? s.acc : s.acc / 2, loss: step === 9 ? s.loss : s.loss * 2 } }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    ids.push(run.id);
  }
  return ids;
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
  const programIds = await logProgramRuns(request, project, specs);
  const { runs: engine } = (await (await request.get("/api/runs?limit=2&sort=created")).json()) as { runs: StoredRun[] };
  const ids = [...programIds, ...engine.map((r) => r.id)];
  const stored = await Promise.all(ids.map(async (id) => ((await (await request.get(`/api/runs/${id}`)).json()) as { run: StoredRun }).run));
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&sx=acc&sy=loss`);
  // the header counts the runs and, of them, the sweep's as stored (it said "5 runs from sweep …")
  const ofSweep = stored.filter((r) => r.sweepId !== null);
  expect(new Set(ofSweep.map((r) => r.sweepId)).size).toBe(1);
  // … and names the sweep by its name, a link to it (it gave the sweep's id)
  const { sweep } = (await (await request.get(`/api/sweeps/${ofSweep[0].sweepId}`)).json()) as { sweep: { name: string } };
  const subtitle = page.locator(".page-header .subtitle");
  await expect(subtitle).toHaveText(`${stored.length} runs, ${ofSweep.length} of them from sweep ${sweep.name}`);
  await expect(subtitle.getByRole("link", { name: sweep.name })).toHaveAttribute("href", `/sweeps/${ofSweep[0].sweepId}`);

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
  // loss 1 … 2 on a log axis: drawn over about that, not 0.1 … 10
  await expectLogAxisFits(chart, "y", points.map((p) => p.y));
  await screen(page, "compare-program-scatter-log");

  // grouped by run group: the curves, the legend and the scatter's points in the same colours
  // (the choice reads as the legend's heading does: "run group", not its key)
  await expect(page.getByTestId("group-by").locator('option[value="run:group"]')).toHaveText("run group");
  await page.getByTestId("group-by").selectOption("run:group");
  await expect(legend.getByTestId("legend-item")).toHaveCount(3);
  const groupColors = await legendColors(legend);
  const groupKey = (r: StoredRun) => Object.keys(groupColors).find((k) => k === `run:group=${r.runGroup ?? "null"}`);
  // the scatter's legend: the groups it draws points of, in their colours (the engine runs, no run group, have no acc or loss: not listed)
  const drawn = new Set(stored.filter((r) => typeof r.summary.acc === "number" && typeof r.summary.loss === "number").map(groupKey));
  expect(drawn.size).toBe(2);
  expect(await legendColors(scatter, "scatter-legend-item")).toEqual(Object.fromEntries(Object.entries(groupColors).filter(([k]) => drawn.has(k))));
  const colors = await pointColors(chart);
  expect(Object.keys(colors).sort()).toEqual([...programIds].sort());
  for (const run of stored.slice(0, 3)) expect(colors[run.id], run.name).toBe(groupColors[groupKey(run)!]);
  expect(colors[programIds[0]]).toBe(colors[programIds[1]]);
  expect(colors[programIds[0]]).not.toBe(colors[programIds[2]]);
  await legend.locator('[data-testid="legend-item"][data-key="run:group=narrow"]').click();
  await expect(chart).toHaveAttribute("data-faded", programIds[2]);
  await screen(page, "compare-program-groups");
});

/** Where a scatter point is drawn, in page pixels: its stored values on the axes as drawn (data-x-range …), the grid as laid out. */
async function pointPixel(chart: Locator, p: { x: number; y: number }, log: { x: boolean; y: boolean }) {
  const attr = async (name: string) => ((await chart.getAttribute(name)) ?? "").split(",").map(Number);
  const [x0, x1] = await attr("data-x-range");
  const [y0, y1] = await attr("data-y-range");
  const [left, right, top, bottom] = await attr("data-grid");
  // (the mouse reaches only what the viewport shows)
  await chart.scrollIntoViewIfNeeded();
  const box = (await chart.boundingBox())!;
  const at = (v: number, lo: number, hi: number, isLog: boolean) => (isLog ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo));
  return { x: box.x + left + at(p.x, x0, x1, log.x) * (box.width - left - right), y: box.y + top + (1 - at(p.y, y0, y1, log.y)) * (box.height - top - bottom) };
}

/** A log axis as drawn holds the values, and no more than their decades and a little room (ECharts rounded it out to whole decades: loss 1 … 2 over 0.1 … 10); its labelled ticks lie inside it. */
async function expectLogAxisFits(chart: Locator, axis: "x" | "y", values: number[]) {
  const [lo, hi] = ((await chart.getAttribute(`data-${axis}-range`)) ?? "").split(",").map(Number);
  const [min, max] = [Math.min(...values), Math.max(...values)];
  expect(lo, `${axis} from ${lo}`).toBeGreaterThan(0);
  expect(lo, `${axis} from ${lo}`).toBeLessThan(min);
  expect(hi, `${axis} to ${hi}`).toBeGreaterThan(max);
  // no whole extra decade: the data's span in decades, and at most a fifth of a decade more
  expect(Math.log10(hi / lo), `${axis} over ${lo} … ${hi}`).toBeLessThan(Math.log10(max / min) + 0.2);
  const ticks = ((await chart.getAttribute(`data-${axis}-ticks`)) ?? "").split(",").filter(Boolean).map(Number);
  expect(ticks.length, `${axis} ticks ${ticks}`).toBeGreaterThanOrEqual(3);
  for (const t of ticks) expect(t >= lo && t <= hi, `${axis} tick ${t} in ${lo} … ${hi}`).toBe(true);
}

test("compare: runs without the grouping key are one group, 'no cell', listed last and named so in the legend, the curves and the scatter's tooltip; log axes hold the data's range", async ({ page, request }) => {
  // a user's program logs beside our engine runs: two of its runs say their cell, one does not
  const project = `e2e-nocell-${Date.now().toString(36)}`;
  const specs = [
    { name: "prog-mlp-a", config: { cell: "mlp", width: 64 }, acc: 0.1, loss: 1 },
    { name: "prog-mlp-b", config: { cell: "mlp", width: 128 }, acc: 0.4, loss: 1.5 },
    { name: "prog-plain", config: { width: 64 }, acc: 1, loss: 2 },
  ];
  const programIds = await logProgramRuns(request, project, specs);
  const { runs: engine } = (await (await request.get("/api/runs?limit=2&sort=created")).json()) as { runs: StoredRun[] };
  const ids = [...programIds, ...engine.map((r) => r.id)];
  const stored = await Promise.all(ids.map(async (id) => ((await (await request.get(`/api/runs/${id}`)).json()) as { run: StoredRun }).run));
  // each run's group as the page should name it, from what is stored
  const title = (r: StoredRun) => (typeof r.config.cell === "string" ? `cell=${r.config.cell}` : "no cell");
  expect(stored.filter((r) => title(r) === "no cell").map((r) => r.name)).toEqual(["prog-plain"]);
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&sx=acc&sy=loss&group=cell`);

  // the legend: one item per cell value as stored, then "no cell" with its one run, last
  const legend = page.getByTestId("compare-legend");
  const items = legend.getByTestId("legend-item");
  const titles = [...new Set(stored.map(title))].filter((t) => t !== "no cell").sort();
  const count = (t: string) => stored.filter((r) => title(r) === t).length;
  await expect(items).toHaveText([...titles, "no cell"].map((t) => `${t} (${count(t)})`));
  await expect(items.last()).toHaveAttribute("data-key", "cell=null");
  await expect(legend).not.toContainText("–");
  // the group-by choice and the legend's heading name the grouping alike
  await expect(page.getByTestId("group-by").locator("option:checked")).toHaveText("cell");
  await expect(legend).toContainText(`${titles.length + 1} groups of ${stored.length} runs by cell`);

  // the curves: the program's groups drawn (the engine runs log no `loss`), "no cell" last; its tooltip row says so too
  const loss = page.locator('[data-testid="compare-panel"][data-metric="loss"] [data-testid="curve-chart"]');
  await expect(loss).toHaveAttribute("data-grouped", "true");
  await expect(loss).toHaveAttribute("data-curves", "cell=mlp,cell=null");
  const plot = (await loss.getByTestId("chart-plot").boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height * 0.5);
  await expect(page.getByTestId("tooltip-row").filter({ hasText: "no cell" })).toHaveCount(1);
  await expect(page.getByTestId("tooltip-row").filter({ hasText: "cell=mlp" })).toHaveCount(1);
  await page.mouse.move(0, 0);

  // the scatter: each point's tooltip names its run and, beside it, the group the legend colours it by
  const scatter = page.getByTestId("scatter-panel");
  const chart = scatter.getByTestId("scatter-chart");
  await expect(chart).toHaveAttribute("data-points", programIds.map((id, i) => `${id}=${specs[i].acc}:${specs[i].loss}`).join(","));
  const groupColors = await legendColors(legend);
  const colors = await pointColors(chart);
  const tooltip = page.locator(".scatter-tooltip");
  const hover = async (log: { x: boolean; y: boolean }) => {
    for (const run of stored.slice(0, 3)) {
      const at = await pointPixel(chart, { x: run.summary.acc as number, y: run.summary.loss as number }, log);
      await page.mouse.move(at.x, at.y);
      await expect(tooltip).toBeVisible();
      await expect(tooltip).toContainText(run.name);
      await expect(tooltip.getByTestId("scatter-tooltip-group")).toHaveText(title(run));
      // the group named is the one whose colour the point is drawn in
      const key = Object.keys(groupColors).find((k) => k === (title(run) === "no cell" ? "cell=null" : `cell=${run.config.cell}`))!;
      expect(colors[run.id], run.name).toBe(groupColors[key]);
      await page.mouse.move(0, 0);
    }
  };
  await hover({ x: false, y: false });
  const plain = await pointPixel(chart, { x: specs[2].acc, y: specs[2].loss }, { x: false, y: false });
  await page.mouse.move(plain.x, plain.y);
  await expect(tooltip).toContainText("no cell");
  await screen(page, "compare-nocell-scatter-tooltip");
  await page.mouse.move(0, 0);

  // log axes: acc 0.1 … 1 and loss 1 … 2 sit on decades, where ECharts' rounding to whole
  // decades added an empty one (0.01 … 10, 0.1 … 10); drawn, they hold the data's range, every point whole
  await scatter.getByLabel("Log x").check();
  await scatter.getByLabel("Log y").check();
  await expect(page).toHaveURL(/slog=xy/);
  await expect(chart).toHaveAttribute("data-y-ticks", /./);
  await expectLogAxisFits(chart, "x", specs.map((s) => s.acc));
  await expectLogAxisFits(chart, "y", specs.map((s) => s.loss));
  await expectInsideAxes(chart, specs.map((s) => ({ x: s.acc, y: s.loss })), { x: true, y: true });
  await hover({ x: true, y: true });
  const plainLog = await pointPixel(chart, { x: specs[2].acc, y: specs[2].loss }, { x: true, y: true });
  await page.mouse.move(plainLog.x, plainLog.y);
  await expect(tooltip.getByTestId("scatter-tooltip-group")).toHaveText("no cell");
  await screen(page, "compare-nocell-scatter-log");

  // ungrouped, the tooltip names no group
  await page.getByTestId("group-by").selectOption("");
  const first = await pointPixel(chart, { x: specs[0].acc, y: specs[0].loss }, { x: true, y: true });
  await page.mouse.move(first.x, first.y);
  await expect(tooltip).toContainText(specs[0].name);
  await expect(tooltip.getByTestId("scatter-tooltip-group")).toHaveCount(0);
});

test("compare: groups by a number whose values read alike at 3 digits (0.1, 0.1004) have names that tell them apart, and keep their keys", async ({ page, request }) => {
  const project = `e2e-lr-${Date.now().toString(36)}`;
  const specs = [0.1, 0.1004, 0.2].map((lr, i) => ({ name: `prog-lr-${i}`, config: { learning_rate: lr }, acc: 0.2 + i / 10, loss: 2 - i / 2 }));
  const ids = await logProgramRuns(request, project, specs);
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&group=learning_rate`);
  const legend = page.getByTestId("compare-legend");
  const items = legend.getByTestId("legend-item");
  // they read "learning_rate=0.1 (1)" twice, in two colours
  await expect(items).toHaveText(["learning_rate=0.1 (1)", "learning_rate=0.1004 (1)", "learning_rate=0.2 (1)"]);
  // keys as stored in links and saved views before: the value as JSON spells it
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-key")))).toEqual(["learning_rate=0.1", "learning_rate=0.1004", "learning_rate=0.2"]);
  // the curves' tooltip names each group as the legend does
  const loss = page.locator('[data-testid="compare-panel"][data-metric="loss"] [data-testid="curve-chart"]');
  await expect(loss).toHaveAttribute("data-curves", "learning_rate=0.1,learning_rate=0.1004,learning_rate=0.2");
  const plot = (await loss.getByTestId("chart-plot").boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height * 0.5);
  const rows = page.getByTestId("tooltip-row");
  await expect(rows).toHaveCount(3);
  // key → the name its row shows (its first cell: the group's name, then maybe its count)
  const named = await rows.evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-key"), e.querySelector("td")!.textContent!.trim()])));
  expect(Object.keys(named).sort()).toEqual(["learning_rate=0.1", "learning_rate=0.1004", "learning_rate=0.2"]);
  for (const [key, name] of Object.entries(named)) expect(name, key).toMatch(new RegExp(`^${key.replace(/\./g, "\\.")}( |$)`));
  await page.mouse.move(0, 0);
  // hiding 0.1004 hides only it, by the key an old link holds, and the link opens with it hidden
  await items.filter({ hasText: "learning_rate=0.1004" }).click();
  await expect(loss).toHaveAttribute("data-curves", "learning_rate=0.1,learning_rate=0.2");
  await expect(page).toHaveURL(/hide=learning_rate(%3D|=)0\.1004(&|$)/);
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&group=learning_rate&hide=learning_rate%3D0.1004`);
  await expect(loss).toHaveAttribute("data-curves", "learning_rate=0.1,learning_rate=0.2");
  await expect(items.filter({ hasText: "learning_rate=0.1004" })).toHaveAttribute("data-hidden", "true");
  await screen(page, "compare-group-close-numbers");
});
