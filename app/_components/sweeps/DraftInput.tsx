"use client";
import { useEffect, useRef, useState, type InputHTMLAttributes } from "react";

// A text box over a structured value: keeps what the user types (e.g. "1e-" on the way to
// "1e-4") while committing the parsed value on every keystroke, and follows the value when
// it changes from elsewhere (the YAML tab, a preset).

type Props<T> = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  value: T;
  format: (value: T) => string;
  parse: (text: string) => T;
  onCommit: (value: T) => void;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function DraftInput<T>({ value, format, parse, onCommit, ...rest }: Props<T>) {
  const [text, setText] = useState(() => format(value));
  const committed = useRef<T>(value);
  useEffect(() => {
    if (!same(value, committed.current)) {
      committed.current = value;
      setText(format(value));
    }
  }, [value, format]);
  return (
    <input
      {...rest}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const next = parse(e.target.value);
        committed.current = next;
        onCommit(next);
      }}
    />
  );
}
