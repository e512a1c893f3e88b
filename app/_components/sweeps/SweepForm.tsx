"use client";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { isPlainObject, parseSweepConfig, parseSweepConfigText, PROGRAM_SWEEP_HINT, readSweepText, type SweepIssue } from "../../../sweeps/config";
import { estimateSweepTime, type Calibration } from "../../../sweeps/estimate";
import { docToJson, docToYaml, estimateRuns, needsConfirmation, paramsOf, unknownParameterKeyList, unplacedIssues, withProject, type SweepDoc } from "../../_lib/sweep-form";
import { presetOf, PRESETS } from "../../_lib/sweep-presets";
import { Tabs } from "../ui/Tabs";
import { chosenProject } from "../Nav";
import { ConfigTextEditor } from "./ConfigTextEditor";
import { fieldId } from "./FieldErrors";
import { LaunchPanel } from "./LaunchPanel";
import { ParamList } from "./ParamList";
import { SETTINGS_PATHS, SweepSettings } from "./SweepSettings";

// The new-sweep form. One document (a W&B sweep config) is edited two ways — form fields or
// YAML/JSON text — and validated on every change with the schema the server uses. Launch
// posts it (as the text the user wrote, when they wrote text) and opens the sweep's page.

type Tab = "form" | "text";

export function SweepForm(props: {
  /** the document to start from, its project filled in (the page's: the copied sweep's, ?project=, or "default") */
  initial: SweepDoc;
  /** the page named no project: the one chosen in this tab's nav, when there is one, takes the place of "default" */
  projectFromNav?: boolean;
  initialPreset?: string;
  corpora?: readonly string[];
  capacity: { workers: number; cores: number };
  calibration?: Calibration | null;
}) {
  const router = useRouter();
  const [doc, setDoc] = useState<SweepDoc>(props.initial);
  const [tab, setTab] = useState<Tab>("form");
  const [format, setFormat] = useState<"yaml" | "json">("yaml");
  const [text, setText] = useState(() => docToYaml(props.initial));
  /** the text is what the user wrote last (launch sends it verbatim, comments and all) */
  const [textIsSource, setTextIsSource] = useState(false);
  /** the preset last chosen (the box names it only while the document is still that preset) */
  const [basePreset, setBasePreset] = useState(props.initialPreset ?? "");
  const [serverIssues, setServerIssues] = useState<SweepIssue[] | null>(null);
  const [launching, setLaunching] = useState(false);
  const [launchError, setLaunchError] = useState<string | null>(null);
  const [attempted, setAttempted] = useState(false);
  /** Launch was pressed on a large sweep: the panel asks before anything is posted */
  const [confirming, setConfirming] = useState(false);

  const result = useMemo(() => (textIsSource ? parseSweepConfigText(text) : parseSweepConfig(doc)), [textIsSource, text, doc]);
  const issues = serverIssues ?? (result.ok ? [] : result.issues);
  const runEstimate = result.ok ? estimateRuns(result.config) : null;
  const timeEstimate = useMemo(() => (result.ok ? estimateSweepTime(result.config, props.capacity, props.calibration?.speed) : null), [result, props.capacity, props.calibration]);
  const placed = [...SETTINGS_PATHS, ...Object.keys(paramsOf(doc)).map((k) => `parameters.${k}`)];
  const unplaced = unplacedIssues(issues, placed);
  const unplacedKeyList = unknownParameterKeyList(unplaced);
  // the document is the last text that read; while the text does not, warn about nothing
  const unreadable = !result.ok && result.issues.some((i) => i.line !== undefined);
  const preset = presetOf(doc);
  const edited = !preset ? PRESETS.find((p) => p.id === basePreset) : undefined;

  const render = (d: SweepDoc, f = format) => (f === "yaml" ? docToYaml(d) : docToJson(d));
  const editDoc = (next: SweepDoc) => {
    setDoc(next);
    setText(render(next));
    setTextIsSource(false);
    setServerIssues(null);
    setLaunchError(null);
    setConfirming(false);
  };
  const editText = (next: string) => {
    setText(next);
    setTextIsSource(true);
    setServerIssues(null);
    setLaunchError(null);
    setConfirming(false);
    const read = readSweepText(next);
    if (read.ok && isPlainObject(read.data)) setDoc(read.data);
  };
  // (read after render: the tab's choice is the browser's, and the server renders "default")
  useEffect(() => {
    const chosen = props.projectFromNav ? chosenProject() : "";
    if (chosen) editDoc(withProject(props.initial, chosen));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, before any edit
  const changeFormat = (f: "yaml" | "json") => {
    setFormat(f);
    // re-render only when the text reads; a half-typed document stays as typed
    if (readSweepText(text).ok) setText(render(doc, f));
  };

  async function launch() {
    setAttempted(true);
    if (!result.ok) {
      focusFirstProblem(result.issues, tab);
      return;
    }
    if (!confirming && runEstimate && needsConfirmation(runEstimate, timeEstimate)) {
      setConfirming(true);
      return;
    }
    setLaunching(true);
    setLaunchError(null);
    try {
      const sendText = textIsSource;
      const res = await fetch("/api/sweeps", {
        method: "POST",
        headers: { "content-type": sendText ? (format === "json" ? "application/json" : "application/yaml") : "application/json" },
        body: sendText ? text : JSON.stringify(doc),
      });
      const body = (await res.json().catch(() => null)) as { id?: string; error?: string; issues?: SweepIssue[] } | null;
      if (res.status === 201 && body?.id) {
        router.push(`/sweeps/${body.id}`);
        return;
      }
      if (res.status === 400 && body?.issues?.length) {
        setServerIssues(body.issues);
        setLaunchError(`The server did not accept this config: ${body.error ?? "see the marked fields"}`);
        focusFirstProblem(body.issues, tab);
      } else {
        setLaunchError(`Could not launch the sweep: ${body?.error ?? `the server answered ${res.status}`}. Nothing was started; try again.`);
      }
    } catch (e) {
      setLaunchError(`Could not reach the server (${(e as Error).message}). Is it running? Nothing was started.`);
    }
    setLaunching(false);
  }

  return (
    <div className="sw-form-layout">
      <div className="sw-form-main">
        <div className="card sw-presets">
          <label className="field">
            Start from a preset
            <select
              className="input"
              data-testid="preset"
              value={preset?.id ?? ""}
              onChange={(e) => {
                const p = PRESETS.find((x) => x.id === e.target.value);
                if (!p) return;
                setBasePreset(p.id);
                // a preset names no project: the sweep stays in the one chosen
                editDoc(typeof doc.project === "string" ? withProject(p.doc, doc.project) : p.doc);
              }}
            >
              <option value="">{edited ? "— (edited)" : "—"}</option>
              {PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          </label>
          <span className="help" data-testid="preset-blurb">
            {preset?.blurb ?? (edited ? `Changed from the preset “${edited.title}”; pick it again to start over.` : "Presets finish in seconds to a minute; edit anything before launching.")}
          </span>
        </div>

        <div className="card">
          <div className="card-body">
            <Tabs
              label="Edit the sweep as"
              value={tab}
              onChange={setTab}
              tabs={[
                { id: "form", label: "Form" },
                { id: "text", label: "YAML / JSON" },
              ]}
            />
            {tab === "form" ? (
              <div role="tabpanel" aria-label="Form">
                {unplaced.length > 0 && (
                  <div className="alert sw-unplaced" role="alert" data-testid="form-issues">
                    {unplaced.map((i, n) => (
                      <div key={n}>
                        {i.path && <code>{i.path}</code>} {i.message}
                      </div>
                    ))}
                    {unplacedKeyList && <div className="sw-keylist">Parameters must be RunConfig keys: {unplacedKeyList}; {PROGRAM_SWEEP_HINT}.</div>}
                  </div>
                )}
                <SweepSettings doc={doc} issues={issues} warnings={result.warnings} onChange={editDoc} />
                <h3 className="sw-section">Parameters</h3>
                <ParamList params={paramsOf(doc)} issues={issues} warnings={result.warnings} onChange={(parameters) => editDoc({ ...doc, parameters })} corpora={props.corpora} />
              </div>
            ) : (
              <div role="tabpanel" aria-label="YAML / JSON">
                <ConfigTextEditor text={text} format={format} issues={issues} warnings={result.warnings} onText={editText} onFormat={changeFormat} />
              </div>
            )}
          </div>
        </div>
      </div>
      <LaunchPanel
        result={result}
        estimate={runEstimate}
        time={timeEstimate}
        calibration={props.calibration ?? null}
        issues={issues}
        attempted={attempted}
        launching={launching}
        confirming={confirming}
        error={launchError}
        onLaunch={launch}
        onCancelConfirm={() => setConfirming(false)}
      />
    </div>
  );
}

function focusFirstProblem(issues: readonly SweepIssue[], tab: Tab) {
  if (tab === "text") {
    document.querySelector<HTMLElement>("[data-testid=config-text]")?.focus();
    return;
  }
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, select, [role=group], [role=radiogroup])');
    (el ?? document.getElementById(fieldId(issues[0]?.path ?? "")))?.focus();
    el?.scrollIntoView({ block: "center", behavior: "smooth" });
  });
}
