import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { activationsFromCheckpoint, type Activations } from "./activations";
import { checkCheckpoint, checkpointChunks, type Checkpoint } from "./checkpoint";
import type { RunConfig } from "./config";

// The engine's file I/O, kept at the edge: the worker and the CLI call these; train() and the
// layers never touch the file system.

/**
 * The folder the user typed the command in, which a path they give is relative to: npm runs a
 * script in the package's root and names the folder it was called from in INIT_CWD (and so does
 * scripts/cli.mjs when it is run directly).
 */
export function invocationDir(): string {
  return process.env.INIT_CWD || process.cwd();
}

/** A path the user gave on the command line, made absolute from where they typed it. */
export function userPath(file: string): string {
  return path.resolve(invocationDir(), file);
}

/**
 * The text of config.corpus when it names a file (charlm); undefined for "builtin" or other
 * tasks. For the terminal only (npm run train, a local sweep file): a worker is handed texts.
 */
export function readCorpusText(config: RunConfig): string | undefined {
  if (config.task !== "charlm" || config.corpus === "builtin") return undefined;
  return readCorpusFile(userPath(config.corpus));
}

/** A local corpus file, which must be UTF-8 text; errors start with "corpus: ". */
export function readCorpusFile(file: string): string {
  let bytes: Buffer;
  try {
    // (a device such as /dev/zero or a FIFO would never end)
    if (!statSync(file).isFile()) throw new Error("not a regular file");
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`corpus: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`corpus: ${file} is not UTF-8 text`);
  }
}

/** Bytes read or written per system call. */
const IO_CHUNK = 4 << 20;
/** A JSON string at least this long (base64 of a tensor) is decoded to a Float32Array as it is read. */
const LONG_STRING = 64 << 10;
const QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Read a checkpoint without holding its text whole: the file is scanned in chunks, and every long
 * string (a tensor's base64) is decoded slice by slice into a Float32Array that takes its place.
 */
export function readCheckpoint(path: string): Checkpoint {
  const fd = openSync(path, "r");
  const rest: string[] = []; // the document without its long strings (placeholders instead)
  const tensors: Float32Array[] = [];
  const buf = Buffer.alloc(IO_CHUNK);
  let inString = false, escaped = false, hasEscape = false;
  let str: Buffer[] = [], strLen = 0; // the current string's bytes while it is short
  let b64: Buffer[] | null = null, carry = ""; // decoded bytes of a long string, undecoded tail
  const decodeSome = (text: string, final: boolean) => {
    const all = carry + text, n = final ? all.length : all.length - (all.length % 4);
    if (n > 0) b64!.push(Buffer.from(all.slice(0, n), "base64"));
    carry = all.slice(n);
  };
  try {
    for (let got; (got = readSync(fd, buf, 0, IO_CHUNK, null)) > 0; ) {
      let from = 0;
      for (let i = 0; i < got; i++) {
        const ch = buf[i];
        if (!inString) {
          if (ch === QUOTE) {
            rest.push(buf.toString("utf8", from, i + 1));
            from = i + 1;
            inString = true;
            hasEscape = false;
          }
          continue;
        }
        if (escaped) {
          escaped = false;
          continue;
        }
        if (ch === BACKSLASH) {
          if (b64) throw new Error(`${path}: not a checkpoint (escape in a tensor)`);
          escaped = hasEscape = true;
          continue;
        }
        if (ch !== QUOTE) continue;
        // the end of a string
        if (b64) {
          decodeSome(buf.toString("latin1", from, i), true);
          tensors.push(concatFloats(b64));
          rest.push(`{"$tensor":${tensors.length - 1}}`);
          rest[rest.length - 2] = rest[rest.length - 2].slice(0, -1); // drop the opening quote
        } else rest.push(Buffer.concat([...str, buf.subarray(from, i + 1)]).toString("utf8"));
        from = i + 1;
        inString = false;
        str = [];
        strLen = 0;
        b64 = null;
      }
      if (inString) {
        const tail = buf.subarray(from, got);
        if (b64) decodeSome(tail.toString("latin1"), false);
        else {
          str.push(Buffer.from(tail));
          strLen += tail.length;
          if (strLen >= LONG_STRING && !hasEscape) {
            b64 = [];
            carry = "";
            decodeSome(Buffer.concat(str).toString("latin1"), false);
            str = [];
          }
        }
      } else rest.push(buf.toString("utf8", from, got));
    }
  } finally {
    closeSync(fd);
  }
  const doc = JSON.parse(rest.join(""), (_key, value) =>
    value !== null && typeof value === "object" && typeof value.$tensor === "number" && Object.keys(value).length === 1 ? tensors[value.$tensor] : value,
  ) as Checkpoint;
  return checkCheckpoint(doc);
}

function concatFloats(parts: Buffer[]): Float32Array {
  const bytes = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(bytes / 4);
  const view = new Uint8Array(out.buffer);
  let at = 0;
  for (const p of parts) view.set(p, (at += p.length) - p.length);
  return out;
}

/** Write atomically (temp file + rename), so a reader never sees half a checkpoint; the text is streamed. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    let pending: string[] = [], size = 0;
    const flush = () => {
      if (size > 0) writeSync(fd, pending.join(""));
      pending = [];
      size = 0;
    };
    for (const chunk of checkpointChunks(checkpoint)) {
      pending.push(chunk);
      if ((size += chunk.length) >= IO_CHUNK) flush();
    }
    flush();
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** activationsFromCheckpoint for a checkpoint file. */
export function activationsFromCheckpointFile(path: string, text: string, layer: number): Activations {
  return activationsFromCheckpoint(readCheckpoint(path), text, layer);
}
