import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { BUNDLE_CHECK_MS, currentWorkerBundle, defaultWorkerCommand } from "./launcher";

// The worker bundle is never older than the engine it was built from. Each test works in a
// temporary project root whose scripts/build-worker.mjs is a stand-in that writes the bundle
// (or fails) and counts its builds; the real one is esbuild (scripts/build-worker.mjs).

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
delete process.env.SWEEPLAB_WORKER;

const HOUR = 3_600_000;

/** A project root with engine sources, a bundle built `bundleAgeMs` before them (or none), and a stub build script. */
function project(options: { bundleAgeMs: number | null; buildFails?: boolean }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bundle-"));
  dirs.push(root);
  const at = (p: string) => path.join(root, p);
  for (const dir of ["engine/layers", "dist", "scripts"]) fs.mkdirSync(at(dir), { recursive: true });
  fs.writeFileSync(at("engine/worker.ts"), "// worker\n");
  fs.writeFileSync(at("engine/layers/lstm.ts"), "// lstm\n");
  fs.writeFileSync(at("package.json"), "{}\n");
  fs.writeFileSync(
    at("scripts/build-worker.mjs"),
    options.buildFails
      ? `console.error("✘ [ERROR] Expected \\";\\" but found \\"x\\""); process.exit(1);\n`
      : `import fs from "node:fs";\nfs.appendFileSync(${JSON.stringify(at("builds.log"))}, "built\\n");\nfs.writeFileSync(${JSON.stringify(at("dist/worker.cjs"))}, "// bundle\\n");\n`,
  );
  const sourcesAt = Date.now() - HOUR;
  for (const p of ["engine/worker.ts", "engine/layers/lstm.ts", "package.json", "engine/layers", "engine"]) fs.utimesSync(at(p), new Date(sourcesAt), new Date(sourcesAt));
  if (options.bundleAgeMs !== null) {
    fs.writeFileSync(at("dist/worker.cjs"), "// old bundle\n");
    const builtAt = new Date(sourcesAt - options.bundleAgeMs);
    fs.utimesSync(at("dist/worker.cjs"), builtAt, builtAt);
  }
  const builds = () => (fs.existsSync(at("builds.log")) ? fs.readFileSync(at("builds.log"), "utf8").split("\n").filter(Boolean).length : 0);
  /** Edit an engine source (its mtime moves past the bundle's). */
  const edit = (p: string) => fs.appendFileSync(at(p), "// edited\n");
  return { root, at, builds, edit };
}

describe("the worker bundle", () => {
  it("is used as it is when it is newer than every engine source: no build, no notice", () => {
    const p = project({ bundleAgeMs: -1000 });
    const notices: string[] = [];
    assert.deepEqual(defaultWorkerCommand(p.root, { log: (l) => notices.push(l) }), [process.execPath, p.at("dist/worker.cjs")]);
    assert.equal(p.builds(), 0);
    assert.deepEqual(notices, []);
  });

  it("is rebuilt, with a one-line notice, when an engine source is newer (a git pull, an edit)", () => {
    const p = project({ bundleAgeMs: 60_000 });
    const notices: string[] = [];
    assert.deepEqual(defaultWorkerCommand(p.root, { log: (l) => notices.push(l) }), [process.execPath, p.at("dist/worker.cjs")]);
    assert.equal(p.builds(), 1);
    assert.equal(fs.readFileSync(p.at("dist/worker.cjs"), "utf8"), "// bundle\n");
    assert.equal(notices.length, 1);
    assert.match(notices[0], /^sweeplab: rebuilt dist\/worker\.cjs \(older than the engine sources\) in \d+\.\d s$/);
  });

  it("is built when it is missing", () => {
    const p = project({ bundleAgeMs: null });
    const notices: string[] = [];
    assert.equal(currentWorkerBundle(p.root, { log: (l) => notices.push(l) }), p.at("dist/worker.cjs"));
    assert.equal(p.builds(), 1);
    assert.match(notices[0], /^sweeplab: built dist\/worker\.cjs in /);
  });

  it("is compared with the sources at most once per BUNDLE_CHECK_MS, so an edit is picked up by the next check", () => {
    const p = project({ bundleAgeMs: -1000 });
    let now = 1_000_000;
    const check = () => currentWorkerBundle(p.root, { clock: () => now, log: () => {} });
    assert.equal(check(), p.at("dist/worker.cjs"));
    p.edit("engine/layers/lstm.ts");
    now += BUNDLE_CHECK_MS - 1;
    check();
    assert.equal(p.builds(), 0, "within the check interval: the cached answer, no stat");
    now += 1;
    assert.equal(check(), p.at("dist/worker.cjs"));
    assert.equal(p.builds(), 1, "the next check sees the edit and rebuilds");
    now += BUNDLE_CHECK_MS;
    check();
    assert.equal(p.builds(), 1, "the rebuilt bundle is current");
  });

  it("falls back to the source through tsx, with a notice naming the error, when it cannot be built — once", () => {
    const p = project({ bundleAgeMs: 60_000, buildFails: true });
    const notices: string[] = [];
    const tsx = [process.execPath, "--import", "tsx", p.at("engine/worker.ts")];
    assert.deepEqual(defaultWorkerCommand(p.root, { log: (l) => notices.push(l) }), tsx);
    assert.deepEqual(defaultWorkerCommand(p.root, { log: (l) => notices.push(l) }), tsx);
    assert.equal(notices.length, 1, "no second attempt in this process");
    assert.match(notices[0], /dist\/worker\.cjs is older than the engine sources and could not be built \(✘ \[ERROR\] Expected ";" but found "x"\): workers run engine\/worker\.ts through tsx/);
  });

  it("is skipped with bundle: false, and SWEEPLAB_WORKER overrides everything", () => {
    const p = project({ bundleAgeMs: 60_000 });
    assert.deepEqual(defaultWorkerCommand(p.root, { bundle: false }), [process.execPath, "--import", "tsx", p.at("engine/worker.ts")]);
    process.env.SWEEPLAB_WORKER = "fake.mjs --x";
    try {
      assert.deepEqual(defaultWorkerCommand(p.root), [process.execPath, p.at("fake.mjs"), "--x"]);
    } finally {
      delete process.env.SWEEPLAB_WORKER;
    }
    assert.equal(p.builds(), 0);
  });
});
