import assert from "node:assert/strict";
import { test } from "node:test";
import { formatKeyValue, formatNumber, formatRate } from "./format";

test("integers show in full, other magnitudes in 4 significant digits or exponent form", () => {
  assert.equal(formatNumber(1_989_000_123), "1,989,000,123", "a 32-bit seed is not 1.989e9");
  assert.equal(formatNumber(3000), "3,000");
  assert.equal(formatNumber(1.23456), "1.235");
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
