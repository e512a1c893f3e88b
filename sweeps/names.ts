// A config key or metric name as columns, sorts, filters, CSV headers, chart panels and URLs
// name it. W&B-style names work: `val/loss`, `eval/acc@1`, `train.loss`, `lr(group 0)`.
// Refused are the characters that would break something around a name: `,` (column and
// metric lists), `= ! < > ~` (filters), quotes and backslashes (a name sits inside SQL
// string literals and JSON paths as is), whitespace and control characters.
export const KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_./@#%+\-:()[\]]{0,127}$/;

export const KEY_RULE = "1–128 letters, digits and _ . / @ # % + - : ( ) [ ], starting with a letter, digit or _";

export const isKey = (name: string): boolean => KEY_PATTERN.test(name);
