// `npm run bench`: every benchmark, each figure printed beside its target and the baseline
// measured (or recorded) for it. Pass names to run a subset: `npm run bench -- store engine`.
// `lessons` (the lecture's lessons measured: ~35 training runs and two PyTorch replays, 10+
// minutes) runs only when named: `npm run bench -- lessons`.
import { existsSync } from "node:fs";
import os from "node:os";

const suites: Record<string, string> = {
  store: "./store.ts",
  engine: "./engine.ts",
  kernels: "./kernels.ts",
  sweeps: "./sweeps.ts",
  "sweep-throughput": "./sweep-throughput.ts",
  search: "./search.ts",
  speed: "./speed.ts",
  api: "./api.ts",
  ingest: "./ingest.ts",
  scale: "./scale.ts",
  cluster: "./cluster.ts",
  pyclient: "./pyclient.ts",
  ui: "./ui.ts",
  lessons: "./lessons.ts",
  "hyperband-charlm": "./hyperband-charlm.ts",
};
const ONLY_WHEN_NAMED = new Set(["lessons", "hyperband-charlm"]);

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
console.log(`# Sweeplab benchmarks — ${new Date().toISOString()} — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}`);
for (const [name, file] of Object.entries(suites)) {
  if (wanted.length > 0 ? !wanted.includes(name) : ONLY_WHEN_NAMED.has(name)) {
    if (wanted.length === 0) console.log(`\n## ${name}: not run by default (npm run bench -- ${name})`);
    continue;
  }
  const path = new URL(file, import.meta.url);
  if (!existsSync(path)) {
    console.log(`\n## ${name}: not present (${file})`);
    continue;
  }
  const started = performance.now();
  const mod = (await import(path.href)) as { run?: () => Promise<void> };
  if (mod.run) await mod.run();
  console.log(`   (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
