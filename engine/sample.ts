import { drain } from "./drain";
import type { Rng } from "./rng";
import type { SeqModel } from "./seqmodel";
import type { Vocab } from "./tasks/charlm";

// Sampling from a character model, one character at a time, feeding each back in.
//   greedy:      temperature 0 (config: sampling greedy) → always the most likely character
//   temperature: softmax(logits / temperature); < 1 sharpens, > 1 flattens
//   top-k:       only the k most likely characters (0 = all): exactly k, as torch.topk, ties
//                going to the lower index (torch leaves the order of ties unspecified)

export interface SampleOptions {
  length: number;
  temperature: number;
  topK: number;
  /** Text fed in first (conditions the sample); defaults to a newline or the first vocabulary character. */
  prime?: string;
  rng: Rng;
}

export function sampleText(model: SeqModel, vocab: Vocab, opts: SampleOptions): string {
  return drain(sampling(model, vocab, opts));
}

/** sampleText one character at a time: yields before each forward (the trainer's heartbeats), returns the text. */
export function* sampling(model: SeqModel, vocab: Vocab, opts: SampleOptions): Generator<void, string> {
  const prime = opts.prime ?? (vocab.chars.includes("\n") ? "\n" : vocab.chars[0]);
  const primeIds = vocab.encode(prime);
  const inputs = new Int32Array(1), targets = new Int32Array([-1]);
  const probs = new Float64Array(vocab.size);
  const out: number[] = [];
  let reset = true;
  const feed = (id: number) => {
    inputs[0] = id;
    model.forward({ T: 1, B: 1, inputs, targets, reset }, "sample", false, null);
    reset = false;
  };
  for (const id of primeIds) {
    yield;
    feed(id);
  }
  for (let i = 0; i < opts.length; i++) {
    const next = pickToken(model.logits, probs, opts.temperature, opts.topK, opts.rng);
    out.push(next);
    yield;
    feed(next);
  }
  return vocab.decode(out);
}

/** Draw a token from logits; probs is scratch of the same length. */
export function pickToken(logits: ArrayLike<number>, probs: Float64Array, temperature: number, topK: number, rng: Rng): number {
  const n = probs.length;
  let best = 0;
  for (let j = 1; j < n; j++) if (logits[j] > logits[best]) best = j;
  if (temperature === 0) return best;
  const keep = topK > 0 && topK < n ? topKIndices(logits, n, topK) : null;
  let sum = 0;
  probs.fill(0);
  for (let j = 0; j < n; j++) {
    if (keep && !keep.has(j)) continue;
    probs[j] = Math.exp((logits[j] - logits[best]) / temperature);
    sum += probs[j];
  }
  let u = rng.uniform() * sum;
  for (let j = 0; j < n; j++) {
    u -= probs[j];
    if (u < 0) return j;
  }
  return best;
}

/** The k largest of logits[0..n): exactly k indices, ties broken towards the lower index. */
export function topKIndices(logits: ArrayLike<number>, n: number, k: number): Set<number> {
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => logits[b] - logits[a] || a - b);
  return new Set(order.slice(0, k));
}
