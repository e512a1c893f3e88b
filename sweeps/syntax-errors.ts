import { CST, Parser, type YAMLError } from "yaml";

// YAML/JSON syntax errors as a person reads them: on the line to fix, in one sentence. The yaml
// library reports an unclosed "[" or quote where it gave up (often the next line, or the end
// of the file), so those are moved to the line where the bracket or quote was opened, found in
// the concrete syntax tree. Errors that follow from the first unclosed one are dropped.

export interface SyntaxProblem {
  /** 1-based */
  line: number;
  message: string;
}

const CLOSER = { "flow-seq-start": "flow-seq-end", "flow-map-start": "flow-map-end" } as const;
const CHAR: Record<string, string> = { "flow-seq-start": "[", "flow-map-start": "{", "flow-seq-end": "]", "flow-map-end": "}" };

interface Opener {
  offset: number;
  message: string;
}

/** Flow collections without their own closing bracket, and quoted scalars without their closing quote. */
function unclosed(text: string): Opener[] {
  const out: Opener[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document") continue;
    CST.visit(token, (item) => {
      const v = item.value;
      if (v?.type === "flow-collection") {
        const want = CLOSER[v.start.type as keyof typeof CLOSER];
        const close = v.end.find((t) => t.type === "flow-seq-end" || t.type === "flow-map-end");
        const open = CHAR[v.start.type];
        if (!close) out.push({ offset: v.start.offset, message: `"${open}" is not closed: expected "${CHAR[want]}"` });
        else if (close.type !== want) out.push({ offset: v.start.offset, message: `"${open}" is closed by "${CHAR[close.type]}": expected "${CHAR[want]}"` });
      } else if (v?.type === "double-quoted-scalar" || v?.type === "single-quoted-scalar") {
        const q = v.source[0];
        if (!quoteClosed(v.source)) out.push({ offset: v.offset, message: `the ${q} quote is not closed` });
      }
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const BRACKET_OR_QUOTE = /flow (sequence|map|collection)|closing .*quote|end with a [\]}]|must end with/i;

export function syntaxProblems(text: string, errors: readonly YAMLError[]): SyntaxProblem[] {
  const lineAt = (offset: number) => lineAtOffset(text, offset);
  const openers = unclosed(text);
  const out: SyntaxProblem[] = [];
  let bracketReported = false;
  for (const e of errors) {
    const first = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    if (BRACKET_OR_QUOTE.test(first) && openers.length > 0) {
      // one unclosed bracket makes the parser fail again further on: report its opening once
      if (bracketReported) continue;
      bracketReported = true;
      const before = openers.filter((o) => o.offset <= e.pos[0]);
      const opener = before[before.length - 1] ?? openers[0];
      out.push({ line: lineAt(opener.offset), message: opener.message });
      continue;
    }
    const message = first.replace(/:$/, "");
    out.push({ line: e.linePos?.[0].line ?? lineAt(e.pos[0]), message: message.charAt(0).toLowerCase() + message.slice(1) });
  }
  return out.filter((p, i) => out.findIndex((q) => q.line === p.line && q.message === p.message) === i);
}

/** "…" ends in a quote no backslash escapes; '…' ends in a quote and doubles the ones inside. */
function quoteClosed(source: string): boolean {
  if (source.length < 2) return false;
  if (source[0] === '"') return source.endsWith('"') && (/(\\*)"$/.exec(source.slice(1))![1].length % 2 === 0);
  return source.endsWith("'") && (source.match(/'/g)!.length % 2 === 0);
}

function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
