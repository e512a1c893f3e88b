"use client";
import * as echarts from "echarts/core";
import { useEffect, useRef, type RefObject } from "react";

/**
 * An ECharts instance on `el` for as long as the element is mounted: resized with it,
 * disposed with it. `onInit` wires the chart's events once; `mounted` re-creates the chart
 * when the element comes and goes (an empty state in its place).
 */
export function useEChart(el: RefObject<HTMLDivElement | null>, onInit?: (chart: echarts.ECharts) => void, mounted = true): RefObject<echarts.ECharts | null> {
  const chart = useRef<echarts.ECharts | null>(null);
  const init = useRef(onInit);
  init.current = onInit;
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, null, { renderer: "canvas" });
    chart.current = c;
    init.current?.(c);
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [el, mounted]);
  return chart;
}
