import type { Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

// Shared by the runs/compare journeys: screenshots under test-results/screens, and direct
// store access to the e2e server's database for fixtures the seed does not have.

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
