import type { SeriesPoint } from "../../prisma/store/metrics";
import { appendTail } from "./sweep-curves";

const pointStep = (p: SeriesPoint) => p.step;

// The run page's curves, polled live as the compare page's are (sweep-curves.ts curvesQuery and
// mergeCurves; the store's readSeriesTails): a poll asks only for the points after the last step
// the page holds of every series, and appends them. So the page holds a downsampled head and a
// raw tail; it asks whole again once a series holds more than 2 × RUN_POINTS (a tail that grew
// long), and the server answers whole when the tail is longer than that, when the series it
// would show are not the ones held (a metric logged for the first time), or once the run has
// ended (the last answer is then what a fresh load shows).

/** Points per series a whole read downsamples to. */
export const RUN_POINTS = 1000;

/** The series held, as the live poll's query: since=<step>&series=<count>&last=<last name> (its points after step), or "" (ask whole). */
export function runSeriesQuery(series: Record<string, SeriesPoint[]>, points = RUN_POINTS): string {
  const names = Object.keys(series);
  if (names.length === 0) return "";
  let step = Infinity;
  for (const name of names) {
    const held = series[name];
    if (held.length === 0 || held.length > 2 * points) return "";
    step = Math.min(step, held[held.length - 1].step);
  }
  return `since=${step}&series=${names.length}&last=${encodeURIComponent(names[names.length - 1])}`;
}

/** The series the server answers with and, when they are tails, the step they follow (seriesAfter). */
export interface RunSeriesAnswer {
  series: Record<string, SeriesPoint[]>;
  seriesAfter?: number;
}

/** `held` with an answer merged in (pure; a series nothing was added to keeps its array): tails appended after their step, a whole answer as it is. */
export function mergeRunSeries(held: Record<string, SeriesPoint[]>, answer: RunSeriesAnswer): Record<string, SeriesPoint[]> {
  const after = answer.seriesAfter;
  if (after === undefined) return answer.series;
  const merged: Record<string, SeriesPoint[]> = {};
  for (const [name, points] of Object.entries(held)) merged[name] = appendTail(points, answer.series[name] ?? [], after, pointStep);
  return merged;
}
