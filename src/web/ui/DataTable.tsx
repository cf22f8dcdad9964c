/**
 * The portal's list table (sites, audit log, installers, invitations, API tokens): a caption for
 * screen readers, column headers, one row per item, and around them the states every list has —
 * the error with Try again, a spinner on the first load, the empty state — and the pager when the
 * list is paged on the server (usePagedList). Long lists that scroll use VirtualTable instead.
 */
import type { Key, ReactNode } from 'react';
import type { AsyncState } from './async';
import { ErrorNotice, Loading, Pager } from './components';
import type { Paging } from './paged';

export interface TableColumn<T, S = void> {
  key: string;
  header: string;
  /** The header is read by screen readers only (a column of buttons: "Actions"). */
  hideHeader?: boolean;
  /** The cells' class, e.g. `row-actions` or `break`. */
  className?: string;
  /** The cell of one row; `state` is what `useRowState` gave that row. */
  cell: (row: T, state: S) => ReactNode;
}

/** A list as useAsync or usePagedList return it. */
export type TableList<T> = AsyncState<{ items: T[] }> & { paging?: Paging };

interface RowProps<T, S> {
  row: T;
  columns: TableColumn<T, S>[];
  useRowState: (row: T, reload: () => void) => S;
  reload: () => void;
}

/** One row is one component, so a row's state (an action's busy flag and error) can span its cells. */
function Row<T, S>({ row, columns, useRowState, reload }: RowProps<T, S>) {
  const state = useRowState(row, reload);
  return (
    <tr>
      {columns.map((c) => (
        <td key={c.key} className={c.className}>
          {c.cell(row, state)}
        </td>
      ))}
    </tr>
  );
}

// Without useRowState, S is void: the cells get no state.
const noRowState = (() => undefined) as unknown as <S>() => S;

/** Rows are keyed by their `id`. */
export function DataTable<T extends { id: Key }, S = void>({
  label,
  list,
  columns,
  useRowState = noRowState,
  empty,
  loadingLabel,
}: {
  /** The table's accessible name (a caption only screen readers see). */
  label: string;
  list: TableList<T>;
  columns: TableColumn<T, S>[];
  /**
   * A hook called once per row (with the list's reload, for rows that change the list), for rows
   * that hold state; what it returns is passed to every cell of the row.
   */
  useRowState?: (row: T, reload: () => void) => S;
  /** Shown when the list has no items. */
  empty: ReactNode;
  loadingLabel?: string;
}) {
  const items = list.data?.items;
  return (
    <>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !items && <Loading label={loadingLabel} />}
      {items && items.length === 0 && empty}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{label}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" key={c.key}>
                    {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((row) => (
                <Row key={row.id} row={row} columns={columns} useRowState={useRowState} reload={list.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.paging && <Pager page={list.paging.page} pages={list.paging.pages} onPage={list.paging.setPage} />}
    </>
  );
}
