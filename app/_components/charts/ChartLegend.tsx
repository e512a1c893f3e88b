"use client";
import styles from "./charts.module.css";

// The legend under a chart: a swatch and a name per curve; click hides or shows a curve,
// hover highlights it. Hidden curves stay listed, struck through.

export interface LegendItem {
  key: string;
  name: string;
  color: string;
  end?: string;
}

export function ChartLegend(props: {
  items: LegendItem[];
  hidden: ReadonlySet<string>;
  onToggle: (key: string) => void;
  onHover?: (key: string | null) => void;
}) {
  if (props.items.length === 0) return null;
  return (
    <ul className={styles.legend} data-testid="chart-legend">
      {props.items.map((item) => {
        const hidden = props.hidden.has(item.key);
        return (
          <li key={item.key}>
            <button
              type="button"
              data-testid="legend-item"
              data-key={item.key}
              data-color={item.color}
              data-hidden={hidden ? "true" : "false"}
              aria-pressed={!hidden}
              title={hidden ? "Show this curve" : "Hide this curve"}
              onClick={() => props.onToggle(item.key)}
              onMouseEnter={() => props.onHover?.(item.key)}
              onMouseLeave={() => props.onHover?.(null)}
            >
              <span className="swatch" style={{ background: hidden ? "transparent" : item.color, borderColor: item.color }} />
              <span className={styles.legendName}>{item.name}</span>
              {item.end && <span className={styles.legendEnd}>{item.end}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
