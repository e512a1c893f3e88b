import { Act, type Backend } from "./kernels/backend";
import { Dropout } from "./layers/dropout";
import { LayerNorm, type LayerNormCache } from "./layers/layernorm";
import { Linear } from "./layers/linear";
import { countTargets, type Batch, type ForwardResult, type Model } from "./model";
import { ParamSet } from "./params";
import type { Rng } from "./rng";

// The quadrant classifier: a two-layer MLP (two hidden layers of `hidden` units)
//   x → Linear → [LayerNorm] → act → [dropout] → Linear → [LayerNorm] → act → [dropout] → Linear → logits
// act is the configured activation (ReLU in the lecture's experiment).

export interface MlpSpec {
  inputs: number;
  hidden: number;
  classes: number;
  activation: "tanh" | "relu";
  layernorm: boolean;
  dropout: number;
}

const HIDDEN_LAYERS = 2;

class Buffers {
  readonly pre: Float32Array[] = []; // linear outputs
  readonly normed: Float32Array[] = []; // layer-norm outputs
  readonly lnCache: LayerNormCache[] = [];
  readonly act: Float32Array[] = []; // activations (the next layer's input)
  readonly masks: Float32Array[] = [];
  readonly dropped: Float32Array[] = [];
  readonly dAct: Float32Array[] = [];
  readonly dPre: Float32Array[] = [];
  readonly logits: Float32Array;
  readonly dlogits: Float32Array;
  constructor(be: Backend, spec: MlpSpec, B: number, lns: LayerNorm[]) {
    const n = B * spec.hidden;
    for (let l = 0; l < HIDDEN_LAYERS; l++) {
      this.pre.push(be.alloc(n));
      this.normed.push(be.alloc(n));
      if (lns[l]) this.lnCache.push(lns[l].cache(B));
      this.act.push(be.alloc(n));
      this.masks.push(be.alloc(n));
      this.dropped.push(be.alloc(n));
      this.dAct.push(be.alloc(n));
      this.dPre.push(be.alloc(n));
    }
    this.logits = be.alloc(B * spec.classes);
    this.dlogits = be.alloc(B * spec.classes);
  }
}

export class Mlp implements Model {
  readonly params = new ParamSet();
  readonly linears: Linear[] = [];
  readonly norms: LayerNorm[] = [];
  readonly dropout: Dropout;
  readonly act: Act;
  private readonly buffers = new Map<number, Buffers>();
  private last: { batch: Batch; bufs: Buffers; inputs: Float32Array[]; training: boolean } | null = null;

  constructor(readonly backend: Backend, readonly spec: MlpSpec) {
    const be = backend, p = this.params;
    for (let l = 0; l < HIDDEN_LAYERS; l++) {
      this.linears.push(new Linear(be, p, `fc${l}`, l === 0 ? spec.inputs : spec.hidden, spec.hidden));
      if (spec.layernorm) this.norms.push(new LayerNorm(be, p, `ln${l}`, spec.hidden));
    }
    this.linears.push(new Linear(be, p, "head", spec.hidden, spec.classes));
    this.dropout = new Dropout(be, spec.dropout);
    this.act = spec.activation === "relu" ? Act.relu : Act.tanh;
    p.allocate(be);
  }

  forward(batch: Batch, _stream: string, training: boolean, rng: Rng | null): ForwardResult {
    const be = this.backend, spec = this.spec, B = batch.B;
    let bufs = this.buffers.get(B);
    if (!bufs) this.buffers.set(B, (bufs = new Buffers(be, spec, B, this.norms)));
    const inputs: Float32Array[] = []; // the input of each linear, kept for backward
    let x = batch.inputs as Float32Array;
    for (let l = 0; l < HIDDEN_LAYERS; l++) {
      inputs.push(x);
      this.linears[l].forward(B, x, bufs.pre[l]);
      let z = bufs.pre[l];
      if (spec.layernorm) {
        this.norms[l].forward(B, z, bufs.normed[l], bufs.lnCache[l]);
        z = bufs.normed[l];
      }
      be.actForward(this.act, bufs.act[l], z);
      x = bufs.act[l];
      if (training && spec.dropout > 0) {
        this.dropout.sampleMask(bufs.masks[l], rng!);
        this.dropout.forward(x, bufs.dropped[l], bufs.masks[l]);
        x = bufs.dropped[l];
      }
    }
    inputs.push(x);
    this.linears[HIDDEN_LAYERS].forward(B, x, bufs.logits);
    const count = countTargets(batch.targets);
    const lossSum = be.softmaxCrossEntropy(B, spec.classes, bufs.logits, batch.targets, bufs.dlogits, count > 0 ? 1 / count : 0);
    const correct = be.countCorrect(B, spec.classes, bufs.logits, batch.targets);
    this.last = { batch, bufs, inputs, training };
    return { lossSum, count, correct };
  }

  backward(): void {
    const { batch, bufs, inputs, training } = this.last!;
    const be = this.backend, spec = this.spec, B = batch.B;
    this.linears[HIDDEN_LAYERS].backward(B, inputs[HIDDEN_LAYERS], bufs.dlogits, bufs.dAct[HIDDEN_LAYERS - 1]);
    for (let l = HIDDEN_LAYERS - 1; l >= 0; l--) {
      const dAct = bufs.dAct[l];
      if (training && spec.dropout > 0) this.dropout.backward(dAct, dAct, bufs.masks[l]);
      if (spec.layernorm) {
        be.actBackward(this.act, bufs.dPre[l], dAct, bufs.act[l], false); // ∂L/∂(LN output)
        this.norms[l].backward(B, bufs.dPre[l], bufs.dPre[l], bufs.lnCache[l]);
      } else be.actBackward(this.act, bufs.dPre[l], dAct, bufs.act[l], false);
      this.linears[l].backward(B, inputs[l], bufs.dPre[l], l > 0 ? bufs.dAct[l - 1] : null);
    }
  }

  exportStates(): Record<string, Float32Array[]> {
    return {};
  }

  importStates(): void {}
}
