import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { RunConfig } from "./config";
import { Rng } from "./rng";
import { pickToken, topKIndices } from "./sample";
import { train, type TrainEvent } from "./train";

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const hasTorch = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" }).status === 0;

/** Which tokens pickToken ever returns from these logits (many draws at a flat temperature). */
function support(logits: number[], topK: number): number[] {
  const probs = new Float64Array(logits.length), rng = new Rng(7), seen = new Set<number>();
  for (let i = 0; i < 4000; i++) seen.add(pickToken(logits, probs, 50, topK, rng));
  return [...seen].sort((a, b) => a - b);
}

test("top-k keeps exactly k tokens, ties to the lower index (by hand)", () => {
  const logits = [1, 3, 3, 0, 3, 2, 3]; // four tokens tied at the top
  assert.deepEqual(support(logits, 1), [1]);
  assert.deepEqual(support(logits, 2), [1, 2]);
  assert.deepEqual(support(logits, 3), [1, 2, 4]);
  assert.deepEqual(support(logits, 5), [1, 2, 4, 5, 6]);
  assert.deepEqual(support(logits, 6), [0, 1, 2, 4, 5, 6]);
  assert.deepEqual(support(logits, 0), [0, 1, 2, 3, 4, 5, 6]); // 0 = all
  for (let k = 1; k <= logits.length; k++) assert.equal(topKIndices(logits, logits.length, k).size, k);
});

// torch.topk returns exactly k; which of tied indices it returns is unspecified, so what is
// compared is the multiset of kept values — the same whatever the tie order.
test("top-k keeps the values torch.topk keeps, on tied logits", { skip: hasTorch ? false : `${PYTHON} has no torch` }, () => {
  const rng = new Rng(3);
  const cases = Array.from({ length: 40 }, () => {
    const n = 2 + rng.int(60);
    return { logits: Array.from({ length: n }, () => rng.int(5) - 2), k: 1 + rng.int(n) };
  });
  const script = `import json, sys, torch
for c in json.load(sys.stdin):
    print(json.dumps(sorted(torch.topk(torch.tensor(c["logits"], dtype=torch.float64), c["k"]).values.tolist())))`;
  const r = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const torchValues = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as number[]);
  cases.forEach((c, i) => {
    const ours = [...topKIndices(c.logits, c.logits.length, c.k)].map((j) => c.logits[j]).sort((a, b) => a - b);
    assert.deepEqual(ours, torchValues[i], `case ${i}: k ${c.k} of ${JSON.stringify(c.logits)}`);
  });
});

const samplesOf = (events: TrainEvent[]) => events.flatMap((e) => (e.type === "sample" ? [e] : []));
const charlm = { task: "charlm", hidden_size: 16, embedding_dim: 8, batch_size: 4, seq_length: 16, steps: 20, eval_every: 20, sample_every: 10, sample_length: 30 } as const;

test("greedy sampling: by name (sampling: greedy) and by temperature 0, the same text", () => {
  assert.equal(RunConfig.safeParse({ temperature: 0 }).success, true);
  assert.equal(RunConfig.safeParse({ temperature: -0.1 }).success, false);
  assert.equal(RunConfig.safeParse({ sampling: "beam" }).success, false);
  const byName = samplesOf(Array.from(train({ ...charlm, sampling: "greedy" })));
  const byZero = samplesOf(Array.from(train({ ...charlm, temperature: 0 })));
  assert.equal(byName.length, 2);
  assert.deepEqual(byName, byZero);
  assert.ok(byName.every((s) => s.temperature === 0));
  // a temperature draw differs from the greedy text (the model is barely trained: flat logits)
  const drawn = samplesOf(Array.from(train({ ...charlm, temperature: 1 })));
  assert.notEqual(drawn[1].text, byName[1].text);
});
