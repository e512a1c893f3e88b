// `npm start`: build if the build is missing or stale, then serve on 127.0.0.1:3000.
// Migrations are applied by the server itself at start (instrumentation.ts).
import { bin, buildIsStale, run } from "./lib.mjs";

if (buildIsStale()) {
  console.log("sweeplab: building (first start or sources changed)…");
  run(process.execPath, ["scripts/build.mjs"]);
}
const host = process.env.HOST ?? "127.0.0.1";
const port = process.env.PORT ?? "3000";
console.log(`sweeplab: serving on http://${host}:${port} (database: ${process.env.DATABASE_URL ?? "file:./data/sweeplab.db"})`);
run(bin("next"), ["start", "-H", host, "-p", port]);
