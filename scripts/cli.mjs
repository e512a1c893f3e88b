// `npm run sweep | train | agent`: the command line from an esbuild bundle of its TypeScript
// (dist/<name>-cli.mjs), built when missing or older than any file it was built from (esbuild's
// list of them is kept beside it) — a `git pull` or an edit rebuilds it on the next run (~0.5 s).
// Loading the sources one by one through tsx cost ~0.65 s at every start (bench sweep-throughput:
// a 1-run sweep took 2.15 s through tsx, 1.5 s from the bundle). Packages stay in node_modules.
// Should the bundle not build, the sources run through tsx as before.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { outputIsStale, writeAtomically } from "./bundle.mjs";
import { bin, ROOT } from "./lib.mjs";

export const CLIS = { sweep: "sweeps/cli.ts", train: "sweeps/train-cli.ts", agent: "sweeps/agent-cli.ts" };

/** Where the bundle of CLI `name` goes (SWEEPLAB_CLI_DIST: another folder, for tests). */
export function cliBundle(name) {
  return path.join(process.env.SWEEPLAB_CLI_DIST ?? path.join(ROOT, "dist"), `${name}-cli.mjs`);
}

/** The bundle of CLI `name`, built first when stale; null when it cannot be built (the reason on stderr). */
export async function currentCliBundle(name) {
  const out = cliBundle(name);
  const inputsFile = `${out}.inputs.json`;
  let inputs = null;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8")).map((p) => path.join(ROOT, p));
  } catch {
    // never built, or its list is gone: build
  }
  if (inputs && !outputIsStale(out, inputs)) return out;
  try {
    const { build } = await import("esbuild");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // (another command starting meanwhile reads the old bundle or the new one, never half a file)
    const result = await build({
      entryPoints: [path.join(ROOT, CLIS[name])],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      outfile: out,
      write: false,
      metafile: true,
      logLevel: "silent",
      absWorkingDir: ROOT,
    });
    writeAtomically(out, result.outputFiles[0].contents);
    writeAtomically(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
    return out;
  } catch (error) {
    process.stderr.write(`sweeplab: could not bundle ${CLIS[name]} (${error.message.split("\n")[0]}); running it through tsx\n`);
    return null;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name, ...args] = process.argv.slice(2);
  if (!Object.hasOwn(CLIS, name)) {
    process.stderr.write(`usage: node scripts/cli.mjs ${Object.keys(CLIS).join("|")} [arguments]\n`);
    process.exit(2);
  }
  // Run directly from another folder, it works as `npm run` does: in the package's root (where
  // the worker, the default database and data/ are found), with the caller's folder in INIT_CWD
  // (where a path the user typed is read from).
  process.env.INIT_CWD ||= process.cwd();
  process.chdir(ROOT);
  const bundle = await currentCliBundle(name);
  if (bundle) {
    // in this process: the CLI reads its arguments from process.argv and handles its own signals
    process.argv = [process.argv[0], bundle, ...args];
    await import(pathToFileURL(bundle).href);
  } else {
    const child = spawn(bin("tsx"), [CLIS[name], ...args], { cwd: ROOT, stdio: "inherit", env: process.env });
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0) : 1)));
  }
}
