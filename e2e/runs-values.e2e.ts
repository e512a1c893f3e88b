import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import fs from "node:fs";
import { formatKeyValue } from "../app/_lib/format";
import type { TablePage } from "../prisma/store/runs-table";
import { expectedCell, MIXED_COLUMNS, referenceOrder, seedMixedValues } from "../prisma/testdata/mixed-values";
import { summaryNumber } from "../sweeps/summary";
import { e2eStore, screen } from "./runs-util";

// Issue 17 §1, as a person sees it: the runs table (/) showed dropout 0 for 0.25 and 0.5,
// val_acc 0 for 0.92, layernorm 0/1. A sweep mixing integers and decimals, booleans, nulls,
// NaN/±Inf in every column kind (prisma/testdata/mixed-values.ts); under several sorts and
// filters, grouped and not, every cell the page shows, the JSON API's and the exported CSV's
// are checked against the runs as stored.

const JSON_COLUMNS = MIXED_COLUMNS.filter((c) => c.includes("."));
const columnsParam = encodeURIComponent(MIXED_COLUMNS.join(","));

type Store = Awaited<ReturnType<typeof e2eStore>>;
let sweepId = "";
let runs: Awaited<ReturnType<Store["getRun"]>>[] = [];

test.beforeAll(async () => {
  const store = await e2eStore();
  ({ sweepId } = await seedMixedValues(store, "mixed-values-e2e"));
  runs = await Promise.all((await store.sweepRuns(sweepId)).map((r) => store.getRun(r.id)));
  await store.disconnectPrisma();
});

const stored = (id: string) => runs.find((r) => r!.id === id)!;

/** Each row's text in each JSON column, as the page shows it. */
async function shownCells(page: Page): Promise<{ id: string; cells: Record<string, string> }[]> {
  return page.locator('tr[data-testid="run-row"]').evaluateAll(
    (rows, columns) =>
      rows.map((tr) => ({
        id: tr.getAttribute("data-run-id")!,
        cells: Object.fromEntries(columns.map((c) => [c, (tr.querySelector(`td[data-column="${CSS.escape(c)}"]`) as HTMLElement).innerText.trim()])),
      })),
    JSON_COLUMNS as string[],
  );
}

for (const sort of ["config.dropout", "-config.dropout", "-summary.val_acc", "config.layernorm", "-derived.train_val_gap", "summary.val/loss", "-config.seed"]) {
  test(`runs table sorted by ${sort}: every cell on the page, in the JSON API and in the CSV is the stored value`, async ({ page, request }) => {
    const query = `sweep=${sweepId}&group=none&sort=${encodeURIComponent(sort)}&columns=${columnsParam}`;
    await page.goto(`/?${query}`);
    await expect(page.getByTestId("run-row")).toHaveCount(runs.length);
    const now = Date.now();
    const shown = await shownCells(page);
    expect(shown.map((r) => r.id)).toEqual(referenceOrder(runs as never, { field: sort.replace(/^-/, ""), desc: sort.startsWith("-") }, now));
    for (const row of shown) for (const c of JSON_COLUMNS) expect(row.cells[c], `${c} of ${stored(row.id).name}`).toBe(formatKeyValue(c, expectedCell(stored(row.id), c)));

    const api = (await (await request.get(`/api/compare/table?${query}`)).json()) as TablePage;
    expect(api.rows.map((r) => r.id)).toEqual(shown.map((r) => r.id));
    for (const row of api.rows) for (const c of JSON_COLUMNS) expect(row.values[c], `API ${c}`).toEqual(expectedCell(stored(row.id), c));

    const download = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const records = parse(fs.readFileSync(await (await download).path(), "utf8"), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.id)).toEqual(shown.map((r) => r.id));
    for (const rec of records) for (const c of JSON_COLUMNS) expect(rec[c], `CSV ${c}`).toBe(String(expectedCell(stored(rec.id), c) ?? ""));
  });
}

test("runs table filtered (decimals, booleans, W&B names): the rows kept and their cells are the stored ones", async ({ page }) => {
  for (const [filter, keep] of [
    ["config.dropout=0.25", (id: string) => stored(id).config.dropout === 0.25],
    ["config.layernorm=true", (id: string) => stored(id).config.layernorm === true],
    ["summary.val_acc>=0.92", (id: string) => ((v) => v !== null && v >= 0.92)(summaryNumber(stored(id).summary.val_acc))],
    ["summary.eval/acc@1<0.9", (id: string) => ((v) => v !== null && v < 0.9)(summaryNumber(stored(id).summary["eval/acc@1"]))],
  ] as const) {
    await page.goto(`/?sweep=${sweepId}&group=none&filter=${encodeURIComponent(filter)}&columns=${columnsParam}&sort=config.dropout`);
    const expected = runs.filter((r) => keep(r!.id)).map((r) => r!.id);
    await expect(page.getByTestId("run-row")).toHaveCount(expected.length);
    const shown = await shownCells(page);
    expect(shown.map((r) => r.id).sort()).toEqual([...expected].sort());
    for (const row of shown) for (const c of JSON_COLUMNS) expect(row.cells[c], `${filter}: ${c}`).toBe(formatKeyValue(c, expectedCell(stored(row.id), c)));
  }
});

test("runs table with seed replicates folded: each configuration's cells from its seeds as stored", async ({ page }) => {
  await page.goto(`/?sweep=${sweepId}&columns=${columnsParam}&sort=-config.dropout`);
  await expect(page.getByTestId("group-seeds")).toBeChecked();
  const groups = page.getByTestId("config-row");
  await expect(groups.first()).toBeVisible();
  await screen(page, "runs-table-mixed-values");
  // the 0.25 configuration (layernorm true): both seeds, dropout 0.25, mean of their val_acc
  const quarter = runs.filter((r) => r!.config.dropout === 0.25);
  expect(quarter).toHaveLength(2);
  const row = page.locator(`tr[data-testid="config-row"]`).filter({ has: page.locator('td[data-column="config.dropout"]', { hasText: /^0\.25$/ }) });
  await expect(row).toHaveCount(1);
  await expect(row.locator('td[data-column="config.layernorm"]')).toHaveText("true");
  const accs = quarter.map((r) => r!.summary.val_acc).filter((v): v is number => typeof v === "number");
  await expect(row.locator('td[data-column="summary.val_acc"]')).toHaveAttribute("data-value", String(accs.reduce((a, b) => a + b, 0) / accs.length));
  await row.getByTestId("expand-group").click();
  const members = await shownCells(page);
  for (const m of members) for (const c of JSON_COLUMNS) expect(m.cells[c], `member ${c}`).toBe(formatKeyValue(c, expectedCell(stored(m.id), c)));
  expect(members.map((m) => m.id).sort()).toEqual(quarter.map((r) => r!.id).sort());
});
