import { expect, test } from "@playwright/test";
import { screen } from "./runs-util";

// Journey: the sweep page's parameter importance comes with the page. Its panel asked the API
// for its table only once the page had hydrated (2.0 s after navigation here under load, 7 s
// with the CPU slowed 4×), while the rest of the page was there; the server now renders the
// panel's first answer when it is computed (memoised per change of the runs' values), and the
// panel asks again only when the runs change. A page served before the answer is computed starts
// its computation, which the panel's request then finds under way or done.

type Sweep = { id: string; name: string; state: string; metricName: string };
type Importance = { params: { param: string }[] };

test("a finished sweep's importance table is in the page as served once its answer is computed, with no request of the panel's", async ({ page, request }) => {
  const { sweeps } = (await (await request.get("/api/sweeps")).json()) as { sweeps: Sweep[] };
  const sweep = sweeps.find((s) => s.state === "finished" && s.metricName)!;
  expect(sweep, "a finished fixture sweep").toBeTruthy();
  // the answer, computed (the panel of a page opened before did the same)
  const { params } = (await (await request.get(`/api/sweeps/${sweep.id}/importance`)).json()) as Importance;
  expect(params.length).toBeGreaterThan(0);

  // the page's HTML holds the table's rows, a row per parameter, in the answer's order
  const html = await (await request.get(`/sweeps/${sweep.id}`)).text();
  const served = [...html.matchAll(/data-testid="importance-row" data-param="([^"]+)"/g)].map((m) => m[1]);
  expect(served.sort()).toEqual(params.map((p) => p.param).sort());

  // in the browser, the table is there with the page: the panel sends no request for it
  let asked = 0;
  await page.route(`**/api/sweeps/${sweep.id}/importance`, (route) => {
    asked++;
    return route.abort();
  });
  await page.goto(`/sweeps/${sweep.id}`);
  await expect(page.getByTestId("importance-row")).toHaveCount(params.length);
  await expect(page.getByTestId("importance-note")).toBeVisible();
  // hydrated (the sort buttons answer), still no request and no error
  await page.getByTestId("importance-panel").getByRole("radio", { name: "correlation" }).click();
  await expect(page.getByTestId("importance-panel").getByRole("radio", { name: "correlation" })).toHaveAttribute("aria-checked", "true");
  await page.waitForTimeout(500);
  expect(asked).toBe(0);
  await expect(page.getByTestId("importance-row")).toHaveCount(params.length);
  await screen(page, "sweep-importance-served");
});

test("a sweep page served before its importance is computed starts the computation: the next page served has the table, though no panel asked", async ({ request }) => {
  const { sweeps } = (await (await request.get("/api/sweeps")).json()) as { sweeps: Sweep[] };
  // the last finished sweep listed: the journey above asked for the first one's importance
  const sweep = sweeps.filter((s) => s.state === "finished" && s.metricName).at(-1)!;
  const rows = async () => [...(await (await request.get(`/sweeps/${sweep.id}`)).text()).matchAll(/data-testid="importance-row" data-param="([^"]+)"/g)].map((m) => m[1]);
  // served without waiting for it (a skeleton, unless a journey before this one computed it)
  await rows();
  await expect.poll(rows, { timeout: 20_000 }).not.toEqual([]);
  const { params } = (await (await request.get(`/api/sweeps/${sweep.id}/importance`)).json()) as Importance;
  expect((await rows()).sort()).toEqual(params.map((p) => p.param).sort());
});
