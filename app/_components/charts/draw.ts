import { formatX, linearTickFormat, logTickFormat, logTicks, linearTicks, xTicks, type Domain, type Scale, type ChartXMode } from "../../_lib/chart-scale";
import type { PreparedCurve } from "../../_lib/curves";

// Canvas drawing of the curve chart: axes and grid, bands, lines (broken at NaN), end
// markers for runs cut short. Called with already-shaped curves and scales.

export const MARGIN = { left: 58, right: 14, top: 10, bottom: 26 };

export interface Frame {
  width: number;
  height: number;
  x: Scale;
  y: Scale;
  xDomain: Domain;
  yDomain: Domain;
  xMode: ChartXMode;
  logY: boolean;
}

function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Draws the axes and grid; returns the y labels drawn, bottom to top (a test hook). */
export function drawAxes(ctx: CanvasRenderingContext2D, f: Frame): string[] {
  const { left, right, top, bottom } = MARGIN;
  const plotRight = f.width - right;
  const plotBottom = f.height - bottom;
  ctx.font = "11px Inter, ui-sans-serif, system-ui, sans-serif";
  ctx.fillStyle = "#667085";
  ctx.strokeStyle = "#eef0f3";
  ctx.lineWidth = 1;
  const yt = f.logY ? logTicks(f.yDomain.min, f.yDomain.max) : linearTicks(f.yDomain.min, f.yDomain.max, Math.max(2, Math.floor((plotBottom - top) / 40)));
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yLabels: string[] = [];
  // one notation per axis: 0, 2e-4 … 1e-3 (not "8e-4" beside "0.001"); 0, 5k, 10k
  const yLabel = f.logY ? logTickFormat(yt) : linearTickFormat(yt, true);
  for (const v of yt) {
    const py = Math.round(f.y(v)) + 0.5;
    if (py < top - 1 || py > plotBottom + 1) continue;
    ctx.beginPath();
    ctx.moveTo(left, py);
    ctx.lineTo(plotRight, py);
    ctx.stroke();
    const label = yLabel(v);
    yLabels.push(label);
    ctx.fillText(label, left - 6, py);
  }
  const xt = xTicks(f.xDomain, f.xMode, Math.max(2, Math.floor((plotRight - left) / 90)));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const span = f.xDomain.max - f.xDomain.min;
  // steps and a metric's values as the y axis's numbers; times as times
  const xLabel = f.xMode === "step" || f.xMode === "value" ? linearTickFormat(xt, true) : (v: number) => formatX(v, f.xMode, span);
  for (const v of xt) {
    const px = Math.round(f.x(v)) + 0.5;
    if (px < left - 1 || px > plotRight + 1) continue;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, plotBottom);
    ctx.stroke();
    const label = xLabel(v);
    const w = ctx.measureText(label).width;
    // Keep the labels at the ends inside the canvas.
    ctx.textAlign = px + w / 2 > f.width - 2 ? "right" : px - w / 2 < 2 ? "left" : "center";
    ctx.fillText(label, ctx.textAlign === "right" ? f.width - 2 : px, plotBottom + 6);
  }
  ctx.strokeStyle = "#cfd4dc";
  ctx.beginPath();
  ctx.moveTo(left + 0.5, top);
  ctx.lineTo(left + 0.5, plotBottom + 0.5);
  ctx.lineTo(plotRight, plotBottom + 0.5);
  ctx.stroke();
  return yLabels;
}

const usable = (y: number | null | undefined, log: boolean): y is number => typeof y === "number" && Number.isFinite(y) && (!log || y > 0);

export function drawBand(ctx: CanvasRenderingContext2D, f: Frame, c: PreparedCurve, opacity: number): void {
  if (!c.lo || !c.hi) return;
  ctx.fillStyle = alpha(c.color, opacity);
  // One polygon per run of consecutive usable points.
  let start = -1;
  const flush = (end: number) => {
    if (start < 0 || end - start < 1) return;
    ctx.beginPath();
    for (let i = start; i <= end; i++) ctx.lineTo(f.x(c.xs[i]), f.y(c.hi![i]));
    for (let i = end; i >= start; i--) ctx.lineTo(f.x(c.xs[i]), f.y(c.lo![i]));
    ctx.closePath();
    ctx.fill();
  };
  for (let i = 0; i < c.xs.length; i++) {
    const ok = usable(c.lo[i], f.logY) && usable(c.hi[i], f.logY);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      flush(i - 1);
      start = -1;
    }
  }
  if (start >= 0) flush(c.xs.length - 1);
}

export function drawLine(ctx: CanvasRenderingContext2D, f: Frame, c: PreparedCurve, ys: (number | null)[], width: number, opacity: number): void {
  ctx.strokeStyle = alpha(c.color, opacity);
  ctx.lineWidth = width;
  ctx.lineJoin = "round";
  ctx.setLineDash(c.dash ?? []);
  ctx.beginPath();
  const dots: [number, number][] = [];
  let pen = false;
  for (let i = 0; i < c.xs.length; i++) {
    const y = ys[i];
    if (!usable(y, f.logY)) {
      pen = false;
      continue;
    }
    const px = f.x(c.xs[i]);
    const py = f.y(y);
    if (pen) ctx.lineTo(px, py);
    else {
      ctx.moveTo(px, py);
      // a point with no neighbour (a run's first evaluation) has no line: draw it as a dot
      if (!usable(ys[i + 1], f.logY)) dots.push([px, py]);
    }
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = alpha(c.color, opacity);
  for (const [px, py] of dots) {
    ctx.beginPath();
    ctx.arc(px, py, Math.max(3, width * 1.6), 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** A dashed horizontal line across the plot with its label at the right (e.g. a run's mean throughput). */
export function drawReference(ctx: CanvasRenderingContext2D, f: Frame, y: number, label: string): void {
  const py = Math.round(f.y(y)) + 0.5;
  const plotRight = f.width - MARGIN.right;
  ctx.save();
  ctx.strokeStyle = "#475467";
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(MARGIN.left, py);
  ctx.lineTo(plotRight, py);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = "11px Inter, ui-sans-serif, system-ui, sans-serif";
  ctx.textAlign = "right";
  ctx.textBaseline = "bottom";
  const w = ctx.measureText(label).width;
  ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
  ctx.fillRect(plotRight - w - 6, py - 15, w + 4, 13);
  ctx.fillStyle = "#344054";
  ctx.fillText(label, plotRight - 4, py - 2);
  ctx.restore();
}

/** Where a run ended early: × for a divergence, a bar for pruned/stopped, a square otherwise. */
export function drawEnd(ctx: CanvasRenderingContext2D, f: Frame, c: PreparedCurve, opacity: number): void {
  if (!c.end) return;
  let i = c.ys.length - 1;
  while (i >= 0 && !usable(c.ys[i], f.logY)) i--;
  if (i < 0) return;
  const px = f.x(c.xs[i]);
  const py = f.y(c.ys[i]!);
  ctx.strokeStyle = alpha(c.color, opacity);
  ctx.fillStyle = alpha(c.color, opacity);
  ctx.lineWidth = 1.6;
  ctx.beginPath();
  if (c.end === "diverged") {
    ctx.moveTo(px - 4, py - 4);
    ctx.lineTo(px + 4, py + 4);
    ctx.moveTo(px + 4, py - 4);
    ctx.lineTo(px - 4, py + 4);
    ctx.stroke();
  } else if (c.end === "pruned" || c.end === "stopped") {
    ctx.moveTo(px, py - 5);
    ctx.lineTo(px, py + 5);
    ctx.stroke();
  } else {
    ctx.fillRect(px - 3, py - 3, 6, 6);
  }
}
