// How a run names its charlm text (RunConfig.corpus). Over HTTP a corpus is only ever a name
// the app knows: "builtin" (the shipped text) or a corpus uploaded to the app, stored in the
// database with its size and sha256. A file path is for the terminal alone (`npm run train
// -- --corpus ./my.txt`, a local sweep file): the CLIs register the file's text under a name
// before anything reaches the database, a worker is handed the text, never a path.

export const BUILTIN_CORPUS_NAME = "builtin";

/** Longest corpus name. */
export const CORPUS_NAME_MAX = 100;
/** A corpus name: letters, digits, `.`, `_`, `-`; it starts with a letter or digit (so never `.`, `..` or `/…`). */
export const CORPUS_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why `value` cannot name a corpus, or null when it can (whether it exists is the registry's question). */
export function corpusNameProblem(value: string): string | null {
  if (CORPUS_NAME_RE.test(value) && !value.includes("..")) return null;
  if (/[/\\]|^\.|^~/.test(value) || value.includes(".."))
    return `"${clip(value)}" is a file path: a corpus is named, never read from the server's disk. Upload the text (the Corpora page, or POST /api/corpora?name=NAME) and give its name`;
  return `"${clip(value)}" is not a corpus name: 1–${CORPUS_NAME_MAX} letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
