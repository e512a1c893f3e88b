// Which Chromium the end-to-end tests drive, and with which flags. Used by the Playwright
// config, `npm test` and e2e/screenshot.mjs, so all three launch the same browser.
//
// In order: CHROMIUM_PATH when set; Debian's /usr/bin/chromium when present; otherwise the
// Chromium shipped inside the npm package @sparticuz/chromium (a devDependency), unpacked once
// into node_modules/.cache. `E2E_BROWSER=packaged` skips Debian's, to test the packaged one on
// a machine that has both.
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Headless, no GPU, and nothing that reaches the network on its own (RECIPE.md). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

// The package's own flags are for one-page-per-process serverless use. Dropped here:
// --single-process (the browser dies when a test opens a second context), and the two flags
// that let pages do what a user's browser forbids (tests should see what users see).
const PACKAGED_ARGS_DROPPED = new Set(["--single-process", "--disable-web-security", "--allow-running-insecure-content"]);

/**
 * @typedef {{ executablePath: string, args: string[], env: Record<string, string>, source: string }} ChromiumLaunch
 * @returns {Promise<ChromiumLaunch>}
 */
export async function resolveChromium(env = process.env) {
  if (env.CHROMIUM_PATH) {
    if (!fs.existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH points at ${env.CHROMIUM_PATH}, which does not exist`);
    return { executablePath: env.CHROMIUM_PATH, args: CHROMIUM_ARGS, env: {}, source: `CHROMIUM_PATH (${env.CHROMIUM_PATH})` };
  }
  if (env.E2E_BROWSER !== "packaged" && fs.existsSync(DEBIAN_CHROMIUM))
    return { executablePath: DEBIAN_CHROMIUM, args: CHROMIUM_ARGS, env: {}, source: `Debian's Chromium (${DEBIAN_CHROMIUM})` };
  return packagedChromium();
}

/** Launch options for Playwright's `chromium.launch` / `use.launchOptions`. */
export function launchOptions(/** @type {ChromiumLaunch} */ c) {
  return { executablePath: c.executablePath, args: c.args, env: { ...process.env, ...c.env } };
}

async function packagedChromium() {
  const { default: Chromium } = await import("@sparticuz/chromium");
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@sparticuz", "chromium", "package.json"), "utf8")).version;
  const dir = path.join(ROOT, "node_modules", ".cache", `sparticuz-chromium-${version}`);
  const binary = path.join(dir, "chromium");
  if (!fs.existsSync(binary)) await unpack(Chromium, dir);
  const args = [...Chromium.args.filter((a) => !PACKAGED_ARGS_DROPPED.has(a)), ...CHROMIUM_ARGS];
  return { executablePath: binary, args, env: { FONTCONFIG_FILE: fontsConf(dir) }, source: `@sparticuz/chromium ${version} (${binary})` };
}

/**
 * The package unpacks into os.tmpdir() (the binary, the SwiftShader libraries beside it, the
 * fonts), so unpack into a fresh folder of our own as TMPDIR and move it into place in one
 * rename: a second test run never sees a half-written binary.
 */
async function unpack(Chromium, dir) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.unpacking-`);
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const binary = await Chromium.executablePath();
    if (path.dirname(binary) !== staging) throw new Error(`@sparticuz/chromium unpacked to ${binary}, not into ${staging}`);
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    fs.renameSync(staging, dir);
  } catch (error) {
    // another run finished first: keep its copy
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, "chromium"))) throw error;
  }
}

/** A fontconfig file: the system's fonts when there are any, and the package's Open Sans always (a bare machine has no fonts). */
function fontsConf(dir) {
  const file = path.join(dir, "fonts.conf");
  const text = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    "<fontconfig>",
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${path.join(dir, "fonts", "fonts")}</dir>`,
    `  <cachedir>${path.join(dir, "fonts", "cache")}</cachedir>`,
    "</fontconfig>",
    "",
  ].join("\n");
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  return file;
}

// `node e2e/chromium.mjs`: unpack if needed and print which browser the tests will use.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const c = await resolveChromium();
  console.log(c.source);
}
