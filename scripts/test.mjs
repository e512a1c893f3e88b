// `npm test`: type check, schema/migration agreement, unit tests, end-to-end tests.
//   --unit   only the type check and unit tests
//   --e2e    only the end-to-end tests
import fs from "node:fs";
import path from "node:path";
import { resolveChromium } from "../e2e/chromium.mjs";
import { bin, buildIsStale, ROOT, run } from "./lib.mjs";

const only = process.argv.includes("--unit") ? "unit" : process.argv.includes("--e2e") ? "e2e" : "all";

function testFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "dist", "data", ".git", "generated", "e2e"].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) testFiles(p, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(path.relative(ROOT, p));
  }
  return out.sort();
}

// the suites that run on either database: those that take theirs from testDatabaseUrl
const POSTGRES_SUITES = testFiles(ROOT).filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("await testDatabaseUrl("));

if (only !== "e2e") {
  console.log("\n== type check");
  run(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
  console.log("\n== schema.prisma vs prisma/migrations");
  run(bin("tsx"), ["prisma/migrate-new.ts", "--check"]);
  console.log("\n== unit tests");
  // Tests that spawn workers need the bundle; building it takes a second.
  run(process.execPath, [path.join("scripts", "build-worker.mjs")]);
  run(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...testFiles(ROOT)]);
  // The store and executor suites again on PostgreSQL (each file on a fresh database of its
  // own, dropped after; prisma/testdata/test-database.ts). PostgreSQL must be running
  // (RECIPE.md: 127.0.0.1:5432, user postgres; .ci/run starts it).
  console.log("\n== store and executor suites on PostgreSQL");
  run(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...POSTGRES_SUITES], { env: { ...process.env, SWEEPLAB_TEST_DATABASE: "postgresql" } });
}

if (only !== "unit") {
  // unpacks the packaged browser once, up front, and says which one runs
  const chromium = await resolveChromium().catch((error) => {
    console.error(`No Chromium for the end-to-end tests: ${error.message}`);
    process.exit(1);
  });
  console.log(`\n== end-to-end tests (Playwright, headless Chromium: ${chromium.source})`);
  if (buildIsStale()) run(process.execPath, ["scripts/build.mjs"]);
  run(bin("playwright"), ["test", "-c", "e2e/playwright.config.ts"]);
}
