import { expect, test, type APIRequestContext } from "@playwright/test";

// Journeys of a program's run watched live on its page (runs logged through the logging API,
// as the clients do): the page's poll slowing in a hidden tab and coming at once when the tab is
// shown again.

const project = `e2e-live-logs-${Date.now().toString(36)}`;

async function post<T>(request: APIRequestContext, url: string, data: unknown): Promise<T> {
  const res = await request.post(url, { data });
  expect(res.ok(), `${url}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/** A run of someone's program, started and left running; `print` logs its next lines ("line 1", "line 2", …) in batches of at most 10,000. */
async function programRun(request: APIRequestContext, name: string) {
  const { run } = await post<{ run: { id: string } }>(request, "/api/runs", { project, name, config: { lr: 0.01 } });
  let seq = 0;
  let printed = 0;
  const print = async (count: number) => {
    for (let left = count; left > 0; left -= 10_000) {
      const n = Math.min(left, 10_000);
      const logs = Array.from({ length: n }, (_, i) => ({ level: "info", message: `line ${printed + i + 1}` }));
      await post(request, `/api/runs/${run.id}/events`, { seq: ++seq, logs });
      printed += n;
    }
  };
  return { id: run.id, print };
}

test("the run page polls slower in a hidden tab, and at once when the tab is shown again; not at all once the run has ended", async ({ page, request }) => {
  const run = await programRun(request, "hidden-tab");
  await run.print(3);
  // the tab's visibility, as the browser would report it when the person switches tabs
  await page.addInitScript(() => {
    let hidden = false;
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    (window as unknown as { setHidden: (h: boolean) => void }).setHidden = (h) => {
      hidden = h;
      document.dispatchEvent(new Event("visibilitychange"));
    };
  });
  const polls: number[] = [];
  page.on("request", (req) => {
    if (new URL(req.url()).pathname === `/api/runs/${run.id}/live`) polls.push(Date.now());
  });
  await page.goto(`/runs/${run.id}?tab=logs`);
  await expect(page.getByTestId("log-line")).toHaveCount(3);
  await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const setHidden = (hidden: boolean) => page.evaluate((h) => (window as unknown as { setHidden: (h: boolean) => void }).setHidden(h), hidden);

  // hidden: after the tick under way, the next is HIDDEN_MS (6 s) away, not 2 s as the page polled before
  await setHidden(true);
  const hiddenAt = polls.length;
  await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(hiddenAt);
  const lastHiddenPoll = polls[polls.length - 1];
  await page.waitForTimeout(3500);
  expect(polls.length - hiddenAt, "polls while hidden").toBe(1);

  // shown again (the person switched back, with a new line printed meanwhile): a poll at once, and the line with it
  await run.print(1);
  const shownAt = Date.now();
  await setHidden(false);
  await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(hiddenAt + 1);
  const wait = polls[hiddenAt + 1] - shownAt;
  expect(wait, `the first poll after the tab was shown came ${wait} ms later (${polls[hiddenAt + 1] - lastHiddenPoll} ms after the last hidden one)`).toBeLessThan(1000);
  await expect(page.getByTestId("log-line")).toHaveCount(4, { timeout: 2000 });

  // ended: no more polls, shown or hidden
  await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished", { timeout: 10_000 });
  const ended = polls.length;
  await setHidden(true);
  await setHidden(false);
  await page.waitForTimeout(2500);
  expect(polls.length, "polls after the run ended").toBe(ended);
});
