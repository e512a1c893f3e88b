// The run page's console: its first read brings the last LOG_LINES lines, and while the run
// trains each poll's new ones join them. A page watched for an hour would otherwise hold every
// line the run printed (tens of thousands of nodes); it keeps the tail, and the count line says so.

/** Console lines a first read brings and the page holds (the Logs tab shows the tail; the download has them all). */
export const LOG_LINES = 2000;

/** The held lines, then the polled ones newer than the newest held (a poll answered late repeats lines), in id order: the last `cap` of them. */
export function mergeLogTail<L extends { id: number }>(held: readonly L[], polled: readonly L[], cap: number): L[] {
  const newest = held[held.length - 1]?.id ?? 0;
  const added = polled.filter((l) => l.id > newest);
  if (added.length === 0 && held.length <= cap) return held as L[];
  const merged = [...held, ...added];
  return merged.length > cap ? merged.slice(merged.length - cap) : merged;
}
