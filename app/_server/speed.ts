import { recentRunTimes } from "../../prisma/store";
import { thisHost } from "../../sweeps/executor/coordinator";
import { calibrateSpeed, type Calibration } from "../../sweeps/estimate";

// This server's speed: sweeps/estimate.ts calibrateSpeed on the last runs its executor finished
// (null until there are enough). The new-sweep form's estimate reads it afresh; a running sweep's
// time left, polled every second or so by each open sweep page, reads it at most every CACHE_MS.

const CACHE_MS = 30_000;

type Global = typeof globalThis & { __sweeplabSpeed?: { at: number; value: Promise<Calibration | null> } };

export function serverCalibration(options: { fresh?: boolean } = {}): Promise<Calibration | null> {
  const g = globalThis as Global;
  const now = Date.now();
  if (!options.fresh && g.__sweeplabSpeed && now - g.__sweeplabSpeed.at < CACHE_MS) return g.__sweeplabSpeed.value;
  const value = recentRunTimes({ host: thisHost() }).then((runs) => calibrateSpeed(runs));
  g.__sweeplabSpeed = { at: now, value };
  // a failed read is not kept
  value.catch(() => {
    if (g.__sweeplabSpeed?.value === value) g.__sweeplabSpeed = undefined;
  });
  return value;
}
