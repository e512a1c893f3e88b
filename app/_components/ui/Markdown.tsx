"use client";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

// A user's text (a run's or a sweep's notes) as Markdown, as W&B shows notes: GitHub's flavour
// (lists, tables, task lists, strikethrough, links typed bare). No raw HTML: a tag shows as the
// text it is, and react-markdown's default URL check drops javascript: and other unsafe links.
// Links open in a new tab and pass no referrer; one whose URL was dropped is its text alone.

const components: Components = {
  // (a link whose URL the check dropped is its text alone)
  a: ({ node: _node, href, children, ...props }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
};

export function Markdown(props: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
      {props.text}
    </ReactMarkdown>
  );
}
