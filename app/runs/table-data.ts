import type * as z from "zod";
import { defaultTableColumns, orderColumns } from "../_lib/curve-columns";
import { getSweep, queryRunsTable, tableColumns, type RunsTableParams, type TableColumnInfo, type TablePage, type TableQuery } from "../../prisma/store";

// Resolves a runs-table URL into a store query: default columns when none are chosen, seeds
// grouped by default for a sweep with replicates (group=none turns it off). Shared by the
// page's first render, GET /api/compare/table and the CSV export, so all three agree.

export interface TableView {
  query: TableQuery;
  columns: string[];
  grouped: boolean;
  /** What the grouped rows fold: seed replicates, run groups or tags. */
  groupBy: "seeds" | "runs" | "tags" | null;
  info: TableColumnInfo;
  /** Replicates of the sweep in view (1 when none or not a sweep). */
  replicates: number;
}

export async function resolveTableView(p: z.output<typeof RunsTableParams>): Promise<TableView> {
  const [info, sweep] = await Promise.all([tableColumns({ sweepId: p.sweep, project: p.project }), p.sweep ? getSweep(p.sweep) : null]);
  const replicates = typeof sweep?.config.replicates === "number" ? sweep.config.replicates : 1;
  const grouped = p.group === "runs" || p.group === "tags" || p.group === "seeds" || (p.group === undefined && replicates > 1);
  const columns = orderColumns(p.columns?.length ? p.columns : defaultTableColumns(info, { sweep: !!p.sweep, grouped }));
  const groupBy = p.group === "runs" || p.group === "tags" ? p.group : grouped ? "seeds" : null;
  return { query: tableQuery(p, columns, groupBy), columns, grouped, groupBy, info, replicates };
}

/** The store query of a view whose columns and grouping are settled (the live poll names both). */
export function tableQuery(p: z.output<typeof RunsTableParams>, columns: string[], groupBy: TableView["groupBy"]): TableQuery {
  return { sweepId: p.sweep, states: p.state, filters: p.filter, sort: p.sort, columns, groupSeeds: groupBy === "seeds", groupRuns: groupBy === "runs", groupTags: groupBy === "tags", ids: p.ids, limit: p.limit, offset: p.offset, tags: p.tag, project: p.project, archived: p.archived ?? (p.ids ? "include" : "hide") };
}

export async function loadTable(view: TableView, page: { limit?: number; offset?: number }): Promise<TablePage> {
  return queryRunsTable({ ...view.query, limit: page.limit ?? view.query.limit, offset: page.offset ?? view.query.offset });
}
