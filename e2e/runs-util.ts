import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import type { CompareDelta, CompareResponse } from "../app/_lib/compare-api";

// Shared by the runs/compare/sweeps journeys: screenshots under test-results/screens, direct
// store access to the e2e server's database for fixtures the seed does not have, and the
// sweep page's curve polls.

export const ROOT = path.resolve(import.meta.dirname, "..");
export const E2E_DIR = path.join(ROOT, ".tmp", "e2e");

export async function screen(page: Page, name: string): Promise<void> {
  const dir = path.join(ROOT, "test-results", "screens");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** The store, connected to the e2e server's database. */
export async function e2eStore() {
  process.env.DATABASE_URL = `file:${path.join(E2E_DIR, "e2e.db")}`;
  return import("../prisma/store");
}

export interface CurvePoll {
  query: string;
  bytes: number;
  body: CompareDelta;
}

/** From now on, every answer of the sweep curves' incremental polls (GET /api/compare?since=…) the page receives. */
export function recordCurvePolls(page: Page): CurvePoll[] {
  const polls: CurvePoll[] = [];
  page.on("response", async (res) => {
    const url = new URL(res.url());
    if (url.pathname !== "/api/compare" || !url.searchParams.has("since") || !res.ok()) return;
    const body = await res.body().catch(() => null);
    if (body) polls.push({ query: url.search, bytes: body.length, body: JSON.parse(body.toString()) as CompareDelta });
  });
  return polls;
}

/** val_loss points a poll brought. */
export const pointsIn = (poll: CurvePoll) => Object.values(poll.body.series).reduce((n, s) => n + (s.val_loss?.length ?? 0), 0);

/** A poll that brought new points of a run the page was already showing (a tail). */
export const appendedPoints = (poll: CurvePoll) => Object.keys(poll.body.tails).some((id) => (poll.body.series[id]?.val_loss?.length ?? 0) > 0);

/** The sweep's val_loss curves as a fresh load shows them, written as the curves panel's data-ends test hook writes what it holds. */
export async function freshCurveEnds(page: Page, sweepId: string): Promise<{ ends: string; runs: { id: string; points: number; last: number | null }[] }> {
  const full = (await (await page.request.get(`/api/compare?sweep=${sweepId}&keys=val_loss&points=150`)).json()) as CompareResponse;
  const runs = full.runs.map((r) => {
    const s = full.series[r.id]?.val_loss ?? [];
    return { id: r.id, points: s.length, last: s.at(-1)?.[0] ?? null };
  });
  return { ends: runs.map((r) => `${r.id}:${r.points}:${r.last ?? ""}`).join(","), runs };
}

/** Pixel position of an axis of the ECharts parallel chart (axes evenly spaced between the grid margins). */
export async function axisX(page: Page, key: string) {
  const chart = page.getByTestId("parallel-chart");
  const box = (await chart.boundingBox())!;
  const axes = (await chart.getAttribute("data-axes"))!.split(",");
  const i = axes.indexOf(key);
  expect(i).toBeGreaterThanOrEqual(0);
  const [left, right] = [56, 96];
  return { x: box.x + left + (i * (box.width - left - right)) / (axes.length - 1), top: box.y + 46, bottom: box.y + box.height - 28 };
}

/** Drag along an axis from one fraction of its height (0: top) to another. */
export async function brushAxis(page: Page, key: string, from: number, to: number) {
  const a = await axisX(page, key);
  const y = (f: number) => a.top + (a.bottom - a.top) * f;
  await page.mouse.move(a.x, y(from));
  await page.mouse.down();
  await page.mouse.move(a.x, (y(from) + y(to)) / 2, { steps: 5 });
  await page.mouse.move(a.x, y(to), { steps: 5 });
  await page.mouse.up();
}
