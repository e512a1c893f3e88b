import { prisma } from "../client";
import { newId } from "./ids";

// Named views saved per project (SavedView): a page's state as its URL query — the compare
// page's panels, x axis, smoothing, grouping, runs — so a person restores a set of panels by
// name on the next visit. Saving under a name the project's page has already replaces it.

export interface SavedViewRecord {
  id: string;
  project: string;
  page: string;
  name: string;
  query: string;
  updatedAt: string;
}

const toRecord = (r: { id: string; project: string; page: string; name: string; query: string; updatedAt: Date }): SavedViewRecord => ({
  id: r.id,
  project: r.project,
  page: r.page,
  name: r.name,
  query: r.query,
  updatedAt: r.updatedAt.toISOString(),
});

/** A project's saved views of a page, by name. */
export async function listSavedViews(project: string, page: string): Promise<SavedViewRecord[]> {
  const rows = await prisma().savedView.findMany({ where: { project, page }, orderBy: { name: "asc" } });
  return rows.map(toRecord);
}

/** Save (or replace) the view `name` of a project's page. */
export async function saveView(input: { project: string; page: string; name: string; query: string }): Promise<SavedViewRecord> {
  const { project, page, name, query } = input;
  const row = await prisma().savedView.upsert({
    where: { project_page_name: { project, page, name } },
    create: { id: newId(), project, page, name, query },
    update: { query },
  });
  return toRecord(row);
}

/** Delete a saved view; false when there was none. */
export async function deleteSavedView(id: string): Promise<boolean> {
  return (await prisma().savedView.deleteMany({ where: { id } })).count > 0;
}
