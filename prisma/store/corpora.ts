import crypto from "node:crypto";
import { prisma } from "../client";
import { BUILTIN_CORPUS } from "../../engine/corpus/builtin";
import { BUILTIN_CORPUS_NAME, corpusNameProblem } from "../../engine/corpus/names";

// The corpus registry: charlm texts the app knows, by name. A name is immutable (uploading the
// same text again under it is a no-op, another text under it a conflict), so a run's config
// that says `corpus: tiny-shakespeare` always means the same bytes. The builtin text is listed
// too, though it lives in the engine, not in the table.

/** The largest corpus (UTF-8 bytes). */
export const CORPUS_MAX_BYTES = 8 * 1024 * 1024;

export interface CorpusRecord {
  name: string;
  /** hex sha256 of the UTF-8 text */
  sha256: string;
  /** bytes */
  size: number;
  /** characters (code points) */
  chars: number;
  builtin: boolean;
  createdAt: string | null;
}

export const sha256Hex = (text: string) => crypto.createHash("sha256").update(text, "utf8").digest("hex");

/** Characters (code points) of `text`, without building an array of them. */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--; // the high half of a pair
  }
  return n;
}

let builtinRecord: CorpusRecord | null = null;
export function builtinCorpus(): CorpusRecord {
  builtinRecord ??= {
    name: BUILTIN_CORPUS_NAME,
    sha256: sha256Hex(BUILTIN_CORPUS),
    size: Buffer.byteLength(BUILTIN_CORPUS, "utf8"),
    chars: codePoints(BUILTIN_CORPUS),
    builtin: true,
    createdAt: null,
  };
  return builtinRecord;
}

const toRecord = (row: { name: string; sha256: string; size: number; chars: number; createdAt: Date }): CorpusRecord => ({
  name: row.name,
  sha256: row.sha256,
  size: row.size,
  chars: row.chars,
  builtin: false,
  createdAt: row.createdAt.toISOString(),
});

const META = { name: true, sha256: true, size: true, chars: true, createdAt: true } as const;

/** Every corpus, the builtin one first, then by name. */
export async function listCorpora(): Promise<CorpusRecord[]> {
  const rows = await prisma().corpus.findMany({ select: META, orderBy: { name: "asc" } });
  return [builtinCorpus(), ...rows.map(toRecord)];
}

export async function getCorpus(name: string): Promise<CorpusRecord | null> {
  if (name === BUILTIN_CORPUS_NAME) return builtinCorpus();
  if (corpusNameProblem(name)) return null;
  const row = await prisma().corpus.findUnique({ where: { name }, select: META });
  return row ? toRecord(row) : null;
}

/** The text of a registered corpus (builtin included); null when there is none by that name. */
export async function corpusText(name: string): Promise<{ text: string; sha256: string } | null> {
  if (name === BUILTIN_CORPUS_NAME) return { text: BUILTIN_CORPUS, sha256: builtinCorpus().sha256 };
  if (corpusNameProblem(name)) return null; // a path or junk is never looked up, let alone read
  const row = await prisma().corpus.findUnique({ where: { name }, select: { text: true, sha256: true } });
  return row;
}

/** The text of a registered corpus, for a Runner (RunnerOptions.corpusText); an Error saying why not. */
export async function registeredCorpusText(name: string): Promise<string> {
  const bad = corpusNameProblem(name);
  if (bad && name !== BUILTIN_CORPUS_NAME) throw new Error(`corpus: ${bad}`);
  const found = await corpusText(name);
  if (!found) throw new Error(`corpus: no corpus named "${name}" is registered (upload it first)`);
  return found.text;
}

/** Which of `names` are registered (builtin included). */
export async function knownCorpora(names: string[]): Promise<Set<string>> {
  const wanted = [...new Set(names)].filter((n) => n !== BUILTIN_CORPUS_NAME && !corpusNameProblem(n));
  const rows = wanted.length ? await prisma().corpus.findMany({ where: { name: { in: wanted } }, select: { name: true } }) : [];
  return new Set([...(names.includes(BUILTIN_CORPUS_NAME) ? [BUILTIN_CORPUS_NAME] : []), ...rows.map((r) => r.name)]);
}

export type RegisterResult =
  | { ok: true; created: boolean; corpus: CorpusRecord }
  | { ok: false; status: 400 | 409 | 413; field: "name" | "text"; error: string };

/**
 * Register `text` under `name`. The same text under the same name again is a no-op
 * (created: false); another text under a taken name is a 409.
 */
export async function registerCorpus(name: string, text: string): Promise<RegisterResult> {
  const bad = name === BUILTIN_CORPUS_NAME ? `"${BUILTIN_CORPUS_NAME}" is the shipped corpus; choose another name` : corpusNameProblem(name);
  if (bad) return { ok: false, status: 400, field: "name", error: bad };
  const size = Buffer.byteLength(text, "utf8");
  if (size > CORPUS_MAX_BYTES) return { ok: false, status: 413, field: "text", error: `the text is ${size} bytes; a corpus may have at most ${CORPUS_MAX_BYTES} (8 MiB)` };
  if (size === 0) return { ok: false, status: 400, field: "text", error: "the text is empty" };
  if (text.includes("\u0000")) return { ok: false, status: 400, field: "text", error: "the text contains NUL characters: a corpus is text, not a binary file" };
  const sha256 = sha256Hex(text);
  const existing = await prisma().corpus.findUnique({ where: { name }, select: META });
  if (existing) {
    if (existing.sha256 === sha256) return { ok: true, created: false, corpus: toRecord(existing) };
    return { ok: false, status: 409, field: "name", error: `a corpus named "${name}" exists with another text (sha256 ${existing.sha256.slice(0, 12)}…): names never change their text, so choose another name` };
  }
  try {
    const row = await prisma().corpus.create({ data: { name, sha256, size, chars: codePoints(text), text }, select: META });
    return { ok: true, created: true, corpus: toRecord(row) };
  } catch (error) {
    // a concurrent upload of the same name won the race: same answer as if it had come first
    const now = await prisma().corpus.findUnique({ where: { name }, select: META });
    if (now?.sha256 === sha256) return { ok: true, created: false, corpus: toRecord(now) };
    if (now) return { ok: false, status: 409, field: "name", error: `a corpus named "${name}" exists with another text` };
    throw error;
  }
}

/**
 * Register a local file's text (the CLIs: `npm run train -- --track --corpus ./my.txt`, a
 * corpus path in a local sweep file) under a name made from the file's name; when that name
 * holds another text, under the name with the text's hash appended. Returns the name to use.
 */
export async function registerLocalCorpus(file: string, text: string): Promise<CorpusRecord> {
  const base = file.split(/[/\\]/).pop() ?? "";
  const stem = base.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/\.{2,}/g, ".").replace(/^[^A-Za-z0-9]+/, "").slice(0, 80) || "corpus";
  const first = await registerCorpus(stem === BUILTIN_CORPUS_NAME ? `${stem}-file` : stem, text);
  if (first.ok) return first.corpus;
  if (first.status !== 409) throw new Error(`corpus ${file}: ${first.error}`);
  const second = await registerCorpus(`${stem}-${sha256Hex(text).slice(0, 12)}`, text);
  if (!second.ok) throw new Error(`corpus ${file}: ${second.error}`);
  return second.corpus;
}
