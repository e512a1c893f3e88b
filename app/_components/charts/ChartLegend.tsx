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
  /** test ids of the list and its items (a second legend of a page, as the compare scatter's, is told apart) */
  testId?: string;
}) {
  if (props.items.length === 0) return null;
  const testId = props.testId ?? "chart-legend";
  return (
    <ul className={styles.legend} data-testid={testId}>
      {props.items.map((item) => {
        const hidden = props.hidden.has(item.key);
        return (
          <li key={item.key}>
            <button
              type="button"
              data-testid={props.testId ? `${props.testId}-item` : "legend-item"}
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
