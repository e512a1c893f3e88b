import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { EXIT, parseWorkerMessage, servedCode, type WorkerInput, type WorkerMessage } from "../engine/protocol";
import { WORKER_BUNDLE, workerBundleIsStale } from "../scripts/bundle.mjs";

// Child-process management: start one worker, hand it its WorkerInput on stdin, read its JSON
// lines, and let the caller ask it to stop (SIGTERM) or kill it (SIGKILL). The executor only
// sees the Launcher interface, so tests can swap in a fake worker command.

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few lines the worker wrote on stderr (why it crashed, usually). */
  stderrTail: string;
}

export interface WorkerHandle {
  pid: number | undefined;
  /** Milliseconds since the epoch when the process was spawned (or, reused, was handed this run). */
  spawnedAt: number;
  /**
   * The process was started for this run, rather than a waiting one reused (its start-up, wasm
   * compilation and cold code count in the run's time). Undefined: a launcher that does not say.
   */
  spawned?: boolean;
  /** Ask the worker to stop at its next step (it writes a final `done`). */
  terminate(): void;
  /** Kill at once (a hung worker). */
  kill(): void;
  exited: Promise<WorkerExit>;
}

export interface Launcher {
  /** `run`: whose worker this is (a program's launcher passes its identity on; the engine's needs none). */
  launch(input: WorkerInput, onMessage: (message: WorkerMessage) => void, run?: { id: string; name: string; sweepId: string | null }): WorkerHandle;
  /**
   * Start up to `count` workers now, to wait for the runs to come (a launcher that reuses its
   * workers; others ignore it): a command line starts them before its own set-up, so that they
   * boot beside it instead of after it. One that gets no run within IDLE_WORKER_MS exits.
   */
  prewarm?(count: number): void;
}

/**
 * The command that runs engine/worker.ts: SWEEPLAB_WORKER when set (a .mjs/.js file run with
 * this node, or a command line), else the esbuild bundle dist/worker.cjs (20-40 ms more than
 * Node alone to its first line: `npm run bench -- sweeps`), rebuilt first when it is missing or
 * older than the engine sources (currentWorkerBundle), else — the bundle cannot be built —
 * the TypeScript source through tsx (~200 ms). `bundle: false` always runs the source (`npm
 * run train -- --track` trains the source, as the untracked `npm run train` does). `log` gets the one-line notices (default: stderr).
 */
export function defaultWorkerCommand(root = process.env.SWEEPLAB_ROOT ?? process.cwd(), options: { bundle?: boolean; log?: (line: string) => void } = {}): string[] {
  const override = process.env.SWEEPLAB_WORKER?.trim();
  if (override) {
    const [file, ...args] = override.split(/\s+/);
    return /\.(mjs|js|cjs)$/.test(file) ? [process.execPath, path.resolve(/*turbopackIgnore: true*/ root, file), ...args] : [file, ...args];
  }
  const bundle = options.bundle === false ? null : currentWorkerBundle(root, { log: options.log });
  if (bundle) return [process.execPath, bundle];
  return [process.execPath, "--import", "tsx", path.join(/*turbopackIgnore: true*/ root, "engine", "worker.ts")];
}

/** How long one comparison of dist/worker.cjs with the engine sources is trusted (ms). */
export const BUNDLE_CHECK_MS = 10_000;
const bundleChecks = new Map<string, { at: number; bundle: string | null }>();

/**
 * dist/worker.cjs under `root`, never older than the engine sources: when it is missing or
 * stale (a `git pull`, an edit) it is rebuilt first with scripts/build-worker.mjs (~0.2 s) and
 * a one-line notice says so. null when it cannot be built: the caller runs the source, and
 * this process does not try again. The comparison (~60 stats) is made at most once every
 * BUNDLE_CHECK_MS per root, so launching a worker costs nothing in the usual case while a
 * long-lived server or agent still picks up an engine edited under it. `clock` is for tests.
 */
export function currentWorkerBundle(root: string, options: { log?: (line: string) => void; clock?: () => number } = {}): string | null {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const checked = bundleChecks.get(root);
  if (checked && (checked.bundle === null || clock() - checked.at < BUNDLE_CHECK_MS)) return checked.bundle;
  const bundle = path.join(/*turbopackIgnore: true*/ root, WORKER_BUNDLE);
  let current: string | null = bundle;
  if (workerBundleIsStale(root)) {
    const missing = !fs.existsSync(/*turbopackIgnore: true*/ bundle);
    const started = performance.now();
    const build = spawnSync(process.execPath, [path.join(/*turbopackIgnore: true*/ root, "scripts", "build-worker.mjs")], { cwd: root, encoding: "utf8" });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (build.status === 0) log(`sweeplab: ${missing ? "built" : "rebuilt"} ${WORKER_BUNDLE}${missing ? "" : " (older than the engine sources)"} in ${seconds} s`);
    else {
      const lines = `${build.stderr ?? ""}${build.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
      const why = build.error?.message ?? lines.find((l) => /error/i.test(l)) ?? lines[0] ?? `exit code ${build.status}`;
      log(`sweeplab: ${WORKER_BUNDLE} is ${missing ? "missing" : "older than the engine sources"} and could not be built (${why}): workers run engine/worker.ts through tsx`);
      current = null;
    }
  }
  bundleChecks.set(root, { at: clock(), bundle: current });
  return current;
}

/**
 * What a worker inherits of its parent's environment: an allow-list (the system's basics), never
 * the server's tokens, database URL or any other secret. SWEEPLAB_WORKER_ENV names more
 * variables to pass (comma-separated), for an operator who needs one.
 */
export const WORKER_ENV_ALLOWED = ["PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TMP", "TEMP", "SYSTEMROOT", "SystemRoot", "WINDIR"];

export function workerEnv(parent: Record<string, string | undefined> = process.env): Record<string, string> {
  const extra = (parent.SWEEPLAB_WORKER_ENV ?? "").split(",").map((n) => n.trim()).filter(Boolean);
  const env: Record<string, string> = {};
  for (const name of [...WORKER_ENV_ALLOWED, ...extra]) if (parent[name] !== undefined) env[name] = parent[name]!;
  return env;
}

/** One launcher or another, per run: `second` for the runs `useSecond` picks (an agent's program runs). */
export function routingLauncher(first: Launcher, second: Launcher, useSecond: (run: Parameters<Launcher["launch"]>[2]) => boolean): Launcher {
  return { launch: (input, onMessage, run) => (useSecond(run) ? second : first).launch(input, onMessage, run) };
}

/**
 * Workers run at a lower OS priority (nice 10; SWEEPLAB_WORKER_NICE sets it, 0 leaves them as
 * they are): training takes every idle cycle, and the server answering a person comes first,
 * so pages stay quick while every core trains. Alone on a machine, a worker runs as fast.
 */
export function lowerPriority(pid: number | undefined): void {
  const nice = Number(process.env.SWEEPLAB_WORKER_NICE ?? 10);
  if (pid === undefined || !Number.isInteger(nice) || nice <= 0) return;
  try {
    os.setPriority(pid, Math.min(19, nice));
  } catch {
    // (not allowed here: it runs at the default priority)
  }
}

export interface ProcessLauncherOptions {
  /** argv of the worker; default defaultWorkerCommand(). */
  command?: string[];
  cwd?: string;
  /** Variables for the worker on top of workerEnv(). */
  env?: Record<string, string | undefined>;
  /**
   * Run the next run in a worker whose run has ended (the worker's --serve mode), instead of a
   * new process: no start-up, wasm already compiled, code warm. Default: on for the engine's own
   * worker (no `command`, no SWEEPLAB_WORKER), unless SWEEPLAB_WORKER_REUSE=0.
   */
  reuse?: boolean;
}

const STDERR_TAIL_CHARS = 2000;
/** How long a worker waits for a next run before it is let go (ms). */
export const IDLE_WORKER_MS = 3000;

/** What one run needs from the process serving it. */
interface RunSlot {
  onMessage: (message: WorkerMessage) => void;
  resolve: (exit: WorkerExit) => void;
  stderrFrom: number;
  /** SIGTERM / SIGKILL was sent for this run: the worker ends after it, never reused. */
  signalled: boolean;
  /** The exit code its `served` line gave, when the process ends after it (the run ends at the close). */
  servedCode?: number;
}

/** A worker process and the run it serves (null: idle, or a one-run worker between its end and exit). */
interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  slot: RunSlot | null;
  stderr: string;
  /** Characters of stderr dropped from the front (so a run's tail starts at stderrFrom). */
  dropped: number;
  closed: boolean;
  idleTimer: NodeJS.Timeout | null;
}

export function processLauncher(options: ProcessLauncherOptions = {}): Launcher {
  const reuse = options.reuse ?? (options.command === undefined && !process.env.SWEEPLAB_WORKER?.trim() && process.env.SWEEPLAB_WORKER_REUSE !== "0");
  const idle: WorkerProcess[] = [];

  const stderrTail = (w: WorkerProcess, from: number) => w.stderr.slice(Math.max(0, from - w.dropped)).slice(-STDERR_TAIL_CHARS);

  const start = (): WorkerProcess => {
    const [file, ...args] = options.command ?? defaultWorkerCommand();
    const child = spawn(file, reuse ? [...args, "--serve"] : args, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...workerEnv(), ...options.env } as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    lowerPriority(child.pid);
    const w: WorkerProcess = { child, slot: null, stderr: "", dropped: 0, closed: false, idleTimer: null };
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      w.stderr += chunk;
      // (keep enough for the tail of the run in progress)
      const keep = 4 * STDERR_TAIL_CHARS;
      if (w.stderr.length > keep) [w.dropped, w.stderr] = [w.dropped + w.stderr.length - keep, w.stderr.slice(-keep)];
    });
    const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on("line", (line) => {
      const slot = w.slot;
      if (line.trim() === "" || !slot) return;
      const code = reuse ? servedCode(line) : null;
      if (code !== null) {
        // the run is over; its process waits for the next one — unless it was signalled or
        // failed: then the process ends too, and the run ends when it has (as without reuse: an
        // executor that stops never leaves a worker behind it)
        if (slot.signalled || code === EXIT.error || code === EXIT.stopped) {
          slot.servedCode = code;
          return;
        }
        w.slot = null;
        slot.resolve({ code, signal: null, stderrTail: stderrTail(w, slot.stderrFrom).trim() });
        park(w);
        return;
      }
      let message: WorkerMessage;
      try {
        message = parseWorkerMessage(line);
      } catch (error) {
        // A stray print is not a reason to kill a run: keep it as a warning in its log.
        message = { type: "log", level: "warn", message: (error as Error).message };
      }
      slot.onMessage(message);
    });
    // The worker may exit before reading its input (bad command): ignore EPIPE here.
    child.stdin.on("error", () => {});
    let spawnError: Error | null = null;
    child.on("error", (error) => {
      spawnError = error;
    });
    // "close" fires after stdout is drained, so every line was delivered before the exit.
    child.on("close", (code, signal) => {
      w.closed = true;
      if (w.idleTimer) clearTimeout(w.idleTimer);
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
      const slot = w.slot;
      w.slot = null;
      if (!slot) return;
      const tail = stderrTail(w, slot.stderrFrom);
      if (slot.servedCode !== undefined) return slot.resolve({ code: slot.servedCode, signal: null, stderrTail: tail.trim() });
      slot.resolve({ code, signal, stderrTail: (spawnError ? `cannot start the worker (${file}): ${(spawnError as Error).message}\n${tail}` : tail).trim() });
    });
    return w;
  };

  /** Keep an idle worker for the next run, without holding this process open; let it go after IDLE_WORKER_MS. */
  const park = (w: WorkerProcess) => {
    if (w.closed) return;
    setRef(w, false);
    idle.push(w);
    w.idleTimer = setTimeout(() => {
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
      w.child.stdin.end(); // (the worker exits at the end of its input)
    }, IDLE_WORKER_MS);
    w.idleTimer.unref();
  };

  return {
    prewarm(count) {
      if (!reuse) return;
      for (let i = idle.length; i < count; i++) park(start());
    },
    launch(input, onMessage) {
      let w = idle.shift();
      while (w && (w.closed || w.child.exitCode !== null || w.child.signalCode !== null)) w = idle.shift();
      const spawned = !w;
      if (w) {
        if (w.idleTimer) clearTimeout(w.idleTimer);
        w.idleTimer = null;
        setRef(w, true);
      } else w = start();
      const worker = w;
      const spawnedAt = Date.now();
      let slot!: RunSlot;
      const exited = new Promise<WorkerExit>((resolve) => {
        slot = { onMessage, resolve, stderrFrom: worker.dropped + worker.stderr.length, signalled: false };
      });
      worker.slot = slot;
      const json = JSON.stringify(input);
      if (reuse) worker.child.stdin.write(json + "\n");
      else worker.child.stdin.end(json);
      const signal = (name: NodeJS.Signals) => {
        // (only while this run is the one it serves: a reused worker may be on the next run)
        if (worker.slot !== slot || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
        slot.signalled = true;
        worker.child.kill(name);
      };
      return {
        pid: worker.child.pid,
        spawnedAt,
        spawned,
        terminate: () => signal("SIGTERM"),
        kill: () => signal("SIGKILL"),
        exited,
      };
    },
  };
}

/** Whether a worker's process and pipes keep this process alive (an idle one must not). */
function setRef(w: WorkerProcess, on: boolean): void {
  for (const handle of [w.child, w.child.stdin, w.child.stdout, w.child.stderr] as { ref?: () => void; unref?: () => void }[]) (on ? handle.ref : handle.unref)?.call(handle);
}
