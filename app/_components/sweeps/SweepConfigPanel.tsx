import { docToYaml, type SweepDoc } from "../../_lib/sweep-form";

// The sweep's own configuration on its page, as W&B's sweep overview shows it: what it searches
// (each parameter's values, range and distribution), its method, metric and budget — the
// reference a person reading the runs below needs, folded away until opened.

/**
 * The text the panel shows: the YAML as it was launched (comments and key order kept) when it
 * came as YAML; a sweep sent as JSON (or by a client without text) as the stored config in YAML.
 */
export function sweepConfigText(rawConfig: string, config: SweepDoc): string {
  const raw = rawConfig.trim();
  return raw !== "" && !raw.startsWith("{") ? raw : docToYaml(config).trimEnd();
}

export function SweepConfigPanel(props: { rawConfig: string; config: SweepDoc; seed: number }) {
  const text = sweepConfigText(props.rawConfig, props.config);
  // the seed its draws came from: stored beside the config when the text names none
  const seedNamed = typeof props.config.seed === "number";
  return (
    <details className="card sw-gap sw-config" data-testid="sweep-config">
      <summary className="card-header">
        <span className="card-title">Sweep configuration</span>
        <span className="faint" data-testid="sweep-config-seed" title={seedNamed ? undefined : `Drawn at launch: write seed: ${props.seed} to repeat these draws`}>
          seed {props.seed}
        </span>
      </summary>
      <pre className="sw-config-text" data-testid="sweep-config-text">
        {text}
      </pre>
    </details>
  );
}
