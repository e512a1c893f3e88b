// Developer helper: `node e2e/screenshot.mjs URL out.png [width]` — a headless Chromium screenshot.
import { chromium } from "@playwright/test";
import { launchOptions, resolveChromium } from "./chromium.mjs";

const [url, out, width = "1400"] = process.argv.slice(2);
const browser = await chromium.launch(launchOptions(await resolveChromium()));
const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
await page.goto(url, { waitUntil: "load" });
await page.waitForTimeout(Number(process.env.WAIT ?? 500));
await page.screenshot({ path: out, fullPage: true });
await browser.close();
