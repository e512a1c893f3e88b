import { expect, test, type Locator, type Page } from "@playwright/test";
import { formatKeyValue, formatNumber } from "../app/_lib/format";
import { screen } from "./runs-util";

// Journey: a sweep over learning rates 7.74e-4 and 0.002477 (two seeds each). The runs table
// (grouped and not) and the sweep page's table wrote each number cell on its own, so the
// learning_rate column read 7.74e-4 above 0.002477. Now every number column reads in one
// notation over its rows: exponents for every fraction when one cell is an exponent, integers
// as before; each cell is its stored value to 4 significant digits, and its hover (title) is the
// stored value in full.

const LEARNING_RATES = [7.74e-4, 0.002477];
// in a project of its own: its quadrant runs would otherwise be the default project's best
// finished runs, which runs-page opens expecting a charlm run's samples
const YAML = `name: notation-e2e
project: e2e-notation
method: grid
replicates: 2
metric: {name: val_loss, goal: minimize}
parameters:
  task: {value: quadrant}
  learning_rate: {values: [7.74e-4, 0.002477]}
  steps: {value: 30}
  eval_every: {value: 10}
`;

interface StoredRun {
  id: string;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  summary: Record<string, unknown>;
}

interface ShownCell {
  row: string;
  column: string;
  text: string;
  stored: number;
  /** the hover: the cell's title, or that of what it holds */
  title: string | null;
}

let sweepId = "";
let runs: StoredRun[] = [];

test.beforeAll(async ({ request }) => {
  const res = await request.post("/api/sweeps", { data: YAML, headers: { "content-type": "text/yaml" } });
  expect(res.status(), await res.text()).toBe(201);
  sweepId = ((await res.json()) as { id: string }).id;
  await expect(async () => {
    const body = (await (await request.get(`/api/runs?sweep=${sweepId}`)).json()) as { runs: (StoredRun & { state: string })[] };
    expect(body.runs.map((r) => r.state)).toEqual(["finished", "finished", "finished", "finished"]);
    runs = body.runs;
  }).toPass({ timeout: 90_000 });
  expect([...new Set(runs.map((r) => r.config.learning_rate))].sort()).toEqual(LEARNING_RATES);
});

// summary.lr: the last lr logged, the learning rate (constant schedule); on a configuration row the mean of its seeds'
const COLUMNS = ["step", "config.learning_rate", "config.seed", "config.hidden_size", "summary.val_loss", "summary.lr", "summary.grad_norm", "summary.throughput", "summary.val_loss_best_step", "derived.train_val_gap"];

const EXPONENT = /^-?\d(\.\d+)?e-?\d+$/;

/** Check the cells of each column: one notation, the stored value to 4 significant digits, the full value on hover. */
function checkColumns(cells: ShownCell[], plain: (column: string, stored: number) => string, where: string): Set<string> {
  const exponentColumns = new Set<string>();
  const columns = [...new Set(cells.map((c) => c.column))];
  for (const column of columns) {
    const own = cells.filter((c) => c.column === column);
    const exponents = own.some((c) => EXPONENT.test(c.text));
    if (exponents) exponentColumns.add(column);
    for (const c of own) {
      const at = `${where}: ${column} of ${c.row} (${c.stored})`;
      if (Number.isInteger(c.stored)) {
        expect(Number(c.text.replace(/,/g, "")), at).toBe(c.stored);
        expect(c.text, `${at}: an integer reads as before`).toBe(plain(column, c.stored));
      } else {
        if (exponents) expect(c.text, `${at}: the column has an exponent, so is every fraction`).toMatch(EXPONENT);
        else expect(c.text, `${at}: a column without exponents reads as before`).toBe(plain(column, c.stored));
        expect(Number(c.text.replace(/,/g, "")), at).toBe(Number(c.stored.toPrecision(4)));
      }
    }
  }
  for (const c of cells) expect(c.title, `${where}: the hover on ${c.column} of ${c.row}`).toBe(String(c.stored));
  return exponentColumns;
}

/** The number cells of the home page's runs table (run and configuration rows), the Runtime excepted (a duration). */
async function runsTableCells(page: Page): Promise<ShownCell[]> {
  const cells = await page.locator('tr[data-testid="run-row"] td[data-column], tr[data-testid="config-row"] td[data-column]').evaluateAll((tds) =>
    tds.map((td) => ({
      row: td.closest("tr")!.getAttribute("data-run-id")!,
      column: td.getAttribute("data-column")!,
      // a configuration row: its mean, without the ± interval
      text: (td as HTMLElement).innerText.split("±")[0].trim(),
      value: td.getAttribute("data-value")!,
      title: td.querySelector("[title]")?.getAttribute("title") ?? null,
    })),
  );
  return cells
    .filter((c) => c.column !== "runtime" && c.value !== "" && Number.isFinite(Number(c.value)))
    // a configuration row's hover: "<mean>: mean of 2 seeds, …"
    .map((c) => ({ row: c.row, column: c.column, text: c.text, stored: Number(c.value), title: c.title?.replace(/: mean of .*$/, "") ?? null }));
}

const tablePlain = (column: string, v: number) => (column.includes(".") ? formatKeyValue(column, v) : formatNumber(v));

async function checkRunsTable(page: Page, query: string, rowTestId: string) {
  await page.goto(`/?sweep=${sweepId}&${query}&columns=${encodeURIComponent(COLUMNS.join(","))}`);
  await expect(page.getByTestId(rowTestId).first()).toBeVisible();
  const cells = await runsTableCells(page);
  const learningRates = cells.filter((c) => c.column === "config.learning_rate");
  expect(learningRates.length, "the learning_rate column is shown").toBeGreaterThan(0);
  const exponentColumns = checkColumns(cells, tablePlain, `runs table ?${query}`);
  expect([...exponentColumns].sort()).toEqual(["config.learning_rate", "summary.lr"]);
  for (const column of ["config.learning_rate", "summary.lr"]) expect(new Set(cells.filter((c) => c.column === column).map((c) => c.text)), column).toEqual(new Set(["7.74e-4", "2.477e-3"]));
  expect(new Set(cells.map((c) => c.column)), "every number column is checked").toEqual(new Set(COLUMNS.filter((c) => c !== "config.seed" || rowTestId === "run-row")));
  await expectRightAligned(page, cells);
  return cells;
}

/** Every number column right-aligned, config columns as summary ones, its header over its digits. */
async function expectRightAligned(page: Page, cells: ShownCell[]) {
  for (const column of new Set(cells.map((c) => c.column))) {
    const aligned = await page.evaluate((column) => {
      const align = (el: Element | null | undefined) => (el ? getComputedStyle(el).textAlign : null);
      const tds = [...document.querySelectorAll<HTMLTableCellElement>(`tbody td[data-column="${column}"]`)].filter((td) => /\d/.test(td.textContent ?? ""));
      // its header: the last header row's cell over it
      const header = [...document.querySelectorAll("thead tr")].at(-1)?.children[tds[0]?.cellIndex ?? -1];
      return { header: align(header), cells: [...new Set(tds.map(align))] };
    }, column);
    expect(aligned, `${column}: its header and its number cells`).toEqual({ header: "right", cells: ["right"] });
  }
}

test("the runs table: every number column in one notation, each cell its stored value, grouped and not", async ({ page }) => {
  const flat = await checkRunsTable(page, "group=none", "run-row");
  expect(new Set(flat.map((c) => c.row)).size).toBe(4);
  // the data-value is the stored value: each run's learning_rate as the API gives it
  for (const c of flat.filter((c) => c.column === "config.learning_rate")) expect(c.stored).toBe(runs.find((r) => r.id === c.row)!.config.learning_rate);
  await screen(page, "runs-notation-flat");

  // seeds folded: a configuration row per learning rate, its means in the columns' notation
  const grouped = await checkRunsTable(page, "group=seeds", "config-row");
  await expect(page.getByTestId("config-row")).toHaveCount(2);
  // the means: summary.lr's in exponents (its column's notation), val_loss's plain
  const means = await page.locator('tr[data-testid="config-row"] td[data-column="summary.lr"] [title]').evaluateAll((els) => els.map((e) => e.getAttribute("title")!));
  expect(means.map((t) => t.replace(/ of .*/, "")).sort()).toEqual(["0.000774: mean", "0.002477: mean"]);
  expect(grouped.filter((c) => c.column === "summary.val_loss").every((c) => !c.text.includes("e"))).toBe(true);
  await screen(page, "runs-notation-grouped");
});

/** The sweep page's number cells, stored values from the API (config) and data-value (the metric). */
async function sweepTableCells(page: Page): Promise<ShownCell[]> {
  const cells = await page.locator('tr[data-testid="sweep-run-row"] td[data-column]').evaluateAll((tds) =>
    tds.map((td) => ({
      row: td.closest("tr")!.getAttribute("data-run-id")!,
      column: td.getAttribute("data-column")!,
      text: (td as HTMLElement).innerText.trim(),
      value: td.getAttribute("data-value"),
      title: td.getAttribute("title"),
    })),
  );
  const out: ShownCell[] = [];
  for (const c of cells) {
    if (c.column === "runtime") continue;
    const run = runs.find((r) => r.id === c.row)!;
    const key = c.column.slice(c.column.indexOf(".") + 1);
    const stored = c.column.startsWith("config.") ? (run.params[key] ?? run.config[key]) : c.value === null ? undefined : Number(c.value);
    if (c.column.startsWith("summary.")) expect(stored, `the metric's data-value is the stored ${key}`).toBe(run.summary[key]);
    if (typeof stored === "number" && Number.isFinite(stored)) out.push({ row: c.row, column: c.column, text: c.text, stored, title: c.title });
  }
  return out;
}

test("the sweep page's runs table: every number column in one notation, each cell its stored value", async ({ page }) => {
  await page.goto(`/sweeps/${sweepId}`);
  await expect(page.getByTestId("sweep-run-row")).toHaveCount(4);
  const cells = await sweepTableCells(page);
  const learningRates = cells.filter((c) => c.column === "config.learning_rate");
  expect(learningRates).toHaveLength(4);
  const plain = (column: string, v: number) => (column.startsWith("config.") ? formatKeyValue(column.slice("config.".length), v) : formatNumber(v));
  const exponentColumns = checkColumns(cells, plain, "sweep page");
  expect([...exponentColumns]).toContain("config.learning_rate");
  expect(new Set(learningRates.map((c) => c.text))).toEqual(new Set(["7.74e-4", "2.477e-3"]));
  expect(cells.some((c) => c.column.startsWith("summary.")), "the metric column is checked").toBe(true);
  await expectRightAligned(page, cells);
  await screen(page, "runs-notation-sweep");
});
