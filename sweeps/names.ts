// A config key or metric name as columns, sorts, filters, CSV headers, chart panels and URLs
// name it. W&B-style names work: `val/loss`, `eval/acc@1`, `train.loss`, `lr(group 0)`,
// `val loss`, `train acc (%)`, and in any script, as W&B takes them: `学习率`, `größe`,
// `val/точность` (letters \p{L}, digits \p{N}, and combining marks \p{M} after the first
// character, so a decomposed `é` is a name too).
//
// Spaces: single ASCII spaces inside a name, as W&B users write `val loss`. Not at either end,
// not two in a row (`val  loss` would read as `val loss` in every table cell), not beside a dot
// (a nested config's key is its parts joined by "." and split back there, sweeps/nest.ts, so
// `a. b` would be a part with a leading space) and not before a combining mark (an accent on
// nothing). Other whitespace stays refused: a no-break or ideographic space looks like a space
// and is another name. A filter may quote a key that holds spaces, summary."val loss"<2
// (filterColumn below); column lists, sorts and URLs name it as it is.
//
// Refused are the characters that would break something around a name: `,` (column and
// metric lists), `= ! < > ~` (filters), `"` (a filter's quoted key), `'` and backslashes, `;`
// (chart panel settings), control and format characters (an invisible or right-to-left mark
// would make two names look alike), symbols and emoji. The length counts code points (the `u`
// flag), as Python's len() does. The SQL that reads a key (prisma/store/sql-*.ts) escapes it
// for any string all the same.
//
// The clients keep copies of this rule — clients/python/sweeplab/_batch.py `is_key` and
// clients/ts/sweeplab.ts `NAME_PATTERN` — which must stay the same rule: sweeps/names.test.ts
// checks all three against one list of names.
export const KEY_PATTERN = /^(?!.{129})[\p{L}\p{N}_](?:[\p{L}\p{N}\p{M}_./@#%+\-:()[\]]|(?<![. ]) (?=[\p{L}\p{N}_/@#%+\-:()[\]]))*$/u;

export const KEY_RULE =
  "1–128 letters (of any script), digits, combining marks, single inner spaces (not beside a dot) and _ . / @ # % + - : ( ) [ ], starting with a letter, digit or _";

export const isKey = (name: string): boolean => KEY_PATTERN.test(name);

/**
 * A column as a filter writes it (`summary."val loss"<2`): a config, summary or params key that
 * holds a space goes in double quotes, so where the name ends and the operator begins is plain
 * to read; any other column as it is. Names never hold `"`, so nothing inside needs escaping.
 */
export function filterColumn(field: string): string {
  const dot = field.indexOf(".");
  const key = field.slice(dot + 1);
  return dot > 0 && key.includes(" ") ? `${field.slice(0, dot)}."${key}"` : field;
}

/** A filter's column as the table names it: `summary."val loss"` → `summary.val loss`; unquoted text as it is. */
export function unquoteFilterColumn(text: string): string {
  const m = /^([a-z]+)\."([^"]*)"$/.exec(text);
  return m ? `${m[1]}.${m[2]}` : text;
}
