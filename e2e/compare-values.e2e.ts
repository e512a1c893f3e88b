import { expect, test, type APIRequestContext, type Locator } from "@playwright/test";
import type { CompareResponse, CompareRun } from "../app/_lib/compare-api";
import { screen } from "./runs-util";

// Journey: a program's runs whose `cell` is a string that reads like something else ("null"),
// an empty string, a plain string, or missing, beside two engine runs of the seeded sweep,
// compared grouped by cell. Each value is its own group, named so a person tells them apart
// (cell="null" is not "no cell", cell="" is not "cell="); hiding one hides only it, and
// stays hidden when the link is opened again. A key only the engine runs have (with one value)
// is offered to group by. The scatter's legend lists the groups it draws points of. An axis,
// log or linear, labels its ticks in one notation, on the curves and the scatter alike, and the
// histogram its bins. Every name and number is checked against what /api/compare returns.

async function post(request: APIRequestContext, url: string, data: unknown) {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as { run: { id: string } };
}

/** Runs of a program logging `loss` (from 3× its last value down to it), `grad` (from 1.25× a tenth of the last loss down to it) and `acc` for ten steps, finished; their ids. */
async function logProgramRuns(request: APIRequestContext, project: string, specs: { name: string; config: Record<string, unknown>; acc: number; loss: number }[]) {
  const ids: string[] = [];
  for (const s of specs) {
    const { run } = await post(request, "/api/runs", { project, name: s.name, config: s.config });
    const metrics = Array.from({ length: 10 }, (_, step) => ({ step, time: step, values: { acc: (s.acc * (step + 1)) / 10, loss: s.loss * (3 - (2 * step) / 9), grad: (s.loss / 10) * (1.25 - step / 36) } }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    ids.push(run.id);
  }
  return ids;
}

/** A group's name as a person should read it, from the stored value: a string that would read as another value (JSON), or is empty, in quotes. */
function expectedTitle(value: unknown): string {
  if (value === null || value === undefined) return "no cell";
  if (typeof value !== "string") return `cell=${JSON.stringify(value)}`;
  let readsAsOther = value === "";
  try {
    JSON.parse(value);
    readsAsOther = true;
  } catch {}
  return `cell=${readsAsOther ? JSON.stringify(value) : value}`;
}

/** An axis's labels: one notation for all (every one an exponent, or none; a linear axis's 0 is "0"), each its tick's value to 3 significant digits. */
function expectOneNotation(labels: string[], what: string, linear = false) {
  expect(labels.length, `${what}: ${labels.join(" ")}`).toBeGreaterThanOrEqual(3);
  const numbers = linear ? labels.filter((l) => l !== "0") : labels;
  const exponents = numbers.filter((l) => /^-?\d+(\.\d+)?e-?\d+$/.test(l));
  expect.soft([0, numbers.length], `${what} mixes notations: ${labels.join(" ")}`).toContain(exponents.length);
  for (const l of labels) expect(Number.isFinite(Number(l.replace(/,/g, ""))), `${what} label ${l}`).toBe(true);
  if (!linear) for (const l of labels) expect(Number(l.replace(/,/g, "")), `${what} label ${l}`).toBeGreaterThan(0);
}

const attrList = async (el: Locator, name: string, sep = " ") => ((await el.getAttribute(name)) ?? "").split(sep).filter(Boolean);

test("compare: every cell value its own group ('null', '', missing), a key only some runs have offered, the scatter's legend what it draws, log labels in one notation", async ({ page, request }) => {
  const project = `e2e-values-${Date.now().toString(36)}`;
  // losses from 2e-4 to 8e-3 (and three times that at the start): log axes across 1e-3, where "3e-4" stood beside "0.001"
  const specs = [
    { name: "prog-null", config: { cell: "null", width: 64 }, acc: 0.2, loss: 2e-4 },
    { name: "prog-none", config: { width: 64 }, acc: 0.4, loss: 5e-4 },
    { name: "prog-empty", config: { cell: "", width: 128 }, acc: 0.6, loss: 2e-3 },
    { name: "prog-mlp", config: { cell: "mlp", width: 128 }, acc: 0.8, loss: 8e-3 },
    // a value with a space and a comma (the hidden list of the URL is comma-separated)
    { name: "prog-spaced", config: { cell: "a b, c", width: 64 }, acc: 0.5, loss: 1e-3 },
  ];
  const programIds = await logProgramRuns(request, project, specs);
  const { runs: engine } = (await (await request.get("/api/runs?limit=2&sort=created")).json()) as { runs: { id: string }[] };
  const ids = [...programIds, ...engine.map((r) => r.id)];
  const stored = (await (await request.get(`/api/compare?runs=${ids.join(",")}&keys=loss`)).json()) as CompareResponse;
  const runs: CompareRun[] = ids.map((id) => stored.runs.find((r) => r.id === id)!);
  expect(runs.slice(0, 5).map((r) => r.config.cell)).toEqual(["null", undefined, "", "mlp", "a b, c"]);

  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&sx=acc&sy=loss`);

  // group by: a key every engine run has with one value and no program run has tells them apart: offered
  const groupBy = page.getByTestId("group-by");
  const engineRuns = runs.slice(specs.length);
  const engineOnly = Object.keys(engineRuns[0].config).filter((k) => engineRuns.every((r) => JSON.stringify(r.config[k]) === JSON.stringify(engineRuns[0].config[k])) && runs.slice(0, specs.length).every((r) => !(k in r.config)));
  expect(engineOnly.length, "the engine runs share a key the program's runs lack").toBeGreaterThan(0);
  const offered = await groupBy.locator("option").evaluateAll((os) => os.map((o) => o.getAttribute("value")));
  expect.soft(engineOnly.filter((k) => !offered.includes(k)), "keys not offered to group by").toEqual([]);
  await groupBy.selectOption("cell");

  // the legend: one group per stored value, named apart, the runs without one ("no cell") last
  const titles = new Map<string, string[]>();
  for (const r of runs) titles.set(expectedTitle(r.config.cell), [...(titles.get(expectedTitle(r.config.cell)) ?? []), r.id]);
  const legend = page.getByTestId("compare-legend");
  const items = legend.getByTestId("legend-item");
  await expect.soft(items).toHaveCount(titles.size);
  const shown = await items.allTextContents();
  expect.soft(shown.map((t) => t.replace(/ \(\d+\)$/, "")).sort()).toEqual([...titles.keys()].sort());
  for (const [title, members] of titles) await expect.soft(items.filter({ hasText: title }).filter({ hasText: `(${members.length})` })).toHaveCount(1);
  await expect(items.last()).toHaveText(`no cell (${titles.get("no cell")!.length})`);
  const keys = await items.evaluateAll((is) => is.map((i) => i.getAttribute("data-key")!));
  expect.soft(new Set(keys).size, `keys ${keys.join(" ")}`).toBe(keys.length);
  await screen(page, "compare-values-legend");

  // the scatter: points of the runs with acc and loss stored; its legend lists the groups of those points, no other
  const scatter = page.getByTestId("scatter-panel");
  const chart = scatter.getByTestId("scatter-chart");
  const plotted = runs.filter((r) => typeof r.summary.acc === "number" && typeof r.summary.loss === "number");
  expect(plotted.map((r) => r.id)).toEqual(programIds);
  await expect(chart).toHaveAttribute("data-points", plotted.map((r) => `${r.id}=${r.summary.acc}:${r.summary.loss}`).join(","));
  const drawnTitles = [...new Set(plotted.map((r) => expectedTitle(r.config.cell)))];
  const scatterItems = scatter.getByTestId("scatter-legend-item");
  await expect.soft(scatterItems).toHaveCount(drawnTitles.length);
  expect.soft((await scatterItems.allTextContents()).map((t) => t.replace(/ \(\d+\)$/, "")).sort()).toEqual(drawnTitles.sort());

  // log axes: the scatter's loss axis and the loss curves' y axis, labels in one notation, at the stored values' range
  await scatter.getByLabel("Log y").check();
  await expect(chart).toHaveAttribute("data-y-log", "true");
  const ticks = (await attrList(chart, "data-y-ticks", ",")).map(Number);
  const scatterLabels = await attrList(chart, "data-y-labels");
  expectOneNotation(scatterLabels, "scatter loss axis");
  scatterLabels.forEach((l, i) => expect(Number(l.replace(/,/g, "")), `label ${l} of tick ${ticks[i]}`).toBeCloseTo(ticks[i], 12));
  const losses = plotted.map((r) => r.summary.loss as number);
  expect(Math.min(...ticks)).toBeLessThan(Math.max(...losses));
  expect(Math.max(...ticks)).toBeGreaterThan(Math.min(...losses));

  await page.getByTestId("log-y").check();
  const curves = page.locator('[data-testid="compare-panel"][data-metric="loss"] [data-testid="curve-chart"]');
  await expect(curves).toHaveAttribute("data-log-y", "true");
  const canvas = curves.locator("canvas");
  await expect(canvas).toHaveAttribute("data-y-labels", /e|0\.0/);
  const curveLabels = await attrList(canvas, "data-y-labels");
  expectOneNotation(curveLabels, "loss curves' y axis");
  // the labels lie within the stored loss values (every logged point, not only the last)
  const logged = Object.values(stored.series).flatMap((s) => (s.loss ?? []).map(([, y]) => y)).filter((y): y is number => typeof y === "number");
  for (const l of curveLabels) {
    const v = Number(l.replace(/,/g, ""));
    expect(v >= Math.min(...logged) / 2 && v <= Math.max(...logged) * 2, `label ${l} in ${Math.min(...logged)} … ${Math.max(...logged)}`).toBe(true);
  }
  await screen(page, "compare-values-log");

  // hiding the group of the string "null" hides its run only: the run without a cell stays shown
  // (its item found however it is named: it and the runs without a cell were both "cell=null" to hide)
  const nullRuns = titles.get('cell="null"')!;
  const nullItem = items.filter({ hasText: /^cell="?null"? \(/ });
  await nullItem.first().click();
  await expect(nullItem.first()).toHaveAttribute("data-hidden", "true");
  await expect(items.filter({ hasText: "no cell" })).toHaveAttribute("data-hidden", "false");
  await expect(chart).toHaveAttribute("data-faded", nullRuns.filter((id) => programIds.includes(id)).join(","));
  // and so when the link is opened again
  await page.reload();
  await expect(items.filter({ hasText: 'cell="null"' })).toHaveAttribute("data-hidden", "true");
  await expect(items.filter({ hasText: "no cell" })).toHaveAttribute("data-hidden", "false");
  await expect(chart).toHaveAttribute("data-faded", nullRuns.filter((id) => programIds.includes(id)).join(","));

  // hiding the group of "a b, c" (a space and a comma in its value) hides it, and so when the link
  // is opened again: it and cell="null" hidden, every other group shown
  const spaced = items.filter({ hasText: "cell=a b, c (" });
  await spaced.click();
  await expect(spaced).toHaveAttribute("data-hidden", "true");
  await page.reload();
  const hiddenTitles = ['cell="null"', "cell=a b, c"];
  await expect(items).toHaveCount(titles.size);
  for (const title of titles.keys()) await expect.soft(items.filter({ hasText: `${title} (` }), title).toHaveAttribute("data-hidden", String(hiddenTitles.includes(title)));
  const hiddenRuns = new Set(hiddenTitles.flatMap((t) => titles.get(t)!));
  await expect(chart).toHaveAttribute("data-faded", programIds.filter((id) => hiddenRuns.has(id)).join(","));
  // saved as a view (the server stores the query as it reads it back: the same query, so the view
  // is the page's current one) and opened from the list on a view with nothing hidden: the same two hidden
  const select = page.getByTestId("saved-view-select");
  await page.getByTestId("view-name").fill("spaced hidden");
  await page.getByTestId("save-view").click();
  const saved = select.locator("option", { hasText: "spaced hidden" });
  await expect(saved).toHaveCount(1);
  await expect(select).toHaveValue((await saved.getAttribute("value"))!);
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=loss&sx=acc&sy=loss&group=cell`);
  await expect(items.filter({ hasText: "cell=a b, c (" })).toHaveAttribute("data-hidden", "false");
  await select.selectOption((await saved.getAttribute("value"))!);
  await expect(page).toHaveURL(/hide=/);
  await expect(items).toHaveCount(titles.size);
  for (const title of titles.keys()) await expect.soft(items.filter({ hasText: `${title} (` }), title).toHaveAttribute("data-hidden", String(hiddenTitles.includes(title)));
  await expect(chart).toHaveAttribute("data-faded", programIds.filter((id) => hiddenRuns.has(id)).join(","));

  // linear axes, labels in one notation, each its tick's value: grad (2e-5 … 1e-3) on the
  // scatter (0, 2e-4 … 1e-3, where "8e-4" stood beside "0.001") and the curves ("5e-4" beside
  // "0.001"); the histogram of loss (2e-4 … 8e-3) likewise, its bins at the stored values ("2e-4–0.0028")
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=grad&sx=acc&sy=grad&hist=loss`);
  await expect(chart).toHaveAttribute("data-y", "grad");
  await expect(chart).toHaveAttribute("data-y-labels", /./);
  const grads = runs.map((r) => r.summary.grad).filter((v): v is number => typeof v === "number");
  expect(grads.length).toBe(specs.length);
  const gradTicks = (await attrList(chart, "data-y-ticks", ",")).map(Number);
  const gradLabels = await attrList(chart, "data-y-labels");
  expectOneNotation(gradLabels, "scatter's grad axis", true);
  gradLabels.forEach((l, i) => expect(Number(l.replace(/,/g, "")), `label ${l} of tick ${gradTicks[i]}`).toBeCloseTo(gradTicks[i], 12));
  expect(Math.min(...gradTicks)).toBeLessThanOrEqual(Math.min(...grads));
  expect(Math.max(...gradTicks)).toBeGreaterThanOrEqual(Math.max(...grads));
  const gradCurves = page.locator('[data-testid="compare-panel"][data-metric="grad"] [data-testid="curve-chart"] canvas');
  await expect(gradCurves).toHaveAttribute("data-y-labels", /./);
  expectOneNotation(await attrList(gradCurves, "data-y-labels"), "grad curves' y axis", true);
  const histogram = page.getByTestId("histogram-chart");
  await expect(histogram).toHaveAttribute("data-metric", "loss");
  const lossSummaries = runs.map((r) => r.summary.loss).filter((v): v is number => typeof v === "number");
  const edges = (await attrList(histogram, "data-edges", ",")).map(Number);
  expect(edges[0]).toBe(Math.min(...lossSummaries));
  expect(edges[edges.length - 1]).toBe(Math.max(...lossSummaries));
  const binLabels = await attrList(histogram, "data-labels");
  expect(binLabels.length).toBe(edges.length - 1);
  const edgeLabels = binLabels.flatMap((l) => l.split("–"));
  expectOneNotation(edgeLabels, "histogram's loss bins");
  edgeLabels.forEach((l, i) => expect(Number(l), `edge label ${l}`).toBeCloseTo(edges[Math.ceil(i / 2)], 5));
  await screen(page, "compare-values-linear");
});
