import { expect, test, type APIRequestContext } from "@playwright/test";
import { screen } from "./runs-util";

// Journey: custom panels on the compare page (issue 14). Three runs of a program, logged over
// HTTP: train_loss every step, val_loss, val_acc and eval_loss every 4th step, tagged. A person
// adds a panel with x = train_loss and y = the regex val_.*; the panel draws exactly the series
// the regex names, each val point at the train_loss of its own step (checked against the stored
// points, in the page's data and in the hover tooltip); groups it by tag, saves the view,
// reloads and opens it again from the project's saved views; a bad panel in a link is left out
// with a message; the panel is removed. The scatter's and histogram's settings are kept with it. Then the runs table groups the same runs by tag.

const project = `e2e-panels-${Date.now().toString(36)}`;
const runs: { id: string; tags: string[] }[] = [];
const TAGS = [["base", "lr"], ["lr"], []];

async function post(request: APIRequestContext, url: string, data: unknown) {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as { run: { id: string } };
}

test.beforeAll(async ({ request }) => {
  for (const [i, tags] of TAGS.entries()) {
    const lr = 0.1 * (i + 1);
    const { run } = await post(request, "/api/runs", { project, name: `panel-${i}`, config: { lr }, tags });
    const metrics = Array.from({ length: 30 }, (_, step) => ({
      step,
      time: step * 0.5,
      values: { train_loss: 2 / (1 + lr * step) + 0.01, ...(step % 4 === 3 ? { val_loss: 2.2 / (1 + lr * step) + 0.05, val_acc: 0.3 + step / (100 + lr) + i / 50, eval_loss: 1 + i } : {}) },
    }));
    await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics });
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    runs.push({ id: run.id, tags });
  }
});

type Stored = Record<string, Record<string, { step: number; value: number | null }[]>>;

/** Each run's stored points, as the metrics endpoint reads them (every point: 30 per series). */
async function storedSeries(request: APIRequestContext): Promise<Stored> {
  const out: Stored = {};
  for (const r of runs) out[r.id] = ((await (await request.get(`/api/runs/${r.id}/metrics?keys=train_loss,val_loss,val_acc,eval_loss&points=100`)).json()) as { series: Stored[string] }).series;
  return out;
}

/** The (train_loss, y) pairs of a run's metric: y and x logged at the same step. */
function pairs(stored: Stored, runId: string, metric: string): [number, number][] {
  const x = new Map(stored[runId].train_loss.map((p) => [p.step, p.value]));
  return stored[runId][metric].filter((p) => x.has(p.step)).map((p) => [x.get(p.step)!, p.value!]);
}

test("a custom panel: x = a metric, y = a regex; its series as stored; grouped, saved, reloaded, removed", async ({ page, request }) => {
  const stored = await storedSeries(request);
  const ids = runs.map((r) => r.id);
  await page.goto(`/compare?runs=${ids.join(",")}`);
  await expect(page.getByTestId("compare-view")).toBeVisible();

  await page.getByTestId("add-custom-panel").click();
  const editor = page.getByTestId("panel-editor");
  await editor.getByTestId("panel-x").selectOption("metric");
  await editor.getByTestId("panel-x-metric").selectOption("train_loss");
  await editor.getByTestId("panel-regex").fill("val_(");
  await expect(editor.getByTestId("panel-matches")).toContainText("not a regular expression");
  await editor.getByTestId("panel-regex").fill("val_.*");
  // the regex matches whole names: eval_loss is not a val_ metric
  await expect(editor.getByTestId("panel-matches")).toHaveText("matches val_acc, val_loss");
  await editor.getByTestId("panel-smoothing").selectOption("none");
  await screen(page, "compare-panel-editor");
  await editor.getByTestId("panel-save").click();

  const panel = page.getByTestId("custom-panel");
  await expect(panel).toHaveCount(1);
  await expect(panel).toHaveAttribute("data-x", "metric:train_loss");
  await expect(panel).toHaveAttribute("data-y", "val_acc,val_loss");
  await expect(page).toHaveURL(/panel=x:metric:train_loss;smooth:none;re:val_\.\*$/);
  const chart = panel.getByTestId("curve-chart");
  const keys = ["val_acc", "val_loss"].flatMap((m) => ids.map((id) => `${id}|${m}`));
  await expect(chart).toHaveAttribute("data-curves", keys.join(","));
  await expect(chart).toContainText("/val_.*/ vs train_loss");
  await expect(panel.getByTestId("panel-metric")).toHaveText(["val_acc", "val_loss"]);

  // what the panel draws: each run's val_* points at the train_loss of the same step, all of them
  const drawn = JSON.parse((await panel.getAttribute("data-series"))!) as { key: string; n: number; last: [number, number] | null }[];
  expect(drawn.map((s) => s.key)).toEqual(keys);
  for (const s of drawn) {
    const [runId, metric] = s.key.split("|");
    const expected = pairs(stored, runId, metric);
    expect(expected.length).toBe(7);
    expect(s.n).toBe(expected.length);
    // the chart's points are in step order (the chart sorts by x): the last is step 27's
    expect(s.last).toEqual(expected.at(-1));
  }

  // the hover tooltip: x is train_loss; each row a stored val_* value of its run
  const box = (await chart.getByTestId("chart-plot").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
  const tooltip = page.getByTestId("chart-tooltip");
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText("train_loss ");
  const rows = await tooltip.getByTestId("tooltip-row").evaluateAll((trs) => trs.map((tr) => ({ key: tr.getAttribute("data-key")!, value: Number(tr.getAttribute("data-value")), text: tr.textContent! })));
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(keys).toContain(row.key);
    const [runId, metric] = row.key.split("|");
    expect(row.text).toContain(`· ${metric}`);
    expect(pairs(stored, runId, metric).map(([, y]) => y)).toContain(row.value);
  }
  await screen(page, "compare-custom-panel");
  await page.mouse.move(0, 0);

  // edit: group by tag (a run with two tags counts in both), mean and band per tag and metric
  await panel.getByTestId("edit-panel").click();
  await page.getByTestId("panel-editor").getByTestId("panel-group").selectOption("run:tags");
  await page.getByTestId("panel-editor").getByTestId("panel-save").click();
  await expect(panel).toHaveAttribute("data-group", "run:tags");
  await expect(chart).toHaveAttribute("data-grouped", "true");
  await expect(chart).toHaveAttribute("data-curves", ["val_acc", "val_loss"].flatMap((m) => ["base", "lr", "null"].map((t) => `run:tags=${t}|${m}`)).join(","));
  await expect(page).toHaveURL(/panel=x:metric:train_loss;smooth:none;group:run:tags;re:val_\.\*$/);
  await screen(page, "compare-custom-panel-grouped");

  // the scatter's and the histogram's settings live in the URL too
  await page.getByLabel("Scatter x").selectOption("val_acc");
  await page.getByLabel("Log y").check();
  await page.getByLabel("Histogram metric").selectOption("train_loss");
  await expect(page).toHaveURL(/sx=val_acc&slog=y&hist=train_loss$/);

  // saved with a named view of the project, and there again after a reload and from the view list
  await page.getByTestId("view-name").fill("val vs train");
  await page.getByTestId("save-view").click();
  await expect(page.getByTestId("saved-view-select").locator("option", { hasText: "val vs train" })).toHaveCount(1);
  // what the panel draws now (every run's val_* series, 7 points each): the same after a page load
  const drawnBefore = (await panel.getAttribute("data-series"))!;
  expect((JSON.parse(drawnBefore) as { key: string; n: number }[]).map((s) => [s.key, s.n])).toEqual(keys.map((k) => [k, 7]));
  await page.reload();
  await expect(page.getByTestId("custom-panel")).toHaveAttribute("data-group", "run:tags");
  await expect(page.getByTestId("custom-panel")).toHaveAttribute("data-series", drawnBefore);
  await page.goto(`/compare?project=${project}`);
  await page.getByTestId("saved-view-links").getByRole("link", { name: "val vs train" }).click();
  const restored = page.getByTestId("custom-panel");
  await expect(restored).toHaveCount(1);
  await expect(restored).toHaveAttribute("data-x", "metric:train_loss");
  await expect(restored).toHaveAttribute("data-y", "val_acc,val_loss");
  await expect(restored).toHaveAttribute("data-group", "run:tags");
  await expect(restored.getByTestId("curve-chart")).toHaveAttribute("data-grouped", "true");
  await expect(restored).toHaveAttribute("data-series", drawnBefore);
  await expect(page.getByLabel("Scatter x")).toHaveValue("val_acc");
  await expect(page.getByLabel("Log y")).toBeChecked();
  await expect(page.getByLabel("Histogram metric")).toHaveValue("train_loss");

  // a link with a bad panel opens, without it, and says why
  await page.goto(`/compare?runs=${ids.join(",")}&panel=y:val_loss&panel=x:sideways;y:val_loss`);
  await expect(page.getByTestId("panel-errors")).toContainText("panel 2: x: x is step, relative, wall or metric:NAME");
  await expect(page.getByTestId("custom-panel")).toHaveCount(1);
  await expect(page.getByTestId("custom-panel")).toHaveAttribute("data-y", "val_loss");
  await page.getByTestId("custom-panel").getByTestId("remove-panel").click();
  await expect(page.getByTestId("custom-panel")).toHaveCount(0);
  await expect(page).not.toHaveURL(/panel=/);
});

test("a fresh load of a link with regex panels over finished runs draws every match as stored", async ({ page, request }) => {
  const stored = await storedSeries(request);
  const ids = runs.map((r) => r.id);
  // a page load, not a client navigation: the server renders the first answer and the runs
  // have all ended, so nothing is polled afterwards; what the panels draw comes from that answer
  // (or whatever the page asks for itself). Panels: the regex alone on x = step, the regex
  // against a metric on x (series aligned, pair=), a named metric before the regex's matches.
  const panels = ["smooth:none;re:val_.*", "x:metric:train_loss;smooth:none;re:val_.*", "y:train_loss;smooth:none;re:(val|eval)_loss"];
  const polls: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.pathname === "/api/compare") polls.push(url.searchParams.get("since") ?? "");
  });
  await page.goto(`/compare?runs=${ids.join(",")}&metrics=train_loss&${panels.map((p) => `panel=${encodeURIComponent(p)}`).join("&")}`);
  const shown = page.getByTestId("custom-panel");
  await expect(shown).toHaveCount(3);
  const expected: { y: string[]; points: (runId: string, metric: string) => [number, number][] }[] = [
    { y: ["val_acc", "val_loss"], points: (id, m) => stored[id][m].map((p) => [p.step, p.value!]) },
    { y: ["val_acc", "val_loss"], points: (id, m) => pairs(stored, id, m) },
    { y: ["train_loss", "eval_loss", "val_loss"], points: (id, m) => stored[id][m].map((p) => [p.step, p.value!]) },
  ];
  for (const [i, want] of expected.entries()) {
    const panel = shown.nth(i);
    await expect(panel).toHaveAttribute("data-y", want.y.join(","));
    const keys = want.y.flatMap((m) => ids.map((id) => `${id}|${m}`));
    await expect(panel.getByTestId("curve-chart")).toHaveAttribute("data-curves", keys.join(","));
    // every series the regex matched, with every stored point (30 of train_loss, 7 of each val one)
    const series = () => panel.getAttribute("data-series").then((s) => JSON.parse(s!) as { key: string; n: number; last: [number, number] | null }[]);
    const want2 = keys.map((key) => {
      const [runId, metric] = key.split("|");
      const pts = want.points(runId, metric);
      expect(pts.length, key).toBe(metric === "train_loss" ? 30 : 7);
      return { key, n: pts.length, last: pts.at(-1)! };
    });
    await expect.poll(series, { message: `panel ${i + 1} (${panels[i]})` }).toEqual(want2);
    await expect(panel).not.toContainText("Loading…");
  }
  // the server's first answer had them all (the regexes matched there as here): the page's
  // first poll asks only for what changed since (nothing: every run ended), not the view whole
  await expect.poll(() => polls.length).toBeGreaterThan(0);
  expect(polls[0]).toBe(`3.${ids[2]}`);
  await screen(page, "compare-regex-panels-fresh-load");
});

test("a link whose regex backtracks without end in JavaScript's engine: the page draws its one match and stays usable", async ({ page, request }) => {
  // (a+)+b against a name of 128 a's: a backtracking engine tries 2^128 ways before it gives up,
  // in the browser (which matches panel regexes on every render) as on the server (first render)
  const long = "a".repeat(128);
  const { run } = await post(request, "/api/runs", { project: `${project}-redos`, name: "redos" });
  await post(request, `/api/runs/${run.id}/events`, { seq: 1, metrics: [1, 2, 3].map((step) => ({ step, time: step, values: { [long]: step, aab: 1 / step } })) });
  await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
  await page.goto(`/compare?runs=${run.id}&metrics=${long}&panel=${encodeURIComponent("smooth:none;re:(a+)+b")}`);
  const panel = page.getByTestId("custom-panel");
  await expect(panel).toHaveAttribute("data-y", "aab");
  // (one metric: a curve per run) its three stored points
  await expect(panel.getByTestId("curve-chart")).toHaveAttribute("data-curves", run.id);
  await expect.poll(() => panel.getAttribute("data-series").then((s) => JSON.parse(s!))).toEqual([{ key: run.id, n: 3, last: [3, 1 / 3] }]);
  // the page answers: the panel editor opens and matches as the person types
  await page.getByTestId("add-custom-panel").click();
  await page.getByTestId("panel-editor").getByTestId("panel-regex").fill("(a|a)*b");
  await expect(page.getByTestId("panel-editor").getByTestId("panel-matches")).toHaveText("matches aab");
  await page.getByTestId("panel-editor").getByTestId("panel-regex").fill("(?!a)b");
  await expect(page.getByTestId("panel-editor").getByTestId("panel-matches")).toContainText("not a regular expression: invalid or unsupported Perl syntax");
});

test("the runs table grouped by tag: a row per tag, a run with two tags under both", async ({ page }) => {
  await page.goto(`/?project=${project}`);
  await expect(page.getByTestId("runs-view")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("group-tags").check();
  await expect(page).toHaveURL(/group=tags/);
  const rows = page.getByTestId("config-row");
  await expect(rows).toHaveCount(3);
  const byTag = async (tag: string) => page.locator(`[data-testid="config-row"][data-tag="${tag}"]`);
  await expect(await byTag("lr")).toHaveAttribute("data-count", "2");
  await expect(await byTag("base")).toHaveAttribute("data-count", "1");
  await expect(await byTag("")).toHaveAttribute("data-count", "1");
  await expect((await byTag("")).getByTestId("tag-row-name")).toHaveText("(no tag)");
  await (await byTag("lr")).getByTestId("expand-group").click();
  await expect(page.getByTestId("run-row")).toHaveCount(2);
  await expect(page.getByText("3 tags · 3 runs")).toBeVisible();
  await screen(page, "runs-grouped-by-tag");
});
