import assert from "node:assert/strict";
import { test } from "node:test";
import { columnNotation, exactValue, formatKeyValue, formatNumber, formatRate, oneNotation } from "./format";

test("integers show in full, other magnitudes in 4 significant digits or exponent form", () => {
  assert.equal(formatNumber(1_989_000_123), "1,989,000,123", "a 32-bit seed is not 1.989e9");
  assert.equal(formatNumber(3000), "3,000");
  assert.equal(formatNumber(1.23456), "1.235");
  assert.equal(formatNumber(201437.2), "201,400", "a large fraction's thousands separated as an integer's are");
  assert.equal(formatNumber(-4321.5), "-4,322");
  assert.equal(formatNumber(1234.5, 6), "1,234.5");
  assert.equal(formatNumber(999.95), "1,000", "rounded to 1,000, separated");
  assert.equal(formatNumber(123.456), "123.5");
  assert.equal(formatNumber(0.0001234), "1.234e-4");
  assert.equal(formatNumber(2.5e7 + 0.5), "2.5e7");
});

test("integers past 2^53 read as digits, those that read back to the stored double, not the exponent form", () => {
  assert.equal(formatNumber(12345678901234567890), "12,345,678,901,234,567,000", "a 64-bit seed: no 1.235e19, no …567,168 (the double's binary value)");
  assert.equal(formatNumber(-(2 ** 64)), "-18,446,744,073,709,552,000");
  assert.equal(formatNumber(Number.MAX_SAFE_INTEGER + 1), "9,007,199,254,740,992");
  assert.equal(formatKeyValue("seed", 12345678901234567890), "12345678901234567000");
  assert.equal(formatNumber(1e21), "1e21", "from 1e21 in exponent form, as JavaScript writes it");
});

test("rates read to 3 digits with separators; id-like integers keep their digits together", () => {
  assert.equal(formatRate(120_183.4), "120,000");
  assert.equal(formatRate(4_348.2), "4,350");
  assert.equal(formatRate(0.8617), "0.862");
  assert.equal(formatKeyValue("seed", 1_574_409_985), "1574409985");
  assert.equal(formatKeyValue("val_loss_best_step", 24_000), "24000");
  assert.equal(formatKeyValue("steps", 24_000), "24,000");
  assert.equal(formatKeyValue("learning_rate", 0.0031), "0.0031");
});

test("a list or an object reads as JSON, as a filter names it", () => {
  assert.equal(formatNumber([64, 32]), "[64,32]");
  assert.equal(formatKeyValue("layers", [64, 32]), "[64,32]");
  assert.equal(formatNumber({ name: "adam" }), '{"name":"adam"}');
  assert.equal(formatNumber(null), "–");
});

test("a column with one exponent writes its every fraction as one, at 4 digits, 0 as 0; integers as before", () => {
  const lrs = [7.74e-4, 0.002477, 0.0123456, 0, 3];
  const column = columnNotation(lrs, "config.learning_rate");
  assert.deepEqual(lrs.map(column), ["7.74e-4", "2.477e-3", "1.235e-2", "0", "3"]);
  assert.deepEqual(lrs.map((v) => formatKeyValue("config.learning_rate", v)), ["7.74e-4", "0.002477", "0.01235", "0", "3"], "each on its own: two notations");
  // a large fraction is an exponent too: the column's small ones follow it
  assert.deepEqual([2.5e7 + 0.5, 12.5].map(columnNotation([2.5e7 + 0.5, 12.5])), ["2.5e7", "1.25e1"]);
  // the negatives keep their sign
  assert.deepEqual([-5e-4, -0.25].map(columnNotation([-5e-4, -0.25], "summary.delta")), ["-5e-4", "-2.5e-1"]);
});

test("integer columns and integers in an exponent column read as today: counts with separators, id-like keys as written", () => {
  const seeds = [1_574_409_985, 7, 12345678901234567890];
  assert.deepEqual(seeds.map(columnNotation(seeds, "config.seed")), ["1574409985", "7", "12345678901234567000"]);
  const steps = [24_000, 0, 3];
  assert.deepEqual(steps.map(columnNotation(steps, "config.steps")), ["24,000", "0", "3"]);
  assert.deepEqual(steps.map(columnNotation(steps)), ["24,000", "0", "3"], "the Step column counts");
  // an exponent in the column: its integers stay integers
  const mixed = [24_000, 1e-4, 1_574_409_985];
  assert.deepEqual(mixed.map(columnNotation(mixed, "summary.val_loss_best_step")), ["24000", "1e-4", "1574409985"]);
  assert.deepEqual(mixed.map(columnNotation(mixed, "config.hidden")), ["24,000", "1e-4", "1,574,409,985"]);
});

test("a column without an exponent reads exactly as each cell on its own", () => {
  const values = [0.002477, 0.5, 2.104, 1_000, 999_999.5, 0.001, null, "lstm", true, [64, 32]];
  for (const key of ["config.dropout", "summary.val_loss", undefined]) {
    const column = columnNotation(values, key);
    assert.deepEqual(values.map(column), values.map((v) => (key === undefined ? formatNumber(v) : formatKeyValue(key, v))));
  }
});

test("NaN, Infinity, nulls and strings neither make a column exponents nor change in one", () => {
  const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "NaN", "Infinity", null, undefined, 0.25];
  assert.deepEqual(values.map(columnNotation(values, "summary.val_loss")), ["NaN", "Infinity", "-Infinity", "NaN", "Infinity", "–", "–", "0.25"]);
  const withExponent = [...values, 3e-5];
  assert.deepEqual(withExponent.map(columnNotation(withExponent, "summary.val_loss")), ["NaN", "Infinity", "-Infinity", "NaN", "Infinity", "–", "–", "2.5e-1", "3e-5"]);
});

test("oneNotation (axes, histograms) still makes every value an exponent, integers too, when one is", () => {
  assert.deepEqual([0, 2e-4, 1e-3, 2].map(oneNotation([0, 2e-4, 1e-3, 2], 3)), ["0", "2e-4", "1e-3", "2e0"]);
  assert.deepEqual([0, 0.5, 1].map(oneNotation([0, 0.5, 1, Number.NaN], 3)), ["0", "0.5", "1"]);
});

test("a number cell's hover is the stored value in full, the shortest spelling that reads back", () => {
  assert.equal(exactValue(0.0024770123456789), "0.0024770123456789");
  assert.equal(exactValue(7.74e-4), "0.000774");
  assert.equal(exactValue(1574409985), "1574409985");
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY, "NaN", null, undefined, true]) assert.equal(exactValue(v), undefined);
});
