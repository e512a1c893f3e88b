import net from "node:net";
import { defineConfig, devices } from "@playwright/test";
import { launchOptions, resolveChromium } from "./chromium.mjs";

// End-to-end tests in headless Chromium (see chromium.mjs for which one) against the
// production build (`next start`), on its own port and its own database, seeded with fixture
// sweeps by e2e/server.mjs.

/** A port nothing listens on now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// E2E_PORT, or a free port. Workers load this file again and inherit the runner's environment,
// so the port is chosen once, here, and handed down.
process.env.E2E_PORT ??= String(await freePort());
const PORT = Number(process.env.E2E_PORT);
const chromium = await resolveChromium();

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.e2e\.ts$/,
  outputDir: "../test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    launchOptions: launchOptions(chromium),
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1400, height: 900 } } }],
  webServer: {
    command: `node server.mjs`,
    url: `http://127.0.0.1:${PORT}/api/runs?limit=1`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(PORT) },
  },
});
