/**
 * Lists paged on the server: usePagedList, one page at a time with Previous / Next (DataTable
 * shows its pager); usePagedRows, rows fetched as they scroll into view, so a 10,000-row table
 * costs a handful of requests and only renders what is visible (VirtualTable).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../api/client';
import type { Page } from '../api/types';
import { useAsync, type AsyncState } from './async';

/** Where a paged list stands, for its pager. */
export interface Paging {
  page: number;
  pages: number;
  setPage: (page: number) => void;
}

/**
 * One page of a server-paged list. `filters` are the caller's (search, action…): when they
 * change the list starts over from page 1.
 */
export function usePagedList<P extends Page<unknown>>(
  fetchPage: (query: { page: number; pageSize: number }, signal: AbortSignal) => Promise<P>,
  filters: unknown[],
  pageSize: number,
): AsyncState<P> & { paging: Paging } {
  const key = JSON.stringify(filters);
  // The page belongs to the filters it was chosen under: new filters go back to page 1 (set while
  // rendering, React's way to reset state when an input changes), and so do the old ones again.
  const [at, setAt] = useState({ key, page: 1 });
  if (at.key !== key) setAt({ key, page: 1 });
  const page = at.key === key ? at.page : 1;
  const list = useAsync((signal) => fetchPage({ page, pageSize }, signal), [key, page]);
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / pageSize)) : 1;
  return { ...list, paging: { page, pages, setPage: (p) => setAt({ key, page: p }) } };
}

export interface PagedRows<T> {
  total: number | undefined;
  /** The total is an estimate (a broad search on the server): say "about". Exact again once a short page shows where the list ends. */
  totalEstimated: boolean;
  row: (index: number) => T | undefined;
  /** Ask for the rows in [start, end); fetches the missing pages. */
  ensure: (start: number, end: number) => void;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

export function usePagedRows<T>(
  fetchPage: (page: number, pageSize: number, signal: AbortSignal) => Promise<Page<T> & { totalEstimated?: boolean }>,
  deps: unknown[],
  pageSize = 100,
): PagedRows<T> {
  const pages = useRef(new Map<number, T[]>());
  const inflight = useRef(new Set<number>());
  const ctrl = useRef<AbortController | null>(null);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const [total, setTotal] = useState<number | undefined>();
  const [totalEstimated, setTotalEstimated] = useState(false);
  /** The list's real length, once a page shorter than pageSize (or an empty first page) showed it. */
  const knownEnd = useRef<number | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>();
  const [, setVersion] = useState(0);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page) || !ctrl.current) return;
      inflight.current.add(page);
      const signal = ctrl.current.signal;
      fetchRef.current(page, pageSize, signal).then(
        (res) => {
          if (signal.aborted) return;
          inflight.current.delete(page);
          pages.current.set(page, res.items);
          if (res.totalEstimated && res.items.length < pageSize && (res.items.length > 0 || page === 1)) knownEnd.current = (page - 1) * pageSize + res.items.length;
          const exact = !res.totalEstimated || knownEnd.current !== undefined;
          setTotal(res.totalEstimated && knownEnd.current !== undefined ? knownEnd.current : res.total);
          setTotalEstimated(!exact);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (signal.aborted) return;
          inflight.current.delete(page);
          setError(toApiError(e));
        },
      );
    },
    [pageSize],
  );

  useEffect(() => {
    ctrl.current?.abort();
    ctrl.current = new AbortController();
    pages.current = new Map();
    inflight.current = new Set();
    setTotal(undefined);
    setTotalEstimated(false);
    knownEnd.current = undefined;
    setError(undefined);
    load(1);
    return () => ctrl.current?.abort();
    // deps are the caller's filters; a change starts over from page 1.
  }, [...deps, generation, load]);

  const ensure = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(Math.max(0, start) / pageSize) + 1;
      const last = Math.floor(Math.max(0, end - 1) / pageSize) + 1;
      for (let p = first; p <= last; p++) load(p);
    },
    [load, pageSize],
  );

  const row = useCallback(
    (index: number) => pages.current.get(Math.floor(index / pageSize) + 1)?.[index % pageSize],
    [pageSize],
  );

  return {
    total,
    totalEstimated,
    row,
    ensure,
    error,
    loading: total === undefined && !error,
    reload: () => setGeneration((g) => g + 1),
  };
}
