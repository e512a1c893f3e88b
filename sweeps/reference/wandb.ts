import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// W&B's sweep engine (github.com/wandb/sweeps) as a reference that tests, the fixture
// generator and the benchmark can call. Its code is never part of this repository: it is
// taken from a checkout (WANDB_SWEEPS_SRC: the folder holding its `sweeps` package) or
// exported from a git mirror of it (WANDB_SWEEPS_GIT, default the mirror this project's
// machines keep) into a temporary folder, and run by our driver (wandb_driver.py) in
// Python (SWEEPLAB_PYTHON, default /usr/bin/python3) with numpy, scipy, scikit-learn,
// PyYAML, jsonschema and pydantic. Absent any of these, openWandb() says why and callers skip.

export const DEFAULT_WANDB_GIT = "/work/.mirror/wandb+sweeps/repo";
const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), "wandb_driver.py");

export interface WandbInfo {
  /** git commit of W&B's code (or "checkout" when WANDB_SWEEPS_SRC was given) */
  commit: string;
  /** folder holding the `sweeps` package */
  src: string;
  /** the whole exported tree (tests/data lives under it), when exported from git */
  root: string | null;
  version: string;
  python: string;
  numpy: string;
  sklearn: string;
  /** stand-ins the driver installed for missing packages (jsonref, pydantic 2) */
  shims: string[];
}

export interface Wandb {
  info: WandbInfo;
  /** One request to the driver (see wandb_driver.py for the operations). Throws W&B's error. */
  call<T = unknown>(op: string, request?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export type WandbOpen = { ok: true; wandb: Wandb } | { ok: false; reason: string };

function python(): string {
  if (process.env.SWEEPLAB_PYTHON) return process.env.SWEEPLAB_PYTHON;
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/**
 * A file of W&B's own tests/ (such as tests/data/hyper-data.yaml) from the export of the mirror
 * (or WANDB_SWEEPS_SRC's checkout), or why it is not here. Needs git, not Python.
 */
export function wandbTestFile(relative: string): { file: string } | { reason: string } {
  const found = locate();
  if ("reason" in found) return found;
  const file = path.join(found.root ?? path.dirname(found.src), "tests", relative);
  return fs.existsSync(file) ? { file } : { reason: `${file} is absent` };
}

/** Find W&B's source: a checkout, or an export of the mirror's HEAD into the temp folder (cached by commit). */
function locate(): { src: string; root: string | null; commit: string } | { reason: string } {
  const checkout = process.env.WANDB_SWEEPS_SRC;
  if (checkout) {
    if (!fs.existsSync(path.join(checkout, "sweeps", "__init__.py"))) return { reason: `WANDB_SWEEPS_SRC=${checkout} has no sweeps/__init__.py` };
    return { src: checkout, root: null, commit: "checkout" };
  }
  const gitDir = process.env.WANDB_SWEEPS_GIT ?? DEFAULT_WANDB_GIT;
  if (!fs.existsSync(gitDir)) return { reason: `no W&B sweeps mirror at ${gitDir} (set WANDB_SWEEPS_GIT to a git mirror of github.com/wandb/sweeps, or WANDB_SWEEPS_SRC to a checkout's src folder)` };
  let commit: string;
  try {
    commit = execFileSync("git", ["--git-dir", gitDir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch (e) {
    return { reason: `cannot read the W&B mirror at ${gitDir}: ${(e as Error).message.split("\n")[0]}` };
  }
  const root = path.join(os.tmpdir(), `sweeplab-wandb-sweeps-${commit.slice(0, 12)}`);
  if (!fs.existsSync(path.join(root, ".complete"))) {
    const partial = `${root}.${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    try {
      const tar = execFileSync("git", ["--git-dir", gitDir, "archive", "--format=tar", commit, "src", "tests"], { maxBuffer: 256 * 1024 * 1024 });
      execFileSync("tar", ["-x", "-C", partial], { input: tar });
      fs.writeFileSync(path.join(partial, ".complete"), commit);
      fs.rmSync(root, { recursive: true, force: true });
      fs.renameSync(partial, root);
    } catch (e) {
      fs.rmSync(partial, { recursive: true, force: true });
      if (!fs.existsSync(path.join(root, ".complete"))) return { reason: `cannot export W&B's code from ${gitDir}: ${(e as Error).message.split("\n")[0]}` };
    }
  }
  return { src: path.join(root, "src"), root, commit };
}

/** Start W&B's engine behind our driver, or say why it cannot run here. */
export async function openWandb(): Promise<WandbOpen> {
  const found = locate();
  if ("reason" in found) return { ok: false, reason: found.reason };
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(python(), [DRIVER, "--src", found.src], { stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    return { ok: false, reason: `cannot start ${python()}: ${(e as Error).message}` };
  }
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let ended: Error | null = null;
  lines.on("line", (line) => waiting.shift()?.resolve(line));
  const fail = (e: Error) => {
    ended = e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  child.on("error", (e) => fail(new Error(`W&B driver: ${e.message}`)));
  child.on("exit", (code) => fail(new Error(`W&B driver exited with ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`)));

  const raw = (request: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; error?: string }> =>
    new Promise((resolve, reject) => {
      if (ended) return reject(ended);
      waiting.push({ resolve: (line) => resolve(JSON.parse(line)), reject });
      child.stdin.write(JSON.stringify(request) + "\n");
    });
  const call = async <T>(op: string, request: Record<string, unknown> = {}): Promise<T> => {
    const answer = await raw({ op, ...request });
    if (!answer.ok) throw new Error(`W&B ${op}: ${answer.error}`);
    return answer.result as T;
  };
  let hello: Omit<WandbInfo, "commit" | "src" | "root">;
  try {
    hello = await call("hello");
  } catch (e) {
    child.kill();
    return { ok: false, reason: `W&B's engine does not run with ${python()} (it needs numpy, scipy, scikit-learn, PyYAML, jsonschema): ${(e as Error).message}` };
  }
  return {
    ok: true,
    wandb: {
      info: { ...hello, commit: found.commit, src: found.src, root: found.root },
      call,
      close: () => {
        child.stdin.end();
        child.kill();
      },
    },
  };
}

/** A float as W&B's driver should read it (JSON has one number type; W&B hashes 3000000.0 like 3000000). */
export const pyFloat = (x: number | "nan") => ({ __float__: x });
