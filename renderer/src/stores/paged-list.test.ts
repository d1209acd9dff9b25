import { describe, expect, it, vi } from 'vitest';
import { createPagedList, PAGE_SIZE, rowAt, type Page } from './paged-list';

interface Query {
  search: string;
}

/** A fake `list` method over `total` numbered rows, recording what was asked. */
function fakeTable(total: number) {
  const calls: Array<{ search: string; offset: number }> = [];
  const fetchPage = vi.fn(async (query: Query, offset: number, limit: number): Promise<Page<string>> => {
    calls.push({ search: query.search, offset });
    const count = Math.max(0, Math.min(limit, total - offset));
    return { rows: Array.from({ length: count }, (_, i) => `${query.search}${offset + i}`), total };
  });
  return { fetchPage, calls, setTotal: (value: number) => (total = value) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createPagedList', () => {
  it('loads the first page for a query, then only the pages scrolled to, and never holds the whole table', async () => {
    const table = fakeTable(100_000);
    const list = createPagedList(table.fetchPage, 'rows');
    list.getState().setQuery({ search: 'r' });
    expect(list.getState().status).toBe('loading');
    await settle();
    expect(list.getState()).toMatchObject({ status: 'ready', total: 100_000 });
    expect(rowAt(list.getState().pages, 5)).toBe('r5');

    list.getState().ensureRange(5_000, 5_030);
    await settle();
    expect(rowAt(list.getState().pages, 5_010)).toBe('r5010');
    expect(table.calls.map((c) => c.offset)).toEqual([0, 5_000]);
    // The first page is far away now: dropped.
    expect(list.getState().pages.has(0)).toBe(false);

    for (let first = 0; first < 100_000; first += 997) list.getState().ensureRange(first, first + 20);
    await settle();
    const held = [...list.getState().pages.values()].reduce((sum, rows) => sum + rows.length, 0);
    expect(held).toBeLessThanOrEqual(PAGE_SIZE * 6);
  });

  it('drops answers to an older query that arrive after a newer one', async () => {
    const resolvers: Array<(page: Page<string>) => void> = [];
    const list = createPagedList(
      (query: Query) =>
        new Promise<Page<string>>((resolve) => {
          resolvers.push(resolve);
          void query;
        }),
      'rows',
    );
    list.getState().setQuery({ search: 'old' });
    list.getState().setQuery({ search: 'new' });
    resolvers[1]?.({ rows: ['new'], total: 1 });
    await settle();
    resolvers[0]?.({ rows: ['old', 'older'], total: 2 });
    await settle();
    expect(list.getState().total).toBe(1);
    expect(rowAt(list.getState().pages, 0)).toBe('new');
  });

  it('refreshes the rows in view in place (no skeleton) when the data changes', async () => {
    const table = fakeTable(3);
    const list = createPagedList(table.fetchPage, 'rows');
    list.getState().setQuery({ search: 's' });
    await settle();
    table.setTotal(4);
    const refreshed = list.getState().refresh();
    expect(list.getState().status).toBe('ready');
    expect(rowAt(list.getState().pages, 0)).toBe('s0');
    await refreshed;
    expect(list.getState().total).toBe(4);
    expect(rowAt(list.getState().pages, 3)).toBe('s3');
  });

  it('shows a failed first load as an error, and retries', async () => {
    let fail = true;
    const list = createPagedList(async (): Promise<Page<string>> => {
      if (fail) throw new Error('offline');
      return { rows: ['a'], total: 1 };
    }, 'rows');
    list.getState().setQuery({ search: '' });
    await settle();
    expect(list.getState().status).toBe('error');
    expect(list.getState().error).toBeTruthy();
    fail = false;
    list.getState().retry();
    await settle();
    expect(list.getState()).toMatchObject({ status: 'ready', total: 1 });
  });

  it('asks again only when the query really changed', async () => {
    const table = fakeTable(10);
    const list = createPagedList(table.fetchPage, 'rows');
    list.getState().setQuery({ search: 'x' });
    list.getState().setQuery({ search: 'x' });
    await settle();
    expect(table.calls).toHaveLength(1);
  });

  it('reads again when the data changed while the first page was on its way', async () => {
    const resolvers: Array<(page: Page<string>) => void> = [];
    const list = createPagedList(() => new Promise<Page<string>>((resolve) => resolvers.push(resolve)), 'rows');
    list.getState().setQuery({ search: '' });
    void list.getState().refresh();
    void list.getState().refresh();
    expect(resolvers).toHaveLength(1);
    resolvers[0]?.({ rows: ['before'], total: 1 });
    await settle();
    expect(resolvers).toHaveLength(2);
    resolvers[1]?.({ rows: ['after'], total: 1 });
    await settle();
    expect(rowAt(list.getState().pages, 0)).toBe('after');
  });
});
