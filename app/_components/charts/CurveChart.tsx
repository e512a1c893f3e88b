"use client";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { formatX, makeScale, nearestIndex, xDomain as dataXDomain, yDomain as dataYDomain, type ChartXMode, type Domain } from "../../_lib/chart-scale";
import { groupCurves, prepareCurve, type CurvePoint, type PreparedCurve } from "../../_lib/curves";
import type { BandKind } from "../../_lib/grouping";
import { isSmoothing, NO_SMOOTHING, type Smoothing } from "../../_lib/smoothing";
import { ChartLegend } from "./ChartLegend";
import { ChartTooltip, type TooltipRow } from "./ChartTooltip";
import styles from "./charts.module.css";
import { drawAxes, drawBand, drawEnd, drawLine, drawReference, MARGIN, type Frame } from "./draw";
import { useHover } from "./hover-sync";

/**
 * CurveChart — one panel of run curves (canvas, so 100 runs × 1,000 points redraw in a few ms).
 *
 *   <CurveChart
 *     series={[{ runId, name, color, points: [{ x: step, y, t?: secondsSinceStart }], state?, startedAt? }]}
 *     title="val_loss" smoothing={{ kind: "ema", amount: 0.6 }} logY xMode="step"   // | "relative" | "wall"
 *                                                           // | "value" (x is a metric's value, named by xLabel)
 *     highlight={runId} syncId="compare" height={260}
 *     groups={[{ key, label, color, runIds }]} band="minmax"                           // optional: mean + band per group
 *     hidden={set} onToggle={(key) => …}                                               // optional: controlled hiding
 *   />
 *
 * - Smoothing is applied here (debiased EMA / running average / gaussian); the raw curve
 *   stays faint behind the smoothed one. y = null is NaN and breaks the line.
 * - A run whose `state` is pruned/diverged/stopped/crashed/failed ends with a marker where it
 *   was cut short (× diverged, | pruned or stopped, ■ otherwise).
 * - With `groups`, each group is drawn as its mean line and a min–max or ±std band over its
 *   members (members stop counting where they end); the legend lists the groups.
 * - Interaction as in W&B: hover shows a tooltip sorted by value and, across all charts of
 *   the same `syncId`, a hover line; legend click hides a curve; drag zooms (a tall box zooms
 *   y too), double-click resets. New points just redraw: nothing animates.
 * - Test hooks: data-testid="curve-chart" with data-log-y, data-smoothing, data-zoomed,
 *   data-curves (visible curve keys), legend items data-testid="legend-item" data-key data-color.
 */

export interface ChartSeries {
  runId: string;
  name: string;
  color: string;
  points: CurvePoint[];
  state?: string;
  /** Epoch ms the run started (for wall-time x). */
  startedAt?: number | null;
  /** A dash pattern for the line (a panel of several metrics: one per metric). */
  dash?: number[];
}

export interface ChartGroup {
  key: string;
  label: string;
  color: string;
  runIds: string[];
  dash?: number[];
}

export interface CurveChartProps {
  series: ChartSeries[];
  title?: ReactNode;
  smoothing?: Smoothing;
  logY?: boolean;
  xMode?: ChartXMode;
  /** With xMode "value": what x is (a metric's name), for the tooltip. */
  xLabel?: string;
  groups?: ChartGroup[] | null;
  band?: BandKind;
  highlight?: string | null;
  hidden?: ReadonlySet<string>;
  onToggle?: (key: string) => void;
  legend?: boolean;
  syncId?: string;
  height?: number;
  /** Extra controls in the panel header (right side). */
  actions?: ReactNode;
  testId?: string;
  emptyText?: string;
  /** A dashed reference line (e.g. the mean of a noisy series), kept inside the y range. */
  reference?: { y: number; label: string } | null;
}

let chartCounter = 0;

export function CurveChart(props: CurveChartProps) {
  const { series, smoothing = NO_SMOOTHING, logY = false, xMode = "step", band = "minmax", height = 260, legend = true } = props;
  const [chartId] = useState(() => `chart-${++chartCounter}`);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [zoom, setZoom] = useState<{ x: Domain; y: Domain | null } | null>(null);
  const [brush, setBrush] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [localHidden, setLocalHidden] = useState<Set<string>>(new Set());
  const [legendHover, setLegendHover] = useState<string | null>(null);
  const [mouseY, setMouseY] = useState<number | null>(null);
  const [hover, setHover] = useHover(props.syncId);
  const hidden = props.hidden ?? localHidden;
  const toggle = props.onToggle ?? ((key: string) => setLocalHidden((h) => { const n = new Set(h); if (n.has(key)) n.delete(key); else n.add(key); return n; }));

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  // Data shaping (pure helpers): x by mode, smoothing, group means and bands.
  const runCurves = useMemo(() => series.map((s) => prepareCurve(s, xMode, smoothing)), [series, xMode, smoothing]);
  const grouped = !!props.groups && props.groups.length > 0;
  const curves: PreparedCurve[] = useMemo(() => (grouped ? groupCurves(runCurves, props.groups!, band) : runCurves), [grouped, runCurves, props.groups, band]);
  const visible = useMemo(() => curves.filter((c) => !hidden.has(c.key)), [curves, hidden]);
  const fullX = useMemo(() => dataXDomain(visible, xMode), [visible, xMode]);
  const xDom = zoom?.x ?? fullX;
  const yDom = useMemo(() => {
    if (zoom?.y) return zoom.y;
    const withBands = visible.flatMap((c) => (c.lo && c.hi && band !== "none" ? [c, { xs: c.xs, ys: c.lo }, { xs: c.xs, ys: c.hi }] : [c]));
    // the faint raw line behind a smoothed one is drawn too: the range holds it
    const raws = isSmoothing(smoothing) && !grouped ? visible.map((c) => ({ xs: c.xs, ys: c.raw })) : [];
    const ref = props.reference && fullX ? [{ xs: [fullX.min], ys: [props.reference.y] }] : [];
    return dataYDomain([...withBands, ...raws, ...ref], zoom?.x ?? null, logY);
  }, [visible, zoom, logY, band, smoothing, grouped, props.reference, fullX]);

  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const frame: Frame | null = useMemo(() => {
    if (!xDom || !yDom || width === 0) return null;
    return {
      width,
      height,
      xDomain: xDom,
      yDomain: yDom,
      xMode,
      logY,
      x: makeScale(xDom, [MARGIN.left, MARGIN.left + plotW]),
      y: makeScale(yDom, [MARGIN.top + plotH, MARGIN.top], logY),
    };
  }, [xDom, yDom, width, height, xMode, logY, plotW, plotH]);

  // Hover: the x under the mouse (shared), the value of each visible curve there.
  const hoverX = hover.x !== null && xDom && hover.x >= xDom.min && hover.x <= xDom.max ? hover.x : null;
  const hoverPoints = useMemo(() => {
    if (hoverX === null || !frame) return [];
    const span = (frame.xDomain.max - frame.xDomain.min) * 0.02;
    return visible.flatMap((c) => {
      const i = nearestIndex(c.xs, hoverX);
      if (i < 0 || hoverX < c.xs[0] - span || hoverX > c.xs[c.xs.length - 1] + span) return [];
      const y = c.ys[i];
      if (y === null || !Number.isFinite(y) || (logY && y <= 0)) return [];
      return [{ c, i, y, px: frame.x(c.xs[i]), py: frame.y(y) }];
    });
  }, [hoverX, frame, visible, logY]);
  const isSource = hover.source === chartId;
  const nearest = useMemo(() => {
    if (!isSource || mouseY === null || hoverPoints.length === 0) return null;
    return hoverPoints.reduce((a, b) => (Math.abs(b.py - mouseY) < Math.abs(a.py - mouseY) ? b : a)).c.key;
  }, [isSource, mouseY, hoverPoints]);
  const emphasised = legendHover ?? nearest ?? props.highlight ?? null;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (!frame) return;
    // test hook: the y axis's labels as drawn, bottom to top
    canvas.dataset.yLabels = drawAxes(ctx, frame).join(" ");
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, plotW, plotH);
    ctx.clip();
    const dim = (c: PreparedCurve) => emphasised !== null && c.key !== emphasised;
    const smoothed = isSmoothing(smoothing);
    if (band !== "none") for (const c of visible) drawBand(ctx, frame, c, dim(c) ? 0.06 : 0.16);
    if (smoothed && !grouped) for (const c of visible) drawLine(ctx, frame, c, c.raw, 1, dim(c) ? 0.06 : 0.18);
    const order = emphasised ? [...visible.filter((c) => c.key !== emphasised), ...visible.filter((c) => c.key === emphasised)] : visible;
    const thin = visible.length > 40 ? 1.1 : 1.6;
    for (const c of order) {
      drawLine(ctx, frame, c, c.ys, c.key === emphasised ? 2.6 : grouped ? 2 : thin, dim(c) ? 0.22 : 1);
      drawEnd(ctx, frame, c, dim(c) ? 0.3 : 1);
    }
    if (props.reference) drawReference(ctx, frame, props.reference.y, props.reference.label);
    ctx.restore();
  }, [frame, visible, emphasised, smoothing, grouped, band, width, height, plotW, plotH, props.reference]);

  const toData = (e: React.MouseEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { px: e.clientX - rect.left, py: e.clientY - rect.top };
  };
  const onMouseMove = (e: React.MouseEvent) => {
    if (!frame) return;
    const { px, py } = toData(e);
    if (brush) setBrush({ ...brush, x1: px, y1: py });
    const inside = px >= MARGIN.left && px <= MARGIN.left + plotW && py >= MARGIN.top && py <= MARGIN.top + plotH;
    setMouseY(inside ? py : null);
    setHover(inside ? { x: frame.x.invert(px), source: chartId } : { x: null, source: null });
  };
  const onMouseUp = () => {
    if (brush && frame) {
      const [x0, x1] = [Math.min(brush.x0, brush.x1), Math.max(brush.x0, brush.x1)];
      const [y0, y1] = [Math.min(brush.y0, brush.y1), Math.max(brush.y0, brush.y1)];
      if (x1 - x0 > 5) {
        setZoom({
          x: { min: frame.x.invert(Math.max(x0, MARGIN.left)), max: frame.x.invert(Math.min(x1, MARGIN.left + plotW)) },
          y: y1 - y0 > 12 ? { min: frame.y.invert(Math.min(y1, MARGIN.top + plotH)), max: frame.y.invert(Math.max(y0, MARGIN.top)) } : null,
        });
      }
    }
    setBrush(null);
  };

  const tooltipRows: TooltipRow[] = hoverPoints.map(({ c, i, y }) => ({
    key: c.key,
    name: c.name,
    color: c.color,
    value: y,
    raw: !grouped && isSmoothing(smoothing) ? c.raw[i] : undefined,
    n: c.n?.[i],
  }));
  const legendItems = grouped ? curves.map((c) => ({ key: c.key, name: c.name, color: c.color })) : curves.map((c) => ({ key: c.key, name: c.name, color: c.color, end: c.end }));

  return (
    <div
      className={styles.chart}
      data-testid={props.testId ?? "curve-chart"}
      data-log-y={logY ? "true" : "false"}
      data-smoothing={`${smoothing.kind}:${smoothing.amount}`}
      data-x-mode={xMode}
      data-zoomed={zoom ? "true" : "false"}
      data-curves={visible.map((c) => c.key).join(",")}
      data-grouped={grouped ? "true" : "false"}
      data-reference={props.reference?.y}
    >
      {(props.title || props.actions || zoom) && (
        <div className={styles.head}>
          {props.title && <span className={styles.title}>{props.title}</span>}
          <span className={styles.spacer} />
          {zoom && (
            <button type="button" className={styles.reset} onClick={() => setZoom(null)} data-testid="reset-zoom">
              Reset zoom
            </button>
          )}
          {props.actions}
        </div>
      )}
      <div
        ref={wrapRef}
        className={styles.plot}
        style={{ height }}
        onMouseMove={onMouseMove}
        onMouseLeave={() => {
          setHover({ x: null, source: null });
          setMouseY(null);
          setBrush(null);
        }}
        onMouseDown={(e) => {
          if (e.button !== 0) return;
          const { px, py } = toData(e);
          setBrush({ x0: px, y0: py, x1: px, y1: py });
        }}
        onMouseUp={onMouseUp}
        onDoubleClick={() => setZoom(null)}
        data-testid="chart-plot"
      >
        <canvas ref={canvasRef} />
        {!frame && width > 0 && <div className={styles.empty}>{props.emptyText ?? "No data"}</div>}
        {frame && hoverX !== null && (
          <svg className={styles.overlay} width={width} height={height}>
            <line x1={frame.x(hoverX)} x2={frame.x(hoverX)} y1={MARGIN.top} y2={MARGIN.top + plotH} stroke="#98a2b3" strokeDasharray="3 3" />
            {hoverPoints.map((p) => (
              <circle key={p.c.key} cx={p.px} cy={p.py} r={p.c.key === emphasised ? 4 : 3} fill={p.c.color} stroke="#fff" strokeWidth={1} />
            ))}
          </svg>
        )}
        {brush && Math.abs(brush.x1 - brush.x0) > 2 && (
          <div
            className={styles.brush}
            style={
              Math.abs(brush.y1 - brush.y0) > 12
                ? { left: Math.min(brush.x0, brush.x1), width: Math.abs(brush.x1 - brush.x0), top: Math.min(brush.y0, brush.y1), height: Math.abs(brush.y1 - brush.y0) }
                : { left: Math.min(brush.x0, brush.x1), width: Math.abs(brush.x1 - brush.x0), top: MARGIN.top, height: plotH }
            }
          />
        )}
        {frame && isSource && hoverX !== null && tooltipRows.length > 0 && !brush && (
          <ChartTooltip
            title={`${xMode === "step" ? "Step " : xMode === "value" ? `${props.xLabel ?? "x"} ` : ""}${formatX(hoverPoints[0] ? hoverPoints[0].c.xs[hoverPoints[0].i] : hoverX, xMode, frame.xDomain.max - frame.xDomain.min)}`}
            rows={tooltipRows}
            nearest={nearest}
            left={frame.x(hoverX)}
            top={MARGIN.top}
            flip={frame.x(hoverX) > width * 0.6}
          />
        )}
      </div>
      {legend && <ChartLegend items={legendItems} hidden={hidden} onToggle={toggle} onHover={setLegendHover} />}
    </div>
  );
}
