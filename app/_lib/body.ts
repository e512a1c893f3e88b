import type * as z from "zod";
import { invalid, jsonError } from "./api";
import { formatBytes } from "./format";

// Request bodies, read with a byte limit while they stream in: a body over the limit is a 413
// as soon as the limit is passed (or at once when Content-Length says so), never read whole
// into memory. JSON documents nested deeper than MAX_NESTING are a 400 before they are parsed
// (JSON.parse copes, but JSON.stringify, zod and the YAML reader recurse and would overflow
// the stack into a 500).
//
// proxy.ts runs before every route; Next then keeps a copy of the body up to
// `proxyClientMaxBodySize` (next.config.js) and hands the route only that much. That size is
// above every limit here, so a cut body always shows up as "over the limit", never as a
// shorter valid document.

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The largest body any route accepts (a corpus upload); next.config.js keeps Next's proxy copy above it. */
export const LARGEST_BODY = 8 * MiB;
/** How deep `[` / `{` may nest in a JSON or YAML document. */
export const MAX_NESTING = 64;

export type BodyResult<T> = { ok: true; data: T } | { ok: false; response: Response };

export function tooLarge(limit: number, what = "the body"): Response {
  const message = `${what} is larger than ${formatBytes(limit)}, the limit of this endpoint`;
  return jsonError(413, message, [{ path: "body", message }]);
}

/** The body's bytes, at most `limit` of them; a 413 the moment there are more. */
export async function readBodyBytes(req: Request, limit: number, what?: string): Promise<BodyResult<Uint8Array>> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel().catch(() => {});
    return { ok: false, response: tooLarge(limit, what) };
  }
  if (!req.body) return { ok: true, data: new Uint8Array(0) };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: tooLarge(limit, what) };
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.byteLength) - c.byteLength);
  return { ok: true, data: out };
}

/** The body as UTF-8 text (at most `limit` bytes); bytes that are not UTF-8 are a 400 naming `field`. */
export async function readBodyText(req: Request, limit: number, options: { what?: string; field?: string } = {}): Promise<BodyResult<string>> {
  const bytes = await readBodyBytes(req, limit, options.what);
  if (!bytes.ok) return bytes;
  const text = decodeUtf8(bytes.data);
  if (text === null) {
    const message = `${options.what ?? "the body"} is not valid UTF-8 text`;
    return { ok: false, response: jsonError(400, message, [{ path: options.field ?? "body", message }]) };
  }
  return { ok: true, data: text };
}

/** Strict UTF-8 decoding (a leading BOM is dropped); null when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** A JSON body of at most `limit` bytes and MAX_NESTING levels, parsed. */
export async function readJsonBody(req: Request, limit: number): Promise<BodyResult<unknown>> {
  const text = await readBodyText(req, limit);
  if (!text.ok) return text;
  const deep = nestingProblem(text.data);
  if (deep) return { ok: false, response: jsonError(400, deep, [{ path: "body", message: deep }]) };
  try {
    return { ok: true, data: JSON.parse(text.data) };
  } catch {
    return { ok: false, response: jsonError(400, "the body is not valid JSON", [{ path: "body", message: "not valid JSON" }]) };
  }
}

/** A JSON body of at most `limit` bytes checked against `schema`; a 400 naming the field (`what: path: message`) when it does not fit. */
export async function readRequest<S extends z.ZodType>(req: Request, schema: S, limit: number, what = "invalid request"): Promise<BodyResult<z.output<S>>> {
  const json = await readJsonBody(req, limit);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.data);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: invalid(parsed.error, what) };
}

/**
 * The deepest nesting of `[` and `{` outside quoted strings: exact for JSON, and for YAML's
 * flow collections (a bracket in a YAML comment or plain scalar counts too, which only errs on
 * the strict side), plus YAML's compact sequences (`- - - 1` on one line nests three deep).
 * Indented block nesting is bounded by the reader itself (sweeps/config.ts).
 */
export function nestingDepth(text: string): number {
  let depth = 0, deepest = 0;
  let quote = 0; // the open quote character's code, 0 outside strings
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!quote && (i === 0 || text.charCodeAt(i - 1) === 0x0a)) {
      let j = i, dashes = 0;
      while (text[j] === " " || text[j] === "\t") j++;
      while ((text[j] === "-" || text[j] === "?") && (text[j + 1] === " " || text[j + 1] === "\t")) {
        dashes++;
        for (j += 2; text[j] === " " || text[j] === "\t"; j++);
      }
      deepest = Math.max(deepest, depth + dashes);
    }
    if (quote) {
      if (c === 0x5c && quote === 0x22) i++; // backslash escape in a double-quoted string
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x22 || (c === 0x27 && (i === 0 || /[\s[{,:]/.test(text[i - 1])))) quote = c; // " always, ' only where a YAML scalar can start
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** A 400 message when `text` nests deeper than `max`; null when it does not. */
export function nestingProblem(text: string, max = MAX_NESTING): string | null {
  const depth = nestingDepth(text);
  return depth > max ? `the document is nested ${depth} levels deep; at most ${max} are allowed` : null;
}
