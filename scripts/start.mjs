// `npm start`: build if the build is missing or stale, then serve on 127.0.0.1:3000.
// Migrations are applied by the server itself at start (instrumentation.ts). SIGTERM and SIGINT
// are passed on to the server (it checkpoints its runs and exits); this process exits with it.
import { spawn } from "node:child_process";
import { bin, buildIsStale, ROOT, run } from "./lib.mjs";

if (buildIsStale()) {
  console.log("sweeplab: building (first start or sources changed)…");
  run(process.execPath, ["scripts/build.mjs"]);
}
const host = process.env.HOST ?? "127.0.0.1";
const port = process.env.PORT ?? "3000";
// Beyond loopback the server needs an access token (app/_server/access.ts refuses every
// request without one); say so now rather than serve only refusals.
const loopback = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i.test(host);
const token = process.env.SWEEPLAB_ACCESS_TOKEN?.trim() ?? "";
if ((!loopback && !token) || (token && token.length < 16)) {
  console.error(
    token
      ? "sweeplab: SWEEPLAB_ACCESS_TOKEN is too short (at least 16 characters): use a long random secret, e.g. SWEEPLAB_ACCESS_TOKEN=$(openssl rand -hex 32)"
      : `sweeplab: HOST=${host} serves beyond this machine, so the app needs an access token:\n` +
          "  SWEEPLAB_ACCESS_TOKEN=$(openssl rand -hex 32) HOST=" + host + " SWEEPLAB_ALLOWED_HOSTS=<the names people use> npm start\n" +
          "(see README: Exposing the server)",
  );
  process.exit(2);
}
console.log(`sweeplab: serving on http://${host}:${port} (database: ${process.env.DATABASE_URL ?? "file:./data/sweeplab.db"})${token ? ", sign-in with the access token required" : ""}`);
const server = spawn(bin("next"), ["start", "-H", host, "-p", port], { cwd: ROOT, stdio: "inherit", env: process.env });
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0) : 1)));
