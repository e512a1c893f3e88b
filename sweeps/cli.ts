import fs from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import path from "node:path";
import { isProgramSweep, parseSweepConfigText, PROGRAM_SWEEP_HOLDER, readSweepText, sweepSize, type SweepConfig } from "./config";
import { programLauncher, programSpecOf } from "./program";
import { processLauncher, type Launcher } from "./launcher";
import { corpusRefs, renameCorpora } from "./corpus-refs";
import { BUILTIN_CORPUS_NAME } from "../engine/corpus/names";
import { invocationDir, readCorpusFile, userPath } from "../engine/files";
import { LocalExecutor, localOwnerId } from "./executor";
import { planFor } from "./executor/strategy";
import { checkpointEveryFromEnv } from "./checkpoints";
import type { SweepState } from "./states";
import { DatabaseError, disconnectPrisma, getSweep, listRuns, setSweepHolder, setSweepState, sweepProgress, type RunRecord, type SweepRecord } from "../prisma/store";
import { executorStore } from "../prisma/store/executor-store";
import { executorCheckpoints } from "../prisma/store/checkpoints";
import { knownCorpora, registeredCorpusText, registerLocalCorpus } from "../prisma/store/corpora";
import { launchSweep } from "../prisma/store/sweep-control";

// `npm run sweep -- sweep.yaml [--concurrency N] [--share]`: a sweep without the browser, against
// the same database as the server (migrations applied first). Its runs train here, N at a time:
// a server using the same database does not take them (Sweep.heldBy), unless --share lets it and
// every agent do so; an agent started with `--sweep ID` joins it either way. Progress bar on stderr, a table of
// the best runs at the end. `--resume ID` continues a sweep (after Ctrl-C or a crash): runs
// that were in progress resume from their checkpoints.
// Composition root: wires the executor of sweeps/ to the store of prisma/.

const USAGE = "usage: npm run sweep -- sweep.yaml [--concurrency N] [--share]   |   npm run sweep -- --resume SWEEP_ID [--concurrency N] [--share]";
const ENDED: SweepState[] = ["finished", "cancelled", "failed"];

function fail(message: string, code = 2): never {
  process.stderr.write(`sweep: ${message}\n`);
  process.exit(code);
}

function readArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        concurrency: { type: "string", short: "c" },
        resume: { type: "string" },
        share: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
}

function parseConcurrency(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) fail(`--concurrency must be a whole number from 1 to 256, got "${raw}"`);
  return n;
}

/** Whether a sweep file names a program (read leniently: the real reading comes after). */
function isProgramFile(file: string): boolean {
  try {
    const read = readSweepText(fs.readFileSync(file, "utf8"));
    return read.ok && isProgramSweep(read.data);
  } catch {
    return false;
  }
}

async function createFromFile(file: string, concurrency: number | undefined, heldBy: string | null, engine: Launcher): Promise<{ sweep: SweepRecord; expected: number | null }> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  const parsed = parseSweepConfigText(text);
  if (!parsed.ok) {
    const [first, ...rest] = parsed.issues;
    fail(`${file}: ${first.path ? `${first.path}: ` : ""}${first.message}${rest.length ? ` (and ${rest.length} more: ${rest.map((i) => i.path || "(document)").join(", ")})` : ""}`);
  }
  for (const w of parsed.warnings) console.error(`warning: ${w.path ? `${w.path}: ` : ""}${w.message}`);
  // the first runs' workers boot while the database is opened and the sweep stored (~0.2 s)
  if (!isProgramSweep(parsed.config)) engine.prewarm?.(Math.min(concurrency ?? parsed.config.concurrency ?? os.cpus().length, sweepSize(parsed.config) ?? Infinity, os.cpus().length));
  // (a program's parameter called corpus is its own business)
  const named = isProgramSweep(parsed.config) ? parsed.config : await registerCorpusFiles(parsed.config, path.dirname(path.resolve(file)));
  // --concurrency is how many run here; a held sweep stores it as its own limit, a shared one
  // keeps the file's (or the default), so the server and agents can add theirs
  const config = concurrency !== undefined && heldBy !== null ? { ...named, concurrency } : named;
  const sweep = await launchSweep(config, text, { heldBy });
  return { sweep, expected: sweepSize(config) };
}

/**
 * A local sweep file may name corpus files (relative to the file): each is registered and the
 * sweep names it by that name. A registered name is used as is; anything else must be a file.
 */
async function registerCorpusFiles(config: SweepConfig, dir: string): Promise<SweepConfig> {
  const values = [...new Set(corpusRefs(config).map((r) => r.value).filter((v): v is string => typeof v === "string" && v !== BUILTIN_CORPUS_NAME))];
  const known = await knownCorpora(values.filter((v) => !/[/\\]/.test(v)));
  const names = new Map<string, string>();
  for (const value of values) {
    if (known.has(value)) continue;
    const file = path.resolve(dir, value);
    if (!fs.existsSync(file)) fail(`parameters.corpus: "${value}" is neither a registered corpus nor a file (looked for ${file})`);
    let corpus;
    try {
      corpus = await registerLocalCorpus(file, readCorpusFile(file));
    } catch (error) {
      fail(`parameters.${(error as Error).message}`);
    }
    process.stderr.write(`corpus ${value} registered as "${corpus.name}" (${corpus.size} bytes, sha256 ${corpus.sha256.slice(0, 12)}…)\n`);
    names.set(value, corpus.name);
  }
  return names.size ? renameCorpora(config, (v) => names.get(v) ?? v) : config;
}

const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v === undefined || v === null ? "–" : String(v));
const duration = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(1)}s`);

function bestValue(run: RunRecord, metric: string): number | null {
  const v = run.summary[`${metric}_best`] ?? run.summary[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

async function progressLine(sweep: SweepRecord, expected: number | null, width: number): Promise<string> {
  const p = await sweepProgress(sweep);
  const ended = p.total - p.counts.queued - p.counts.running;
  const total = expected ?? Math.max(p.total, 1);
  const filled = Math.min(width, Math.round((ended / total) * width));
  const bar = `[${"█".repeat(filled)}${"·".repeat(width - filled)}]`;
  const best = p.best ? ` · best ${sweep.metricName} ${fmt(bestValue(p.best, sweep.metricName))} (${p.best.name})` : "";
  const failedish = p.counts.failed + p.counts.crashed + p.counts.diverged;
  return `${bar} ${ended}/${expected ?? "?"} runs · ${p.counts.running} running${p.counts.pruned ? ` · ${p.counts.pruned} pruned` : ""}${failedish ? ` · ${failedish} failed` : ""}${best} · ${duration(p.elapsed)}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

async function bestRunsTable(sweep: SweepRecord, limit = 10): Promise<string> {
  const metric = sweep.metricName;
  const sort = { field: `summary.${metric}_best`, desc: sweep.metricGoal === "maximize" };
  const { runs } = await listRuns({ sweepId: sweep.id, sort, limit: 10_000 });
  // only the parameters that vary between runs (constants say nothing about the ranking)
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort().filter((k) => new Set(runs.map((r) => JSON.stringify(r.params[k]))).size > 1);
  const ranked = runs.filter((r) => bestValue(r, metric) !== null).slice(0, limit);
  if (ranked.length === 0) return `no run logged ${metric}`;
  const header = ["#", "name", "id", "state", `${metric} (best)`, "step", ...params];
  const rows = ranked.map((r, i) => [String(i + 1), r.name, r.id, r.state, fmt(bestValue(r, metric)), fmt(r.summary[`${metric}_best_step`]), ...params.map((k) => fmt(r.params[k]))]);
  return table([header, ...rows]);
}

async function main(): Promise<void> {
  const { values, positionals: given } = readArgs();
  // (a sweep file is named from where the command was typed, not npm's package root)
  const positionals = given.map(userPath);
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const concurrency = parseConcurrency(values.concurrency);
  const owner = localOwnerId();
  const engine = processLauncher();
  // (a program's sweep shared is one agents started with its id may join: a server never runs a program)
  const program = values.resume ? isProgramSweep((await getSweep(values.resume))?.config) : positionals.length === 1 && isProgramFile(positionals[0]);
  const heldBy = values.share ? (program ? PROGRAM_SWEEP_HOLDER : null) : owner;
  let sweep: SweepRecord;
  let expected: number | null;
  if (values.resume) {
    if (positionals.length > 0) fail(`give a config file or --resume, not both\n${USAGE}`);
    const found = await getSweep(values.resume);
    if (!found) fail(`no sweep ${values.resume} in ${process.env.DATABASE_URL ?? "the default database"}`);
    if (ENDED.includes(found.state)) fail(`sweep ${found.id} has already ended (${found.state}${found.stateReason ? `: ${found.stateReason}` : ""})`);
    await setSweepHolder(found.id, heldBy);
    sweep = (await setSweepState(found.id, "running", { from: ["paused", "running"] })) ?? found;
    const parsed = parseSweepConfigText(JSON.stringify(sweep.config));
    expected = parsed.ok ? sweepSize(parsed.config) : sweep.runCap;
  } else {
    if (positionals.length !== 1) fail(`give one sweep config file (W&B YAML or JSON)\n${USAGE}`);
    ({ sweep, expected } = await createFromFile(positionals[0], concurrency, heldBy, engine));
  }
  const workers = concurrency ?? sweep.concurrency;
  // a program runs beside its sweep file (or, resumed, where the command is given)
  const spec = programSpecOf(sweep.config);
  const launcher = spec ? programLauncher({ cwd: values.resume ? invocationDir() : path.dirname(path.resolve(positionals[0])), specFor: () => spec }) : engine;
  const tty = process.stderr.isTTY && !values.quiet;
  // the loop below looks at the sweep every 250 ms, and at once when a run's end is stored (the
  // last one's may end the sweep)
  let wake = () => {};
  const executor = new LocalExecutor({
    owner,
    store: executorStore(),
    planFor,
    checkpoints: executorCheckpoints(checkpointEveryFromEnv(), (m) => process.stderr.write(`${m}\n`)),
    corpusText: registeredCorpusText,
    concurrency: workers,
    sweepId: sweep.id,
    launcher,
    log: (m) => process.stderr.write(`${tty ? "\r\x1b[K" : ""}${m}\n`),
    onEvent: (e) => {
      if (e.type === "ended" || e.type === "released") wake();
      if (e.type === "ended" && !tty && !values.quiet) process.stderr.write(`run ${e.run.name} (${e.run.id}) ${e.outcome.state}\n`);
      if (e.type === "released" && !tty && !values.quiet) process.stderr.write(`run ${e.run.name} (${e.run.id}) interrupted: ${e.reason}; it resumes from its checkpoint\n`);
    },
  });
  const goal = sweep.metricName ? ` on ${sweep.metricName} (${sweep.metricGoal})` : " (no metric: no best run)";
  console.log(`sweep ${sweep.id} (${sweep.name}): ${sweep.method} search${goal}, ${expected ?? "unbounded"} runs, ${workers} at once${heldBy ? " here" : ", shared with the server and agents"}`);

  // Ctrl-C or SIGTERM: the runs in progress checkpoint and go back to the queue, the sweep is
  // paused; --resume goes on from their checkpoints.
  let interrupted = 0;
  const interrupt = async (signal: NodeJS.Signals) => {
    if (++interrupted > 1) process.exit(130);
    process.stderr.write(`\ninterrupted: the runs in progress checkpoint and stop (${signal === "SIGINT" ? "Ctrl-C again to quit at once" : signal})\n`);
    await setSweepState(sweep.id, "paused", { from: ["running"], reason: `interrupted from the command line; continue with npm run sweep -- --resume ${sweep.id}` });
    await executor.stop({ interrupt: `the sweep's command line was interrupted (${signal})`, graceMs: 5000, deadlineMs: 10_000 });
    process.stderr.write(`sweep ${sweep.id} paused; continue with: npm run sweep -- --resume ${sweep.id}\n`);
    await disconnectPrisma();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void interrupt(signal));

  await executor.start();
  let last = "";
  for (;;) {
    const current = (await getSweep(sweep.id)) ?? sweep;
    if (tty) {
      const line = await progressLine(current, expected, 24);
      if (line !== last) process.stderr.write(`\r\x1b[K${line}`);
      last = line;
    }
    if (ENDED.includes(current.state) && executor.runner.activeCount === 0) {
      sweep = current;
      break;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  await executor.stop();
  if (tty) process.stderr.write("\n");
  console.log(`\nsweep ${sweep.id} ${sweep.state}${sweep.stateReason ? ` (${sweep.stateReason})` : ""}`);
  console.log(await progressLine(sweep, expected, 24));
  // (a program's sweep without a metric has no best run)
  if (sweep.metricName) console.log(`\nbest runs by ${sweep.metricName}:\n${await bestRunsTable(sweep)}`);
  await disconnectPrisma();
  process.exit(sweep.state === "finished" ? 0 : 1);
}

main().catch((error) => {
  if (error instanceof DatabaseError) fail(error.message, 1);
  process.stderr.write(`sweep: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
