import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { decodeTensor, encodeTensor, serializeCheckpoint, type Checkpoint } from "./checkpoint";
import { readCheckpoint, writeCheckpoint } from "./files";
import { Trainer } from "./train";

const dir = mkdtempSync(path.join(tmpdir(), "sweeplab-ck-"));

function trained(): Checkpoint {
  const t = new Trainer({ hidden_size: 16, steps: 3, eval_every: 3, sample_every: 0, backend: "js" });
  for (const _ of t.run());
  return t.checkpoint();
}

test("checkpoints round-trip bit for bit, and the streamed text is JSON.stringify's", () => {
  const ck = trained(), file = path.join(dir, "a.json");
  writeCheckpoint(file, ck);
  const text = readFileSync(file, "utf8");
  assert.equal(text, serializeCheckpoint(ck));
  const asBase64 = { ...ck, params: { ...ck.params, data: encodeTensor(decodeTensor(ck.params.data)) } };
  assert.equal(text, JSON.stringify({ ...asBase64, optimizer: { ...ck.optimizer, buffers: ck.optimizer.buffers.map((b) => encodeTensor(decodeTensor(b))) }, states: Object.fromEntries(Object.entries(ck.states).map(([k, v]) => [k, v.map((x) => encodeTensor(decodeTensor(x)))])) }));
  const back = readCheckpoint(file);
  assert.deepEqual(decodeTensor(back.params.data), decodeTensor(ck.params.data));
  back.optimizer.buffers.forEach((b, i) => assert.deepEqual(decodeTensor(b), decodeTensor(ck.optimizer.buffers[i])));
  assert.equal(back.vocab!.join(""), ck.vocab!.join(""));
  // old files: tensors as JSON number arrays
  const old = path.join(dir, "old.json");
  writeFileSync(old, JSON.stringify({ ...ck, params: { ...ck.params, data: Array.from(decodeTensor(ck.params.data)) }, optimizer: { ...ck.optimizer, buffers: [] }, states: {} }));
  assert.deepEqual(decodeTensor(readCheckpoint(old).params.data), decodeTensor(ck.params.data));
  new Trainer(ck.config, { resume: back }); // resumes
});

test("a tensor larger than a V8 string's base64 limit is written and read in slices", () => {
  const ck = trained();
  const big = new Float32Array(110_000_000); // 587M base64 characters: past 2^29, where JSON.stringify failed
  for (let i = 0; i < big.length; i += 4099) big[i] = i * 0.5;
  big[big.length - 1] = -1.25;
  const file = path.join(dir, "big.json");
  writeCheckpoint(file, { ...ck, optimizer: { ...ck.optimizer, buffers: [big] } });
  const back = decodeTensor(readCheckpoint(file).optimizer.buffers[0]);
  assert.equal(back.length, big.length);
  assert.ok(Buffer.from(back.buffer).equals(Buffer.from(big.buffer)));
});
