"use client";
import { useState } from "react";
import { configYaml, trainCommand } from "../../../_lib/run-copy";

// The run page's Config tab actions: copy the config as YAML, copy the command that trains it
// again from a terminal (`npm run train -- …`, engine runs only), download the checkpoint
// (engine runs only: a program's run has none, so it is not told it has none yet).

export function RunCopyActions(props: { runId: string; config: Record<string, unknown>; engineRun: boolean; hasCheckpoint: boolean }) {
  const [copied, setCopied] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const copy = async (what: string, text: string) => {
    setShown(text);
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      // no clipboard (an insecure origin, a refused permission): the text is shown to copy by hand
      setCopied(null);
    }
  };
  return (
    <div className="hk-copy">
      <div className="row">
        <button type="button" className="btn btn-sm" onClick={() => copy("yaml", configYaml(props.config))} data-testid="copy-yaml">
          {copied === "yaml" ? "Copied YAML ✓" : "Copy config as YAML"}
        </button>
        {props.engineRun && (
          <button type="button" className="btn btn-sm" onClick={() => copy("cli", trainCommand(props.config))} data-testid="copy-cli" title="npm run train -- … trains this config again in a terminal">
            {copied === "cli" ? "Copied command ✓" : "Copy as CLI command"}
          </button>
        )}
        {props.hasCheckpoint ? (
          <a className="btn btn-sm" href={`/api/runs/${props.runId}/checkpoint`} download data-testid="download-checkpoint" title="Weights, optimizer state, config and seed: npm run train -- --resume FILE continues from it">
            Download checkpoint
          </a>
        ) : (
          props.engineRun && (
            <span className="faint" style={{ fontSize: 12.5 }} data-testid="no-checkpoint">
              No checkpoint yet
            </span>
          )
        )}
      </div>
      {shown !== null && (
        <pre className="hk-copied" data-testid="copied-text">
          {shown}
        </pre>
      )}
    </div>
  );
}
