/**
 * A table that renders only the rows in view (fixed row height), over rows paged from the
 * server. Keeps the semantics of a table for screen readers via ARIA grid roles and row counts.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PagedRows } from './paged';

export interface Column<T> {
  key: string;
  header: string;
  width: string;
  cell: (row: T) => ReactNode;
}

const ROW_HEIGHT = 44;
const OVERSCAN = 10;

export function VirtualTable<T>({
  rows,
  columns,
  label,
  rowKey,
  onOpen,
  height = 560,
}: {
  rows: PagedRows<T>;
  columns: Column<T>[];
  label: string;
  rowKey: (row: T) => string;
  onOpen?: (row: T) => void;
  height?: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(height);
  const total = rows.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const { ensure } = rows;

  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [ensure, first, last, total]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const template = columns.map((c) => c.width).join(' ');
  const visible: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const r = rows.row(i);
    visible.push(
      <div
        role="row"
        aria-rowindex={i + 2}
        key={r ? rowKey(r) : `placeholder-${i}`}
        className={`vrow${onOpen && r ? ' clickable' : ''}`}
        style={{ top: i * ROW_HEIGHT, height: ROW_HEIGHT, gridTemplateColumns: template }}
        onClick={r && onOpen ? () => onOpen(r) : undefined}
      >
        {columns.map((c, ci) => (
          <div role="gridcell" key={c.key} className="vcell">
            {r ? c.cell(r) : ci === 0 ? <span className="muted">Loading…</span> : null}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div className="vtable" role="grid" aria-label={label} aria-rowcount={total + 1} data-total={total}>
      <div role="row" aria-rowindex={1} className="vrow vhead" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div role="columnheader" key={c.key} className="vcell">
            {c.header}
          </div>
        ))}
      </div>
      <div
        ref={scroller}
        className="vbody"
        style={{ maxHeight: height }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={0}
        role="rowgroup"
        aria-label={`${label}: scroll for more rows`}
      >
        <div role="presentation" style={{ height: total * ROW_HEIGHT, position: 'relative' }}>
          {visible}
        </div>
      </div>
    </div>
  );
}
