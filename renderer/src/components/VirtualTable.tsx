/**
 * A table of any length with only the rows on screen in the DOM (@tanstack/react-virtual), paged
 * from the core: it tells its owner which rows it is about to show (`onRangeChange`) and draws a
 * placeholder row for any not loaded yet.
 *
 * It stays a real <table>: spacer rows above and below the drawn rows stand in for the rest, the
 * header sticks to the top of the scroll area, aria-rowcount/aria-rowindex tell screen readers
 * where they are, and sortable headers carry aria-sort. Columns have fixed widths (table-layout:
 * fixed) so they do not jump as different rows scroll into view.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { rowAt } from '../stores/paged-list';
import { Icon } from './Icon';

export interface VirtualColumn<SortKey extends string> {
  key: string;
  label: string;
  /** CSS width, e.g. "120px" or "24%". */
  width?: string;
  /** Sorting by this column: the list's sort key. */
  sort?: SortKey;
  className?: string;
}

export interface RowProps {
  'aria-rowindex': number;
  style: CSSProperties;
}

interface VirtualTableProps<Row, SortKey extends string> {
  label: string;
  columns: readonly VirtualColumn<SortKey>[];
  total: number;
  pages: ReadonlyMap<number, Row[]>;
  rowHeight: number;
  renderRow: (row: Row, index: number, rowProps: RowProps) => ReactNode;
  onRangeChange: (first: number, last: number) => void;
  sort?: { key: SortKey; direction: 'asc' | 'desc'; onChange: (key: SortKey) => void };
  /** Changes when the list starts afresh (new search, filter or sort): scroll back to the top. */
  resetKey: string;
  testId?: string;
}

/** Height of the sticky header row; the rows start below it. */
const HEADER_HEIGHT = 41;

export function VirtualTable<Row, SortKey extends string>({
  label,
  columns,
  total,
  pages,
  rowHeight,
  renderRow,
  onRangeChange,
  sort,
  resetKey,
  testId,
}: VirtualTableProps<Row, SortKey>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose; this component is not memoised.
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    onRangeChange(first, last);
  }, [first, last, total, onRangeChange]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  const paddingTop = Math.max(0, (items[0]?.start ?? HEADER_HEIGHT) - HEADER_HEIGHT);
  const paddingBottom = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? HEADER_HEIGHT));
  const rowStyle: CSSProperties = { height: rowHeight };

  return (
    <div className="virtual-scroll" ref={scrollRef} data-testid={testId} tabIndex={-1}>
      <table className="table virtual-table" aria-label={label} aria-rowcount={total + 1}>
        <colgroup>
          {columns.map((column) => (
            <col key={column.key} style={column.width ? { width: column.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => {
              const active = sort && column.sort !== undefined && sort.key === column.sort;
              const ariaSort = column.sort === undefined || !sort ? undefined : active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
              return (
                <th key={column.key} scope="col" className={column.className} aria-sort={ariaSort} data-column={column.key}>
                  {column.sort !== undefined && sort ? (
                    <button
                      type="button"
                      className={`sort-button${active ? ' sort-button-active' : ''}`}
                      onClick={() => column.sort !== undefined && sort.onChange(column.sort)}
                      data-testid={`sort-${column.key}`}
                    >
                      {column.label}
                      <Icon name={active ? (sort.direction === 'asc' ? 'sort-up' : 'sort-down') : 'sort'} className="sort-icon" />
                    </button>
                  ) : column.label ? (
                    column.label
                  ) : (
                    <span className="visually-hidden">Actions</span>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr className="spacer-row" aria-hidden="true" style={{ height: paddingTop }}>
              <td colSpan={columns.length} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rowAt(pages, item.index);
            const rowProps: RowProps = { 'aria-rowindex': item.index + 2, style: rowStyle };
            return row === undefined ? (
              <tr key={`placeholder-${item.index}`} className="skeleton-row" {...rowProps} aria-busy="true">
                {columns.map((column, i) => (
                  <td key={column.key}>{i === 0 ? <span className="skeleton skeleton-title" /> : <span className="skeleton skeleton-num skeleton-left" />}</td>
                ))}
              </tr>
            ) : (
              renderRow(row, item.index, rowProps)
            );
          })}
          {paddingBottom > 0 ? (
            <tr className="spacer-row" aria-hidden="true" style={{ height: paddingBottom }}>
              <td colSpan={columns.length} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/** Grey rows while the first page loads. */
export function VirtualTableSkeleton({ columns, label }: { columns: number; label: string }) {
  return (
    <div className="virtual-scroll" aria-busy="true" aria-label={label}>
      <table className="table">
        <tbody>
          {[0, 1, 2, 3, 4].map((row) => (
            <tr key={row} className="skeleton-row">
              {Array.from({ length: columns }, (_, i) => (
                <td key={i}>
                  {i === 0 ? (
                    <>
                      <span className="skeleton skeleton-title" />
                      <span className="skeleton skeleton-sub" />
                    </>
                  ) : (
                    <span className="skeleton skeleton-num skeleton-left" />
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
