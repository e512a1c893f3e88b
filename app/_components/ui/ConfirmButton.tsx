"use client";
import { useState, type ReactNode } from "react";

// A destructive action that asks once more, inline: the button becomes the question with a
// confirm and a keep button (the confirm takes the focus, Escape keeps). Cancelling a sweep,
// stopping a run and deleting use it, so they all ask the same way.

export function ConfirmButton(props: {
  /** The button's content before it asks. */
  children: ReactNode;
  /** The question, e.g. "Stop this run?" */
  question: ReactNode;
  confirmLabel: string;
  keepLabel?: string;
  onConfirm: () => void;
  disabled?: boolean;
  small?: boolean;
  testId?: string;
  confirmTestId?: string;
  /** The group's accessible name, e.g. "Confirm stop". */
  groupLabel: string;
  ariaLabel?: string;
  title?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const sm = props.small ? " btn-sm" : "";
  if (!confirming)
    return (
      <button type="button" className={`btn btn-danger${sm}`} data-testid={props.testId} disabled={props.disabled} onClick={() => setConfirming(true)} aria-label={props.ariaLabel} title={props.title}>
        {props.children}
      </button>
    );
  return (
    <span className="sw-confirm" role="group" aria-label={props.groupLabel} onKeyDown={(e) => e.key === "Escape" && setConfirming(false)}>
      <span>{props.question}</span>
      <button
        type="button"
        className="btn btn-danger btn-sm"
        data-testid={props.confirmTestId}
        autoFocus
        disabled={props.disabled}
        onClick={() => {
          setConfirming(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)}>
        {props.keepLabel ?? "Keep"}
      </button>
    </span>
  );
}
