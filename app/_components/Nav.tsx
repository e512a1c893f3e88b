"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { countOf } from "../_lib/format";

const LINKS = [
  { href: "/", label: "Runs", byProject: true },
  { href: "/sweeps", label: "Sweeps", byProject: true },
  { href: "/compare", label: "Compare", byProject: true },
  { href: "/sweeps/new", label: "New sweep" },
  { href: "/corpora", label: "Corpora" },
];

/** Pages whose view is one project's (`?project=NAME`): there the URL says which; elsewhere the last one chosen holds. */
const PROJECT_PAGES = new Set(["/", "/sweeps", "/compare"]);
const PROJECT_KEY = "sweeplab.project";

/**
 * The project being looked at: the URL's on a project page (none there: all projects), else
 * the one last chosen in this tab, so a run's page and back, or Runs → Sweeps, stay in it.
 */
function currentProject(pathname: string): string {
  const fromUrl = new URLSearchParams(window.location.search).get("project") ?? "";
  if (!PROJECT_PAGES.has(pathname)) return chosenProject();
  if (fromUrl) window.sessionStorage.setItem(PROJECT_KEY, fromUrl);
  else window.sessionStorage.removeItem(PROJECT_KEY);
  return fromUrl;
}

/** The project last chosen in this tab ("" for none): what a page of no project of its own starts in (the new-sweep form). */
export function chosenProject(): string {
  return window.sessionStorage.getItem(PROJECT_KEY) ?? "";
}

/** The main links; on a narrow screen they fold behind a menu button that names the current page. */
export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [project, setProject] = useState("");
  // a followed link closes the menu
  useEffect(() => setOpen(false), [pathname]);
  // (read after render: the URL's query is the browser's, and the server renders no project)
  useEffect(() => setProject(currentProject(pathname)), [pathname]);
  const chooseProject = (name: string) => {
    if (name) window.sessionStorage.setItem(PROJECT_KEY, name);
    else window.sessionStorage.removeItem(PROJECT_KEY);
    setProject(name);
  };
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
          <Link key={l.href} href={l.byProject && project ? `${l.href}?project=${encodeURIComponent(project)}` : l.href} aria-current={active(l.href) ? "page" : undefined}>
            {l.label}
          </Link>
        ))}
        <ProjectSwitch pathname={pathname} current={project} onChange={chooseProject} />
      </nav>
    </>
  );
}

/**
 * Which project's runs the runs table shows (`/?project=NAME`): a menu once there is more than
 * one project (runs logged with `init(project=…)`, sweeps with `project:`).
 */
function ProjectSwitch(props: { pathname: string; current: string; onChange: (project: string) => void }) {
  const router = useRouter();
  const [projects, setProjects] = useState<{ name: string; runs: number }[]>([]);
  const current = props.current;
  useEffect(() => {
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
        props.onChange(e.target.value);
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
