import type { RunConfig } from "../config";
import { BUILTIN_CORPUS } from "../corpus/builtin";
import type { Batch } from "../model";
import type { Task, TaskInfo } from "./task";

// Character language model (min-char-rnn / char-rnn). The text is split into a training
// part and a held-out tail (val_fraction). The training part is cut into batch_size
// contiguous streams read seq_length characters at a time, the hidden state carried from
// chunk to chunk (truncated BPTT); after a full pass every stream restarts from h0.

export const CHARLM_INFO: TaskInfo = { model: "seq", reads: ["corpus", "seq_length", "val_fraction", "sample_every", "sample_length", "sampling", "temperature", "top_k"], unit: "tokens" };

export class Vocab {
  readonly chars: string[];
  private readonly index = new Map<string, number>();

  constructor(chars: string[]) {
    this.chars = chars;
    chars.forEach((ch, i) => this.index.set(ch, i));
  }

  static fromText(text: string): Vocab {
    return new Vocab([...new Set(Array.from(text))].sort());
  }

  get size(): number {
    return this.chars.length;
  }

  /** Token ids; characters outside the vocabulary are an error. */
  encode(text: string): Int32Array {
    const chars = Array.from(text);
    const ids = new Int32Array(chars.length);
    chars.forEach((ch, i) => {
      const id = this.index.get(ch);
      if (id === undefined) throw new Error(`character ${JSON.stringify(ch)} is not in the vocabulary`);
      ids[i] = id;
    });
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]];
    return s;
  }
}

/** Entropy (nats per character) of the corpus's unigram distribution: the loss of a model that ignores context. */
export function unigramEntropy(text: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const ch of text) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Cut ids into B streams; chunk k of T steps: inputs ids[s_b + kT + t], targets one further. */
function streamBatch(ids: Int32Array, start: number, segLen: number, B: number, T: number, chunk: number, reset: boolean): Batch {
  const inputs = new Int32Array(T * B), targets = new Int32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const i = start + b * segLen + chunk * T + t;
      inputs[t * B + b] = ids[i];
      targets[t * B + b] = ids[i + 1];
    }
  return { T, B, inputs, targets, reset };
}

export class CharLmTask implements Task {
  readonly name = "charlm" as const;
  readonly classification = false;
  readonly vocab: Vocab;
  readonly model;
  readonly tokensPerStep: number;
  readonly text: string;
  private readonly ids: Int32Array;
  private readonly T: number;
  private readonly B: number;
  private readonly nTrain: number;
  private readonly segLen: number;
  private readonly chunksPerPass: number;
  private readonly evalSet: Batch[];

  constructor(config: RunConfig, corpusText?: string) {
    if (config.corpus !== "builtin" && corpusText === undefined)
      throw new Error(`corpus "${config.corpus}": no text was given for it (the launcher resolves a corpus name to its text; the terminal reads a file)`);
    this.text = config.corpus === "builtin" ? BUILTIN_CORPUS : corpusText!;
    this.vocab = Vocab.fromText(this.text);
    this.ids = this.vocab.encode(this.text);
    this.model = { kind: "seq", vocab: this.vocab.size, classes: this.vocab.size, head: "many_to_many" } as const;
    const T = config.seq_length, B = config.batch_size, n = this.ids.length;
    this.T = T;
    this.B = B;
    this.tokensPerStep = T * B;
    this.nTrain = Math.floor(n * (1 - config.val_fraction));
    this.segLen = Math.floor((this.nTrain - 1) / B);
    this.chunksPerPass = Math.floor(this.segLen / T);
    if (this.chunksPerPass < 1)
      throw new Error(`corpus too small: ${this.nTrain} training characters for batch_size ${B} × seq_length ${T}`);
    // held-out streams: as many as fit (at most batch_size), eval_batches chunks from the start
    const nVal = n - this.nTrain;
    const Bv = Math.min(B, Math.floor((nVal - 1) / T));
    if (Bv < 1) throw new Error(`validation text too small: ${nVal} characters for seq_length ${T}`);
    const segVal = Math.floor((nVal - 1) / Bv);
    const chunks = Math.min(config.eval_batches, Math.floor(segVal / T));
    this.evalSet = Array.from({ length: chunks }, (_, k) => streamBatch(this.ids, this.nTrain, segVal, Bv, T, k, k === 0));
  }

  trainBatch(step: number): Batch {
    const chunk = step % this.chunksPerPass;
    return streamBatch(this.ids, 0, this.segLen, this.B, this.T, chunk, chunk === 0);
  }

  evalBatches(): Batch[] {
    return this.evalSet;
  }
}
