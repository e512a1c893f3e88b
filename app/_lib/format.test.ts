import assert from "node:assert/strict";
import { test } from "node:test";
import { formatNumber } from "./format";

test("integers show in full, other magnitudes in 4 significant digits or exponent form", () => {
  assert.equal(formatNumber(1_989_000_123), "1,989,000,123", "a 32-bit seed is not 1.989e9");
  assert.equal(formatNumber(3000), "3,000");
  assert.equal(formatNumber(1.23456), "1.235");
  assert.equal(formatNumber(0.0001234), "1.234e-4");
  assert.equal(formatNumber(2.5e7 + 0.5), "2.5e7");
});
