// `npm run seed -- [--sweeps 3] [--runs 40] [--points 200]`: fill DATABASE_URL with fixture sweeps.
import { parseArgs } from "node:util";
import { databaseLabel } from "./database";
import { seedFixture } from "./fixtures";
import { disconnectPrisma } from "./store";

const { values } = parseArgs({
  options: { sweeps: { type: "string", default: "3" }, runs: { type: "string", default: "40" }, points: { type: "string", default: "200" } },
});
const count = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`seed: --${name} must be a positive integer (got "${v}")`);
    process.exit(2);
  }
  return n;
};
try {
  const started = Date.now();
  const result = await seedFixture({ sweeps: count("sweeps", values.sweeps!), runsPerSweep: count("runs", values.runs!), points: count("points", values.points!) });
  console.log(`seeded ${result.sweepIds.length} sweeps, ${result.runIds.length} runs into ${databaseLabel()} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (error) {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await disconnectPrisma();
}
