import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { LOG_LINES } from "../app/_lib/log-tail";
import { consoleText } from "../engine/console";
import { formatNumber } from "../app/_lib/format";
import { liveRowsDigest } from "../app/_lib/live-rows";
import { startOwnServer } from "./own-server";
import { screen } from "./runs-util";

// Journeys of a program's run watched live on its page (runs logged through the logging API,
// as the clients do): its Logs tab while it prints more lines than the page keeps (the last
// LOG_LINES, the newest at the bottom, and what the person scrolled up to read stays put); the
// page's poll slowing in a hidden tab and coming at once when the tab is shown again; a run
// crashed for its client's silence running again on its open page when the client is heard
// from; a live engine run's samples and diagnostics, each poll bringing only the new ones; and
// how long the Logs tab takes to show (measured and reported, not a gate).

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

type StoredLine = { id: number; level: string; message: string };
/** Every line the store holds for the run, page by page (GET /api/runs/:id/logs). */
async function storedLogs(request: APIRequestContext, id: string): Promise<StoredLine[]> {
  const logs: StoredLine[] = [];
  for (;;) {
    const after = logs.length ? `&after=${logs[logs.length - 1].id}` : "";
    const chunk = (await (await request.get(`/api/runs/${id}/logs?limit=10000${after}`)).json()) as { logs: StoredLine[] };
    logs.push(...chunk.logs);
    if (chunk.logs.length < 10_000) return logs;
  }
}

/** The Logs tab shows the store's newest lines: its last line is the newest stored, and its count line says how many of all. */
async function showsStoredTail(page: Page, request: APIRequestContext, id: string, live: boolean) {
  const stored = await storedLogs(request, id);
  const kept = Math.min(stored.length, LOG_LINES);
  const lines = page.getByTestId("log-line");
  await expect(lines.last().getByTestId("log-text")).toHaveText(consoleText(stored[stored.length - 1]));
  await expect(lines).toHaveCount(kept);
  await expect(lines.first().getByTestId("log-text")).toHaveText(consoleText(stored[stored.length - kept]));
  const showing = kept < stored.length ? ` · showing the last ${formatNumber(kept)}` : "";
  await expect(page.getByTestId("log-count")).toHaveText(`${formatNumber(stored.length)} lines${showing}${live ? " · live" : ""}`);
  return stored;
}

/** The line at the top of the log box's view: its text and how far below the box's top edge it sits. */
async function topLine(box: Locator) {
  return box.evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const line = [...el.querySelectorAll('[data-testid="log-line"]')].find((l) => l.getBoundingClientRect().bottom > top + 1)!;
    return { text: line.querySelector('[data-testid="log-text"]')!.textContent!, offset: Math.round(line.getBoundingClientRect().top - top) };
  });
}

test("a run's Logs tab, live, keeps the newest LOG_LINES lines, follows the newest, and keeps still what was scrolled up to", async ({ page, request }) => {
  const run = await programRun(request, "printer");
  await run.print(LOG_LINES - 500);
  await page.goto(`/runs/${run.id}?tab=logs`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "running");
  await showsStoredTail(page, request, run.id, true);

  // it prints past what the page keeps, in three polls' worth: the page holds the last LOG_LINES
  // lines, says so, and (left at the bottom) shows the newest
  for (let i = 0; i < 3; i++) {
    await run.print(600);
    await page.waitForTimeout(1000);
  }
  const box = page.getByTestId("logs");
  await showsStoredTail(page, request, run.id, true);
  await expect(page.getByTestId("log-line").last()).toBeInViewport();
  await screen(page, "run-live-logs-tail");

  // scrolled up to read: the lines trimmed above it do not move what is in view
  await box.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await page.waitForTimeout(300);
  const reading = await topLine(box);
  await run.print(300);
  await showsStoredTail(page, request, run.id, true);
  const after = await topLine(box);
  expect(after.text, "the line at the top of the view").toBe(reading.text);
  expect(Math.abs(after.offset - reading.offset), `moved from ${reading.offset} to ${after.offset} px`).toBeLessThanOrEqual(1);
  await expect(page.getByTestId("log-line").last()).not.toBeInViewport();

  // back at the bottom it follows the newest again; finished, it stops being live
  await box.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await run.print(50);
  await showsStoredTail(page, request, run.id, true);
  await expect(page.getByTestId("log-line").last()).toBeInViewport();
  await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished", { timeout: 10_000 });
  await showsStoredTail(page, request, run.id, false);
});

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

test("a program's run crashed for its client's silence runs again on its open page when the client is heard from; a finished engine run's page never polls", async ({ page, request }) => {
  test.setTimeout(120_000);
  // a server of its own that marks a silent client's run crashed after 3 s (the shared one waits 5 minutes)
  const own = await startOwnServer("run-revived", { env: { SWEEPLAB_CLIENT_STALE_AFTER_MS: "3000" } });
  try {
    const url = (path: string) => `${own.base}${path}`;
    const { run } = await post<{ run: { id: string } }>(request, url("/api/runs"), { project, name: "sleeper", config: { lr: 0.01 } });
    let seq = 0;
    const log = (data: object) => post(request, url(`/api/runs/${run.id}/events`), { seq: ++seq, ...data });
    await log({ metrics: Array.from({ length: 10 }, (_, step) => ({ step, time: step * 0.5, values: { loss: 1 - step / 20 } })), logs: [{ level: "info", message: "epoch 1" }] });
    const state = async () => ((await (await request.get(url(`/api/runs/${run.id}`))).json()) as { run: { state: string } }).run.state;
    await expect.poll(state, { timeout: 20_000 }).toBe("crashed");

    const polls: number[] = [];
    page.on("request", (req) => {
      if (new URL(req.url()).pathname === `/api/runs/${run.id}/live`) polls.push(Date.now());
    });
    await page.goto(url(`/runs/${run.id}`));
    await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "crashed");
    await expect(page.getByTestId("run-step")).toHaveText("9");
    // it asks after the crashed run at the idle cadence (10 s), not the live one (1.5 s)
    await expect.poll(() => polls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(polls[1] - polls[0], "the polls of a crashed run's page, apart").toBeGreaterThan(5000);

    // its client is heard from again (a laptop woken up), and keeps logging: the page shows it running, with the new points and lines, without a reload
    await log({ metrics: [{ step: 10, time: 60, values: { loss: 0.25 } }], logs: [{ level: "info", message: "epoch 2" }] });
    const revived = Date.now();
    const keepLogging = setInterval(() => void log({ metrics: [], logs: [] }).catch(() => {}), 1000);
    try {
      await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "running", { timeout: 15_000 });
    } finally {
      clearInterval(keepLogging);
    }
    const seenAfter = Date.now() - revived;
    await expect(page.getByTestId("run-step")).toHaveText("10");
    await expect(page.getByText("Best loss")).toBeVisible();
    await expect(page.getByTestId("run-page")).toContainText("0.25");
    await page.getByRole("tab", { name: "Logs" }).click();
    await expect(page.getByTestId("log-line").last().getByTestId("log-text")).toContainText("epoch 2");
    await expect(page.getByTestId("log-line").getByTestId("log-text").filter({ hasText: "heard from again" })).toHaveCount(1);
    test.info().annotations.push({ type: "measured", description: `the page showed the run running ${seenAfter} ms after its client was heard from` });
  } finally {
    own.stop();
  }

  // a finished engine run's page: no polls at all
  const { runs } = (await (await request.get("/api/runs?project=default&state=finished&limit=1")).json()) as { runs: { id: string; kind: string }[] };
  expect(runs[0].kind).not.toBe("program");
  const finishedPolls: string[] = [];
  page.on("request", (req) => {
    if (new URL(req.url()).pathname.endsWith("/live")) finishedPolls.push(req.url());
  });
  await page.goto(`/runs/${runs[0].id}`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished");
  await page.waitForTimeout(4000);
  expect(finishedPolls, "polls of a finished engine run's page").toEqual([]);
});

test("a live run with a long history: each poll brings only the new points, and the page's curves end as a fresh load's (all of them once it finishes)", async ({ page, request }) => {
  const { run } = await post<{ run: { id: string } }>(request, "/api/runs", { project, name: "long-history", config: { lr: 0.01 } });
  let seq = 0;
  let steps = 0;
  /** the run's next `count` steps of three metrics */
  const train = async (count: number) => {
    for (let left = count; left > 0; left -= 3000) {
      const n = Math.min(left, 3000);
      const metrics = Array.from({ length: n }, (_, i) => {
        const step = steps + i;
        return { step, time: step * 0.01, values: { "train/loss": 2 / (1 + step / 500) + 0.01 * Math.sin(step), "val/loss": 2.1 / (1 + step / 600), lr: 0.01 * Math.cos(step / 20_000) } };
      });
      await post(request, `/api/runs/${run.id}/events`, { seq: ++seq, metrics });
      steps += n;
    }
  };
  await train(20_000);
  const polls: { bytes: number; tail: boolean }[] = [];
  page.on("response", async (res) => {
    if (new URL(res.url()).pathname !== `/api/runs/${run.id}/live` || !res.ok()) return;
    const body = await res.body().catch(() => null);
    if (body) polls.push({ bytes: body.length, tail: (JSON.parse(body.toString()) as { seriesAfter?: number }).seriesAfter !== undefined });
  });
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "running");
  const held = page.getByTestId("run-curves-held");
  /** name:points:last step of each series, as a fresh load reads them */
  const fresh = async () => {
    const { series } = (await (await request.get(`/api/runs/${run.id}/live`)).json()) as { series: Record<string, { step: number }[]> };
    return Object.entries(series).map(([k, p]) => `${k}:${p.length}:${p.at(-1)?.step ?? ""}`).join(",");
  };
  const lastSteps = (ends: string | null) => (ends ?? "").split(",").map((e) => e.replace(/:\d+:(\d*)$/, ":$1"));
  for (let i = 0; i < 4; i++) {
    await train(20);
    await expect.poll(async () => lastSteps(await held.getAttribute("data-ends")), { timeout: 10_000 }).toEqual(lastSteps(await fresh()));
  }
  expect(lastSteps(await held.getAttribute("data-ends"))).toEqual(["lr:20079", "train/loss:20079", "val/loss:20079"]);
  // each poll after the page's first render brought the new points only: a few KB, not the whole curves (~115 KB)
  expect(polls.length).toBeGreaterThanOrEqual(4);
  expect(polls.every((p) => p.tail), "every live poll answered with tails").toBe(true);
  const largest = Math.max(...polls.map((p) => p.bytes));
  expect(largest, `the live polls' answers: ${polls.map((p) => p.bytes).join(", ")} bytes`).toBeLessThan(10_000);
  const measured = `live polls of a 20,000-step run of 3 metrics: ${polls.map((p) => p.bytes).join(", ")} bytes`;
  test.info().annotations.push({ type: "measured", description: measured });
  console.log(measured);

  // it finishes: the last answer is whole, and the page holds what a fresh load shows
  await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "finished", { timeout: 10_000 });
  await expect(held).toHaveAttribute("data-ends", await fresh());
});

test("a live engine run's samples and diagnostics: each poll brings only those stored since the last, and once the run ends the page holds what a fresh load shows", async ({ page, request }) => {
  test.setTimeout(120_000);
  // a charlm run long enough to be stopped mid-way (tens of steps a second), with a sample every 10 steps and two diagnostics every 20
  const yaml = ["name: e2e live samples", "method: grid", "parameters:"]
    .concat(Object.entries({ task: "charlm", steps: 100_000, hidden_size: 128, seq_length: 32, batch_size: 8, eval_every: 20, sample_every: 10, sample_length: 60 }).map(([k, v]) => `  ${k}: { value: ${v} }`))
    .join("\n");
  const created = await request.post("/api/sweeps", { headers: { "content-type": "text/yaml" }, data: yaml });
  expect(created.status(), await created.text()).toBe(201);
  const { id: sweepId } = (await created.json()) as { id: string };
  type Live = { run: { id: string; state: string }; samples: { id: number; step: number; text: string }[]; samplesAfter?: number; diagnostics: { id: number; step: number }[]; diagnosticsAfter?: number };
  const fresh = async (id: string) => (await (await request.get(`/api/runs/${id}/live`)).json()) as Live;
  // its run, running with a history of at least 50 samples before the page opens
  let runId = "";
  await expect
    .poll(async () => {
      const { runs } = (await (await request.get(`/api/runs?sweep=${sweepId}`)).json()) as { runs: { id: string; state: string }[] };
      runId = runs[0]?.id ?? "";
      return runs[0]?.state === "running" ? (await fresh(runId)).samples.length : 0;
    }, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(50);

  const polls: { bytes: number; body: Live }[] = [];
  page.on("response", async (res) => {
    if (new URL(res.url()).pathname !== `/api/runs/${runId}/live` || !res.ok()) return;
    const body = await res.body().catch(() => null);
    if (body) polls.push({ bytes: body.length, body: JSON.parse(body.toString()) as Live });
  });
  await page.goto(`/runs/${runId}?tab=samples`);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "running");
  // polls while it trains, at least three of them with new samples
  await expect.poll(() => polls.filter((p) => p.body.run.state === "running" && p.body.samples.length > 0).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  const live = polls.filter((p) => p.body.run.state === "running");
  expect(live.every((p) => p.body.samplesAfter !== undefined && p.body.diagnosticsAfter !== undefined), "every live poll answered with the rows after those held").toBe(true);
  const ids = live.flatMap((p) => p.body.samples.map((s) => s.id));
  expect(new Set(ids).size, "no sample came twice").toBe(ids.length);
  const held = (await page.getByTestId("run-rows-held").getAttribute("data-samples"))!;
  expect(ids.length, "the polls brought fewer samples than the page holds").toBeLessThan(Number(held.split(":")[0]));
  // (the answers' samples and diagnostics; the rest of an answer is the new points and log lines)
  const rowBytes = (body: Live) => JSON.stringify([body.samples, body.diagnostics]).length;
  const all = await fresh(runId);
  const measured = `live polls of a charlm run (${all.samples.length} samples, ${all.diagnostics.length} diagnostics stored): samples and diagnostics ${live.map((p) => rowBytes(p.body)).join(", ")} bytes (answers ${live.map((p) => p.bytes).join(", ")}); all of them ${rowBytes(all)} bytes`;
  test.info().annotations.push({ type: "measured", description: measured });
  console.log(measured);

  // stopped: the page holds the samples and diagnostics a fresh load shows, and its Samples tab shows them
  const stop = await request.post(`/api/runs/${runId}/stop`);
  expect(stop.ok()).toBe(true);
  await expect(page.getByTestId("run-page")).toHaveAttribute("data-state", "stopped", { timeout: 30_000 });
  const end = await fresh(runId);
  expect(end.run.state).toBe("stopped");
  const rowsHeld = page.getByTestId("run-rows-held");
  await expect(rowsHeld).toHaveAttribute("data-samples", liveRowsDigest(end.samples));
  await expect(rowsHeld).toHaveAttribute("data-diagnostics", liveRowsDigest(end.diagnostics));
  const shown = page.getByTestId("sample");
  await expect(shown).toHaveCount(end.samples.length);
  expect(await shown.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-step"))))).toEqual(end.samples.map((s) => s.step));
  await expect(shown.last().locator("pre")).toHaveText(end.samples.at(-1)!.text);
});

test("how long the Logs tab takes to show (reported): a run of 2,000 lines and one of 20,000", async ({ page, request }) => {
  const measured: string[] = [];
  for (const count of [LOG_LINES, 10 * LOG_LINES]) {
    const run = await programRun(request, `lines-${count}`);
    await run.print(count);
    await post(request, `/api/runs/${run.id}/finish`, { state: "finished" });
    const opened: number[] = [];
    const clicked: number[] = [];
    for (let i = 0; i < 3; i++) {
      // opened on the Logs tab: from navigation to its last line on screen
      const started = Date.now();
      await page.goto(`/runs/${run.id}?tab=logs`);
      await expect(page.getByTestId("log-line").last().getByTestId("log-text")).toHaveText(`line ${count}`);
      opened.push(Date.now() - started);
      // from the Charts tab: the click to the lines rendered and painted, timed in the page
      await page.getByRole("tab", { name: "Charts" }).click();
      await expect(page.getByTestId("log-line")).toHaveCount(0);
      clicked.push(
        await page.evaluate(async () => {
          const t0 = performance.now();
          [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent === "Logs")!.click();
          await new Promise<void>((resolve) => {
            const check = () => (document.querySelectorAll('[data-testid="log-line"]').length > 0 ? resolve() : requestAnimationFrame(check));
            check();
          });
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
          return Math.round(performance.now() - t0);
        }),
      );
      await expect(page.getByTestId("log-line")).toHaveCount(LOG_LINES);
    }
    measured.push(`${formatNumber(count)} stored lines: page opened on Logs ${opened.join(", ")} ms; Charts → Logs ${clicked.join(", ")} ms`);
  }
  for (const m of measured) test.info().annotations.push({ type: "measured", description: m });
  console.log(measured.join("\n"));
});
