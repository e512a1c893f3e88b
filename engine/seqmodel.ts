import type { Backend } from "./kernels/backend";
import { Dropout } from "./layers/dropout";
import { Embedding } from "./layers/embedding";
import { GruLayer } from "./layers/gru";
import { Linear } from "./layers/linear";
import { LstmLayer } from "./layers/lstm";
import type { LayerState, RecurrentLayer } from "./layers/recurrent";
import { RnnLayer } from "./layers/rnn";
import { countTargets, type Batch, type ForwardResult, type Model } from "./model";
import { ParamSet, type Param } from "./params";
import type { Rng } from "./rng";

// The recurrent model: tokens → embedding (or one-hot) → num_layers recurrent layers, each
// followed by dropout → linear head → softmax cross-entropy. The head reads every step
// (many-to-many: a language model) or only the last one (many-to-one: a sequence classifier).

export interface SeqModelSpec {
  vocab: number; // input symbols
  classes: number; // output classes
  cell: "rnn" | "lstm" | "gru";
  activation: "tanh" | "relu";
  hidden: number;
  layers: number;
  embeddingDim: number; // 0 = one-hot input
  dropout: number;
  layernorm: boolean;
  learnedH0: boolean;
  head: "many_to_many" | "many_to_one";
}

interface StreamState {
  layers: LayerState[];
  B: number;
  fresh: boolean; // still at h0: a learned h0 receives gradient from the next chunk
}

class Buffers {
  readonly x0: Float32Array | null; // embedding output
  readonly masks: Float32Array[]; // dropout masks per layer
  readonly dropped: Float32Array[]; // dropout outputs per layer
  readonly logits: Float32Array;
  readonly dlogits: Float32Array;
  readonly dTop: Float32Array; // ∂L/∂(top layer output)
  constructor(be: Backend, spec: SeqModelSpec, T: number, B: number) {
    const rows = T * B, H = spec.hidden;
    const headRows = spec.head === "many_to_many" ? rows : B;
    this.x0 = spec.embeddingDim > 0 ? be.alloc(rows * spec.embeddingDim) : null;
    this.masks = spec.dropout > 0 ? Array.from({ length: spec.layers }, () => be.alloc(rows * H)) : [];
    this.dropped = spec.dropout > 0 ? Array.from({ length: spec.layers }, () => be.alloc(rows * H)) : [];
    this.logits = be.alloc(headRows * spec.classes);
    this.dlogits = be.alloc(headRows * spec.classes);
    this.dTop = be.alloc(rows * H);
  }
}

export class SeqModel implements Model {
  readonly params = new ParamSet();
  readonly embedding: Embedding | null;
  readonly layers: RecurrentLayer[] = [];
  readonly h0: Param[] = [];
  readonly head: Linear;
  readonly dropout: Dropout;
  private readonly buffers = new Map<string, Buffers>();
  private readonly streams = new Map<string, StreamState>();
  private last: { batch: Batch; bufs: Buffers; stream: StreamState; fresh: boolean; training: boolean; headIn: Float32Array } | null = null;

  constructor(readonly backend: Backend, readonly spec: SeqModelSpec) {
    const be = backend, p = this.params, H = spec.hidden;
    this.embedding = spec.embeddingDim > 0 ? new Embedding(be, p, "embed", spec.vocab, spec.embeddingDim) : null;
    for (let l = 0; l < spec.layers; l++) {
      const opts = {
        inputSize: l > 0 ? H : spec.embeddingDim || spec.vocab,
        hidden: H,
        tokenInput: l === 0 && spec.embeddingDim === 0,
        layernorm: spec.layernorm,
      };
      const name = `layer${l}`;
      this.layers.push(
        spec.cell === "lstm" ? new LstmLayer(be, p, name, opts)
        : spec.cell === "gru" ? new GruLayer(be, p, name, opts)
        : new RnnLayer(be, p, name, { ...opts, activation: spec.activation }),
      );
      if (spec.learnedH0) this.h0.push(p.add(`${name}.h0`, [H], { kind: "zeros" }));
    }
    if (this.embedding) this.layers[0].foldEmbedding(this.embedding.E, spec.vocab);
    this.head = new Linear(be, p, "head", H, spec.classes);
    this.dropout = new Dropout(be, spec.dropout);
    p.allocate(be);
  }

  private buffersFor(T: number, B: number): Buffers {
    const key = `${T}x${B}`;
    let bufs = this.buffers.get(key);
    if (!bufs) this.buffers.set(key, (bufs = new Buffers(this.backend, this.spec, T, B)));
    return bufs;
  }

  /** The carried state of a stream, created (at h0) on first use or when B changes. */
  stream(name: string, B: number): StreamState {
    let s = this.streams.get(name);
    if (!s || s.B !== B) {
      const be = this.backend, n = B * this.spec.hidden;
      s = { B, fresh: true, layers: this.layers.map((l) => ({ h: be.alloc(n), c: l.cell === "lstm" ? be.alloc(n) : null })) };
      this.streams.set(name, s);
      this.resetStream(s);
    }
    return s;
  }

  resetStream(s: StreamState): void {
    const H = this.spec.hidden;
    s.layers.forEach((ls, l) => {
      if (this.spec.learnedH0) for (let b = 0; b < s.B; b++) ls.h.set(this.h0[l].w, b * H);
      else ls.h.fill(0);
      ls.c?.fill(0);
    });
    s.fresh = true;
  }

  forward(batch: Batch, streamName: string, training: boolean, rng: Rng | null): ForwardResult {
    const { T, B } = batch, be = this.backend, spec = this.spec, H = spec.hidden;
    const bufs = this.buffersFor(T, B);
    const s = this.stream(streamName, B);
    if (batch.reset) this.resetStream(s);
    const fresh = s.fresh;
    // with an embedding, the first layer takes the tokens itself when that is cheaper (foldEmbedding)
    const folded = this.embedding !== null && this.layers[0].foldsEmbedding(T * B);
    let x: Float32Array | Int32Array = batch.inputs;
    if (this.embedding && !folded) {
      this.embedding.forward(batch.inputs as Int32Array, bufs.x0!);
      x = bufs.x0!;
    }
    for (let l = 0; l < this.layers.length; l++) {
      const out = this.layers[l].forward(T, B, x, s.layers[l], fresh);
      if (training && spec.dropout > 0) {
        this.dropout.sampleMask(bufs.masks[l], rng!);
        this.dropout.forward(out, bufs.dropped[l], bufs.masks[l]);
        x = bufs.dropped[l];
      } else x = out;
    }
    s.fresh = false;
    const top = x as Float32Array;
    const headIn = spec.head === "many_to_many" ? top : top.subarray((T - 1) * B * H, T * B * H);
    const rows = spec.head === "many_to_many" ? T * B : B;
    this.head.forward(rows, headIn, bufs.logits);
    const count = countTargets(batch.targets);
    const lossSum = be.softmaxCrossEntropy(rows, spec.classes, bufs.logits, batch.targets, bufs.dlogits, count > 0 ? 1 / count : 0);
    const correct = be.countCorrect(rows, spec.classes, bufs.logits, batch.targets);
    this.last = { batch, bufs, stream: s, fresh, training, headIn };
    return { lossSum, count, correct };
  }

  /** Logits of the last forward: [T·B × classes] (many-to-many) or [B × classes]. */
  get logits(): Float32Array {
    return this.last!.bufs.logits;
  }

  backward(): void {
    const { batch, bufs, fresh, training, headIn } = this.last!;
    const { T, B } = batch, be = this.backend, spec = this.spec, H = spec.hidden;
    let dOut = bufs.dTop;
    if (spec.head === "many_to_many") this.head.backward(T * B, headIn, bufs.dlogits, dOut);
    else {
      be.fill(dOut, 0);
      this.head.backward(B, headIn, bufs.dlogits, dOut.subarray((T - 1) * B * H, T * B * H));
    }
    for (let l = this.layers.length - 1; l >= 0; l--) {
      if (training && spec.dropout > 0) this.dropout.backward(dOut, dOut, bufs.masks[l]);
      const layer = this.layers[l];
      const dX = layer.backward(dOut);
      if (spec.learnedH0 && fresh) be.sumRows(this.h0[l].g, layer.last!.dhNext, B, H);
      if (l > 0) dOut = dX!;
      else if (this.embedding && dX) this.embedding.backward(batch.inputs as Int32Array, dX); // dX null: folded
    }
  }

  exportStates(): Record<string, Float32Array[]> {
    const out: Record<string, Float32Array[]> = {};
    for (const [name, s] of this.streams) out[name] = s.layers.flatMap((ls) => (ls.c ? [ls.h, ls.c] : [ls.h]));
    return out;
  }

  importStates(states: Record<string, Float32Array[]>): void {
    for (const [name, tensors] of Object.entries(states)) {
      const B = tensors[0].length / this.spec.hidden;
      const s = this.stream(name, B);
      let i = 0;
      for (const ls of s.layers) {
        ls.h.set(tensors[i++]);
        if (ls.c) ls.c.set(tensors[i++]);
      }
      s.fresh = false;
    }
  }
}
