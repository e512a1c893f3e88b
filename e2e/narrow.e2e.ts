import { expect, test, type Page } from "@playwright/test";
import { screen } from "./runs-util";

// Journey on a phone (390 px wide): every page fits the screen (nothing scrolls sideways),
// the nav folds behind a menu button, wide tables scroll inside their cards, and the new-sweep
// form's Launch stays on screen wherever one is in the form.

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

async function horizontalOverflow(page: Page): Promise<{ width: number; scrollWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
    return { width, scrollWidth: document.documentElement.scrollWidth, culprits };
  });
}

async function expectFits(page: Page, name: string) {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${name}: page ${o.scrollWidth} px wide on a ${o.width} px screen (${o.culprits.join(", ")})`).toBeLessThanOrEqual(o.width);
  await screen(page, `narrow-${name}`);
}

test("every page fits a 390 px screen; the nav folds; tables scroll in their cards", async ({ page, request }) => {
  const sweeps = ((await (await request.get("/api/sweeps")).json()) as { sweeps: { id: string }[] }).sweeps;
  const runs = ((await (await request.get("/api/runs?limit=3&sort=name")).json()) as { runs: { id: string }[] }).runs;
  const pages: [string, string, string][] = [
    ["runs", "/", "runs-table"],
    ["sweeps", "/sweeps", "sweep-row"],
    ["sweep", `/sweeps/${sweeps[0].id}`, "sweep-progress"],
    ["run", `/runs/${runs[0].id}`, "run-page"],
    ["compare", `/compare?runs=${runs.map((r) => r.id).join(",")}`, "compare-view"],
    ["new-sweep", "/sweeps/new", "launch"],
    ["not-found", "/nope", "not-found"],
  ];
  for (const [name, url, testId] of pages) {
    await page.goto(url);
    await expect(page.getByTestId(testId).first()).toBeVisible();
    await expectFits(page, name);
  }

  // the nav: one button naming where you are; open it, follow a link
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  const menu = page.getByTestId("menu-toggle");
  await expect(menu).toHaveText(/Runs/);
  await menu.click();
  await expect(nav).toBeVisible();
  await expectFits(page, "menu-open");
  await nav.getByRole("link", { name: "Sweeps" }).click();
  await expect(page).toHaveURL(/\/sweeps$/);
  await expect(nav).toBeHidden();
  await expect(menu).toHaveText(/Sweeps/);

  // the runs table is wider than the screen and scrolls inside its card
  await page.goto("/");
  const scroller = page.getByTestId("runs-table-scroll");
  const box = await scroller.evaluate((el) => ({ right: el.getBoundingClientRect().right, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(box.right).toBeLessThanOrEqual(390);
  expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
  await scroller.evaluate((el) => el.scrollBy({ left: 400 }));
  expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  expect((await horizontalOverflow(page)).scrollWidth).toBeLessThanOrEqual(390);

  // the sweep's stats wrap onto rows inside the screen
  await page.goto(`/sweeps/${sweeps[0].id}`);
  for (const stat of ["stat-done", "stat-failed", "stat-elapsed", "stat-best"]) {
    const b = (await page.getByTestId(stat).boundingBox())!;
    expect(b.x + b.width, stat).toBeLessThanOrEqual(390);
  }
});

test("on a phone, Launch stays on screen through the whole form and posts the sweep", async ({ page }) => {
  await page.goto("/sweeps/new?preset=quadrant-init-layernorm");
  const launch = page.getByTestId("launch");
  const onScreen = async () => {
    const b = (await launch.boundingBox())!;
    return b.y >= 0 && b.y + b.height <= 844 && b.x >= 0 && b.x + b.width <= 390;
  };
  expect(await onScreen(), "at the top of the form").toBe(true);
  await expect(page.getByTestId("run-estimate")).toHaveText("6 runs");
  for (const testId of ["param-init", "param-layernorm", "add-param"]) {
    await page.getByTestId(testId).scrollIntoViewIfNeeded();
    expect(await onScreen(), `with ${testId} in view`).toBe(true);
  }
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  expect(await onScreen(), "at the bottom").toBe(true);
  await screen(page, "narrow-new-sweep-bottom");
  await expectFits(page, "new-sweep-scrolled");

  // Launch works from there: the form posts its sweep. The post is answered here rather than
  // by the server, so that no runs join the shared fixture database the other journeys read;
  // the answer shows in the panel on screen.
  let posted: { method?: string; parameters?: Record<string, unknown> } | null = null;
  await page.route("**/api/sweeps", async (route) => {
    posted = route.request().postDataJSON();
    await route.fulfill({ status: 503, json: { error: "held back by the narrow-screen test" } });
  });
  await launch.click();
  await expect(page.getByTestId("launch-error")).toContainText("held back by the narrow-screen test");
  expect(posted).toMatchObject({ method: "grid", parameters: { task: { value: "quadrant" }, init: { values: ["kaiming", "xavier", "normal"] } } });
  const error = (await page.getByTestId("launch-error").boundingBox())!;
  expect(error.y + error.height, "the answer is on screen").toBeLessThanOrEqual(844);
  await screen(page, "narrow-new-sweep-launch-answer");
});

test.describe("on an 800 px window", () => {
  test.use({ viewport: { width: 800, height: 900 }, isMobile: false, hasTouch: false });

  test("the new-sweep form's rows: a list of values never runs under its row's mode buttons", async ({ page }) => {
    await page.goto("/sweeps/new?preset=charlm-dropout-lr");
    const rows = page.locator('.sw-param[data-varied="true"]');
    await expect(rows.first()).toBeVisible();
    const overlaps = await rows.evaluateAll((els) =>
      els.flatMap((row) => {
        const modes = row.querySelector(".sw-param-modes")!.getBoundingClientRect();
        return [...row.querySelectorAll(".sw-param-body *")]
          .map((el) => ({ el, r: el.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 0 && r.right > modes.left + 0.5 && r.left < modes.right && r.bottom > modes.top && r.top < modes.bottom)
          .map(({ el }) => `${row.getAttribute("data-testid")}: ${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
      }),
    );
    expect(overlaps).toEqual([]);
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await screen(page, "form-800");
  });
});
