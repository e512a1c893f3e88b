// A config key or metric name as columns, sorts, filters, CSV headers, chart panels and URLs
// name it. W&B-style names work: `val/loss`, `eval/acc@1`, `train.loss`, `lr(group 0)`, and in
// any script, as W&B takes them: `学习率`, `größe`, `val/точность` (letters \p{L}, digits \p{N},
// and combining marks \p{M} after the first character, so a decomposed `é` is a name too).
// Refused are the characters that would break something around a name: `,` (column and
// metric lists), `= ! < > ~` (filters), quotes and backslashes (a name sits inside SQL
// string literals and JSON paths as is), whitespace, control and format characters (an
// invisible or right-to-left mark would make two names look alike). The length counts code
// points (the `u` flag), as Python's len() does.
//
// The clients keep copies of this rule — clients/python/sweeplab/_batch.py `is_key` and
// clients/ts/sweeplab.ts `NAME_PATTERN` — which must stay the same rule: sweeps/names.test.ts
// checks all three against one list of names.
export const KEY_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_./@#%+\-:()[\]]{0,127}$/u;

export const KEY_RULE = "1–128 letters (of any script), digits, combining marks and _ . / @ # % + - : ( ) [ ], starting with a letter, digit or _";

export const isKey = (name: string): boolean => KEY_PATTERN.test(name);
