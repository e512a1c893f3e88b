import type { Backend } from "./kernels/backend";

// Every trainable tensor of a model lives in ONE flat weight buffer and ONE flat gradient
// buffer; each Param is a pair of views into them. So the optimizer, gradient clipping, the
// NaN guard and checkpoints each handle a single vector with a single kernel call.

/** How init.ts fills a parameter. */
export type ParamRole =
  | { kind: "weight"; fanIn: number; fanOut: number } // a matrix [fanIn × cols]; init rule from config
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "lstm_bias"; hidden: number }; // gates [i|f|g|o]: forget (and input) blocks from config.forget_bias

export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
  readonly role: ParamRole;
  /** Views into ParamSet.w / ParamSet.g, valid once the set is allocated. */
  w: Float32Array;
  g: Float32Array;
}

export class ParamSet {
  readonly list: Param[] = [];
  w: Float32Array = new Float32Array(0); // replaced by backend buffers in allocate()
  g: Float32Array = new Float32Array(0);
  private allocated = false;

  add(name: string, shape: number[], role: ParamRole): Param {
    if (this.allocated) throw new Error(`param ${name} added after allocation`);
    if (this.list.some((p) => p.name === name)) throw new Error(`duplicate param ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const param: Param = { name, shape, size, role, w: this.w, g: this.g };
    this.list.push(param);
    return param;
  }

  get size(): number {
    return this.list.reduce((n, p) => n + p.size, 0);
  }

  allocate(backend: Backend): void {
    this.w = backend.alloc(this.size);
    this.g = backend.alloc(this.size);
    let offset = 0;
    for (const p of this.list) {
      p.w = this.w.subarray(offset, offset + p.size);
      p.g = this.g.subarray(offset, offset + p.size);
      offset += p.size;
    }
    this.allocated = true;
  }

  byName(name: string): Param {
    const p = this.list.find((q) => q.name === name);
    if (!p) throw new Error(`no param ${name}`);
    return p;
  }
}
