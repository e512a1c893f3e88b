import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseWorkerMessage, type WorkerInput, type WorkerMessage } from "../engine/protocol";

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
  /** Milliseconds since the epoch when the process was spawned. */
  spawnedAt: number;
  /** Ask the worker to stop at its next step (it writes a final `done`). */
  terminate(): void;
  /** Kill at once (a hung worker). */
  kill(): void;
  exited: Promise<WorkerExit>;
}

export interface Launcher {
  launch(input: WorkerInput, onMessage: (message: WorkerMessage) => void): WorkerHandle;
}

/**
 * The command that runs engine/worker.ts: SWEEPLAB_WORKER when set (a .mjs/.js file run with
 * this node, or a command line), else the esbuild bundle dist/worker.mjs when it was built
 * (~65 ms to start), else the TypeScript source through tsx (~200 ms). `bundle: false` skips
 * the bundle, which may be older than the source (`npm run train -- --track` trains the
 * source, as the untracked `npm run train` does).
 */
export function defaultWorkerCommand(root = process.env.SWEEPLAB_ROOT ?? process.cwd(), options: { bundle?: boolean } = {}): string[] {
  const override = process.env.SWEEPLAB_WORKER?.trim();
  if (override) {
    const [file, ...args] = override.split(/\s+/);
    return /\.(mjs|js|cjs)$/.test(file) ? [process.execPath, path.resolve(/*turbopackIgnore: true*/ root, file), ...args] : [file, ...args];
  }
  const bundle = path.join(/*turbopackIgnore: true*/ root, "dist", "worker.mjs");
  if (options.bundle !== false && fs.existsSync(bundle)) return [process.execPath, bundle];
  return [process.execPath, "--import", "tsx", path.join(/*turbopackIgnore: true*/ root, "engine", "worker.ts")];
}

export interface ProcessLauncherOptions {
  /** argv of the worker; default defaultWorkerCommand(). */
  command?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

const STDERR_TAIL_CHARS = 2000;

export function processLauncher(options: ProcessLauncherOptions = {}): Launcher {
  return {
    launch(input, onMessage) {
      const [file, ...args] = options.command ?? defaultWorkerCommand();
      const child = spawn(file, args, {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const spawnedAt = Date.now();
      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
      });
      const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on("line", (line) => {
        if (line.trim() === "") return;
        let message: WorkerMessage;
        try {
          message = parseWorkerMessage(line);
        } catch (error) {
          // A stray print is not a reason to kill a run: keep it as a warning in its log.
          message = { type: "log", level: "warn", message: (error as Error).message };
        }
        onMessage(message);
      });
      // The worker may exit before reading its input (bad command): ignore EPIPE here.
      child.stdin.on("error", () => {});
      child.stdin.end(JSON.stringify(input));
      const exited = new Promise<WorkerExit>((resolve) => {
        let spawnError: Error | null = null;
        child.on("error", (error) => {
          spawnError = error;
        });
        // "close" fires after stdout is drained, so every line was delivered before the exit.
        child.on("close", (code, signal) => {
          const tail = spawnError ? `cannot start the worker (${file}): ${spawnError.message}\n${stderr}` : stderr;
          resolve({ code, signal, stderrTail: tail.trim() });
        });
      });
      const signal = (name: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(name);
      };
      return {
        pid: child.pid,
        spawnedAt,
        terminate: () => signal("SIGTERM"),
        kill: () => signal("SIGKILL"),
        exited,
      };
    },
  };
}
