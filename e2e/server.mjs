// The e2e server: a fresh fixture database (a few finished sweeps), then `next start` on
// E2E_PORT (the Playwright config sets it: yours, or a free one).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.E2E_PORT;
if (!port) {
  console.error("e2e/server.mjs: set E2E_PORT (the Playwright config does)");
  process.exit(2);
}
const dir = path.join(root, ".tmp", "e2e");
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(dir, "e2e.db")}`,
  SWEEPLAB_DATA_DIR: dir,
  NEXT_TELEMETRY_DISABLED: "1",
};
const seeded = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), ["prisma/seed.ts", "--sweeps", "3", "--runs", "30", "--points", "200"], { cwd: root, env, stdio: "inherit" });
if (seeded.status !== 0) process.exit(seeded.status ?? 1);
const server = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", port], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
