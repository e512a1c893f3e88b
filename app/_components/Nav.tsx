"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { countOf } from "../_lib/format";

const LINKS = [
  { href: "/", label: "Runs" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/compare", label: "Compare" },
  { href: "/sweeps/new", label: "New sweep" },
  { href: "/corpora", label: "Corpora" },
];

/** The main links; on a narrow screen they fold behind a menu button that names the current page. */
export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // a followed link closes the menu
  useEffect(() => setOpen(false), [pathname]);
  const active = (href: string) =>
    href === "/" ? pathname === "/" || pathname.startsWith("/runs") : href === "/sweeps" ? pathname.startsWith("/sweeps") && !pathname.startsWith("/sweeps/new") : pathname.startsWith(href);
  const current = LINKS.find((l) => active(l.href));
  return (
    <>
      <button
        type="button"
        className="menu-toggle"
        aria-expanded={open}
        aria-controls="main-nav"
        data-testid="menu-toggle"
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      >
        <span aria-hidden className="menu-icon">
          {open ? "✕" : "☰"}
        </span>
        {current?.label ?? "Menu"}
      </button>
      <nav id="main-nav" aria-label="Main" data-open={open || undefined}>
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} aria-current={active(l.href) ? "page" : undefined}>
            {l.label}
          </Link>
        ))}
        <ProjectSwitch pathname={pathname} />
      </nav>
    </>
  );
}

/**
 * Which project's runs the runs table shows (`/?project=NAME`): a menu once there is more than
 * one project (runs logged with `init(project=…)`, sweeps with `project:`).
 */
function ProjectSwitch(props: { pathname: string }) {
  const router = useRouter();
  const [projects, setProjects] = useState<{ name: string; runs: number }[]>([]);
  const [current, setCurrent] = useState("");
  useEffect(() => {
    setCurrent(new URLSearchParams(window.location.search).get("project") ?? "");
    let live = true;
    fetch("/api/projects")
      .then((r) => (r.ok ? r.json() : { projects: [] }))
      .then((j: { projects: { name: string; runs: number }[] }) => live && setProjects(j.projects))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [props.pathname]);
  if (projects.length < 2 && !current) return null;
  return (
    <select
      className="project-switch"
      aria-label="Project"
      data-testid="project-switch"
      value={current}
      onChange={(e) => {
        setCurrent(e.target.value);
        router.push(e.target.value ? `/?project=${encodeURIComponent(e.target.value)}` : "/");
      }}
    >
      <option value="">All projects</option>
      {projects.map((p) => (
        <option key={p.name} value={p.name}>
          {p.name} ({countOf(p.runs, "run")})
        </option>
      ))}
    </select>
  );
}
