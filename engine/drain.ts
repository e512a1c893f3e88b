// Long passes (evaluation, sampling) are generators that yield between their pieces, so the
// trainer can show it is alive inside them (heartbeats); drain runs one straight through.

/** Run a generator to its end, ignoring what it yields: its return value. */
export function drain<T>(work: Generator<unknown, T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}
