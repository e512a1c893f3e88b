import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import type { WorkerMessage } from "../engine/protocol";
import type { Launcher, WorkerExit } from "./launcher";
import { KEY_PATTERN } from "./names";
import { programSpecOf, type ProgramSpec } from "./config";
import { nestKeys } from "./nest";

// A sweep of someone's own program (W&B's `program` / `command`): the command line of each run,
// with W&B's macros, and a Launcher that runs it where the sweep runs (`npm run sweep` beside
// the sweep file, `npm run agent` in its working folder; never the server). The program's
// stdout becomes the run's metrics (a line holding one JSON object: its numbers, `_step`
// optional) or its log, its stderr the log too (as stderr lines, not warnings); a clean exit
// finishes the run, a non-zero exit fails it, a signal from elsewhere crashes it. A stop (a
// user's, early termination) is SIGTERM to the program's process group, then SIGKILL after
// the runner's grace period.
// The run's identity is in its environment (SWEEPLAB_RUN_ID …), so a program using the
// Python or TypeScript client logs to the same run.

export type { ProgramSpec };
export { programSpecOf };

/** W&B's default command. */
export const DEFAULT_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"];

/** A run's flat config (`optimizer.lr`) nested back as the program sees it (`optimizer: {lr}`), keys sorted. */
export function nestConfig(flat: Record<string, unknown>): Record<string, unknown> {
  return nestKeys(Object.fromEntries(Object.entries(flat).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A float as Python's repr writes it (W&B formats values with Python's str): 1e-05, 0.0001, 1e+16. */
function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  const [mantissa, exp] = x.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return String(x);
}

/** A value as Python's str() writes it (a string bare at the top, quoted inside a list or dict). */
export function pythonStr(value: unknown, top = true): string {
  if (typeof value === "string") return top ? value : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof value === "number") return pythonFloat(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  if (Array.isArray(value)) return `[${value.map((v) => pythonStr(v, false)).join(", ")}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `'${k}': ${pythonStr(v, false)}`)
    .join(", ")}}`;
}

/** The interpreter `${interpreter}` names for a program (W&B: python; a Node or shell script gets its own). */
export function interpreterFor(program: string | undefined): string[] {
  if (program && /\.(mjs|cjs|js)$/.test(program)) return [process.execPath];
  if (program && /\.sh$/.test(program)) return ["bash"];
  return [process.env.SWEEPLAB_PYTHON || "python3"];
}

/**
 * The argv of a run: the sweep's command (W&B's default when it has none) with its macros —
 * ${env}, ${interpreter}, ${program}, ${args}, ${args_no_hyphens}, ${args_no_boolean_flags},
 * ${args_json}, ${args_json_file} — expanded as W&B's agent does. `jsonFile` is where
 * ${args_json_file} was written.
 */
export function programArgv(spec: ProgramSpec, config: Record<string, unknown>, jsonFile: string): string[] {
  const nested = nestConfig(config);
  const entries = Object.entries(nested);
  const macros: Record<string, string[]> = {
    env: process.platform === "win32" ? [] : ["/usr/bin/env"],
    interpreter: interpreterFor(spec.program),
    program: spec.program ? [spec.program] : [],
    args: entries.map(([k, v]) => `--${k}=${pythonStr(v)}`),
    args_no_hyphens: entries.map(([k, v]) => `${k}=${pythonStr(v)}`),
    args_no_boolean_flags: entries.flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [] : [`--${k}=${pythonStr(v)}`])),
    args_json: [JSON.stringify(nested)],
    args_json_file: [jsonFile],
  };
  return (spec.command ?? DEFAULT_COMMAND).flatMap((word) => {
    const m = /^\$\{(\w+)\}$/.exec(word);
    return m && m[1] in macros ? macros[m[1]] : [word];
  });
}

const WIRE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/**
 * An output line as a terminal leaves it: a progress bar's updates (`\r` without a newline,
 * tqdm's) end as their last one, and colour and cursor codes are dropped (they showed as `[32m`).
 */
export function terminalLine(line: string): string {
  return stripVTControlCharacters(lastUpdate(line));
}

/** What is left of a line after its `\r` updates: the last that is not blank. */
const lastUpdate = (line: string) => line.split("\r").filter((part) => part.trim() !== "").pop() ?? "";

/** A line a program is still writing, past this, keeps its end (a progress bar never ends its line). */
const OPEN_LINE_MAX = 64 * 1024;

/**
 * A program's output as the lines a terminal shows (terminalLine), split at newlines only: a
 * lone `\r` (readline's line end too) rewrites the line, so each progress update was a line.
 */
export function onTerminalLines(stream: Readable, onLine: (line: string) => void): void {
  let open = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (open + chunk).split("\n");
    open = lines.pop()!;
    // the updates of the line still open but its last are overwritten already
    if (open.includes("\r")) open = lastUpdate(open) + (open.endsWith("\r") ? "\r" : "");
    if (open.length > OPEN_LINE_MAX) open = open.slice(-OPEN_LINE_MAX);
    for (const line of lines) onLine(terminalLine(line));
  });
  stream.on("end", () => {
    if (open !== "") onLine(terminalLine(open));
  });
}

/**
 * A JSON line, Python's too: json.dumps writes NaN, Infinity and -Infinity bare (JSON has no
 * spelling for them), read here as the strings the logging API's wire uses for them.
 */
function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // strings are matched whole, so a "NaN" inside one stays as it is
    const quoted = text.replace(/"(?:[^"\\]|\\.)*"|-?\b(?:NaN|Infinity)\b/g, (m) => (m.startsWith('"') ? m : `"${m}"`));
    try {
      return JSON.parse(quoted);
    } catch {
      return null;
    }
  }
}

/** A JSON value as a metric, as the clients' log() takes it (a boolean is 0 or 1, null NaN), or why it is none. */
function metricValue(v: unknown): number | { why: string } {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null) return NaN;
  if (typeof v === "string" && Object.hasOwn(WIRE, v)) return WIRE[v];
  return { why: `${Array.isArray(v) ? "a list" : typeof v === "string" ? "a string" : typeof v}, not a number` };
}

/** `{train: {loss: 1}}` → ["train.loss", 1], as the clients' log() names nested values. */
function* flatEntries(obj: Record<string, unknown>, prefix = ""): Generator<[string, unknown]> {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) yield* flatEntries(v as Record<string, unknown>, `${prefix}${k}.`);
    else yield [prefix + k, v];
  }
}

/**
 * One stdout line of a program: a JSON object with numbers is a metric line (`_step` its step,
 * else the line after the last), anything else a log line. Its values are read as the clients'
 * log() reads them: nested objects named with dots, booleans as 0 or 1, NaN and ±Infinity
 * (Python's bare tokens or the wire's strings) as numbers. A key left out (not a number, no
 * column name) is said in the log once: `told` holds the keys said so far.
 */
export function programLine(line: string, nextStep: number, time: number, told = new Set<string>()): WorkerMessage[] {
  const text = line.trimEnd();
  const parsed = text.trim().startsWith("{") ? parseJsonLine(text) : null;
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const obj = parsed as Record<string, unknown>;
    const step = Number.isInteger(obj._step) && (obj._step as number) >= 0 ? (obj._step as number) : nextStep;
    const values: Record<string, number | null> = {};
    const leftOut: [string, string][] = [];
    let numbers = 0;
    for (const [k, v] of flatEntries(obj)) {
      if (k.startsWith("_")) continue; // W&B's own keys: _step, _runtime, _timestamp
      const n = metricValue(v);
      if (typeof n !== "number") {
        leftOut.push([k, n.why]);
        continue;
      }
      numbers++;
      if (!KEY_PATTERN.test(k)) leftOut.push([k, "not a column name"]);
      else values[k] = Number.isNaN(n) ? null : n;
    }
    if (numbers > 0) {
      const out: WorkerMessage[] = [];
      if (Object.keys(values).length > 0) out.push({ type: "metric", step, time, values });
      const news = leftOut.filter(([k]) => !told.has(k));
      for (const [k] of news) told.add(k);
      if (news.length > 0) out.push({ type: "log", level: "warn", message: `left out of the metrics (said once for each key): ${news.map(([k, why]) => `${JSON.stringify(k.slice(0, 40))} (${why})`).join(", ")}` });
      return out;
    }
  }
  return [{ type: "log", level: "info", message: text }];
}

export interface ProgramLauncherOptions {
  /** Where commands run: relative program paths are read from here. */
  cwd: string;
  /** The program of each run's sweep (null: not a program sweep). */
  specFor: (sweepId: string | null) => ProgramSpec | null;
  /** Variables added for every run (SWEEPLAB_URL, SWEEPLAB_API_KEY for the clients). */
  env?: Record<string, string>;
}

/**
 * PYTHONPATH with this checkout's Python client (clients/python) after what it holds, so a
 * program run by a sweep can `import sweeplab` as a W&B program imports wandb, with nothing
 * installed; a client the user put on the path (or installed) comes first. The CLIs run from the
 * checkout's root (scripts/cli.mjs, npm), or SWEEPLAB_ROOT names it.
 */
export function withPythonClient(pythonPath: string | undefined, root = process.env.SWEEPLAB_ROOT ?? process.cwd()): string | undefined {
  const client = path.join(root, "clients", "python");
  if (!fs.existsSync(path.join(client, "sweeplab", "__init__.py"))) return pythonPath;
  const parts = (pythonPath ?? "").split(path.delimiter).filter(Boolean);
  return [...parts.filter((p) => path.resolve(p) !== client), client].join(path.delimiter);
}

const STDERR_TAIL_CHARS = 2000;
const HEARTBEAT_MS = 1000;

/** Run each claimed run's program (see the top of this file). */
export function programLauncher(options: ProgramLauncherOptions): Launcher {
  return {
    launch(input, onMessage, run) {
      const spec = options.specFor(run?.sweepId ?? null);
      const config = input.config as unknown as Record<string, unknown>;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-run-"));
      const jsonFile = path.join(dir, "config.json");
      fs.writeFileSync(jsonFile, JSON.stringify(nestConfig(config)));
      const argv = spec ? programArgv(spec, config, jsonFile) : [];
      const spawnedAt = Date.now();
      const env = {
        ...process.env,
        ...options.env,
        ...(run ? { SWEEPLAB_RUN_ID: run.id, SWEEPLAB_RUN_NAME: run.name } : {}),
        ...(run?.sweepId ? { SWEEPLAB_SWEEP_ID: run.sweepId } : {}),
        SWEEPLAB_CONFIG: JSON.stringify(nestConfig(config)),
        PYTHONUNBUFFERED: "1", // a Python program's prints arrive as they are made
        SWEEPLAB_CONSOLE: "off", // the Python client logs no console: this runner logs it (else every line twice)
        PYTHONPATH: withPythonClient(process.env.PYTHONPATH),
      };
      // its own process group: a stop reaches what the command started too (a shell's children)
      const child = spawn(argv[0] ?? "false", argv.slice(1), { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
      let stderr = "";
      let lastStep = 0;
      let nextStep = 0;
      let stopping = false;
      const told = new Set<string>(); // keys of JSON lines said left out already
      const now = () => (Date.now() - spawnedAt) / 1000;
      const emit = (m: WorkerMessage) => {
        if (m.type === "metric") {
          lastStep = Math.max(lastStep, m.step);
          nextStep = m.step + 1;
        }
        onMessage(m);
      };
      // (said once the caller holds the handle: what is emitted during launch() has no run to go to yet)
      queueMicrotask(() => {
        if (!spec) emit({ type: "error", message: `run ${run?.id ?? "?"} belongs to no program sweep this host knows` });
        else emit({ type: "log", level: "info", message: `$ ${argv.join(" ")}` });
      });
      onTerminalLines(child.stdout!, (line) => {
        if (line.trim() !== "") for (const m of programLine(line, nextStep, now(), told)) emit(m);
      });
      onTerminalLines(child.stderr!, (line) => {
        stderr = (stderr + line + "\n").slice(-STDERR_TAIL_CHARS);
        if (line.trim() !== "") emit({ type: "log", level: "stderr", message: line });
      });
      // the program may be silent for long: this host says it is alive (a hung program is the user's to stop)
      const beat = setInterval(() => emit({ type: "heartbeat", step: lastStep }), HEARTBEAT_MS);
      const signal = (sig: NodeJS.Signals) => {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(process.platform === "win32" ? child.pid : -child.pid, sig);
        } catch {
          child.kill(sig);
        }
      };
      const exited = new Promise<WorkerExit>((resolve) => {
        let spawnError: Error | null = null;
        child.on("error", (error) => (spawnError = error));
        child.on("close", (code, sig) => {
          clearInterval(beat);
          fs.rmSync(dir, { recursive: true, force: true });
          if (spawnError) emit({ type: "error", message: `cannot start ${argv.join(" ")}: ${(spawnError as Error).message}` });
          else if (stopping) emit({ type: "done", state: "stopped", step: lastStep, summary: {} }); // (however it exits once told to stop)
          else if (code === 0) emit({ type: "done", state: "finished", step: lastStep, summary: {} });
          else if (code !== null && code !== 0) emit({ type: "error", message: `the program exited with code ${code}${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}` });
          resolve({ code, signal: sig, stderrTail: stderr });
        });
      });
      return {
        pid: child.pid,
        spawnedAt,
        terminate: () => {
          stopping = true;
          signal("SIGTERM");
        },
        kill: () => {
          stopping = true;
          signal("SIGKILL");
        },
        exited,
      };
    },
  };
}
