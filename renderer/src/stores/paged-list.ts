/**
 * A long list read from the core one page at a time (subscribers, contacts): the renderer holds
 * only the pages around what is on screen, never the whole table.
 *
 * - `setQuery` starts afresh for a new search / filter / sort (a generation counter drops answers
 *   to older queries that arrive late).
 * - `ensureRange` is called by the virtualised table with the rows it is about to show; missing
 *   pages are fetched, pages far from the view are dropped.
 * - `refresh` (on `data.changed`) re-reads the pages in view, coalesced, and keeps showing the old
 *   rows until the new ones arrive, so live updates never flash a skeleton. During the first load
 *   it reads again once that load is in, since the answer on its way may predate the change.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { errorMessage } from '../api';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

export const PAGE_SIZE = 100;
/** Pages kept either side of the view, so scrolling back a little needs no fetch. */
const KEEP_AROUND = 2;

export interface Page<Row> {
  rows: Row[];
  total: number;
}

export interface PagedListState<Row, Query> {
  query: Query | null;
  status: LoadStatus;
  error: string | null;
  total: number;
  /** Page index → its rows. A new Map on every change. */
  pages: ReadonlyMap<number, Row[]>;
  setQuery: (query: Query) => void;
  ensureRange: (first: number, last: number) => void;
  refresh: () => Promise<void>;
  retry: () => void;
  /** Forgets everything (the page was left). */
  reset: () => void;
}

export function rowAt<Row>(pages: ReadonlyMap<number, Row[]>, index: number): Row | undefined {
  return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
}

export type PagedListStore<Row, Query> = UseBoundStore<StoreApi<PagedListState<Row, Query>>>;

export function createPagedList<Row, Query>(
  fetchPage: (query: Query, offset: number, limit: number) => Promise<Page<Row>>,
  what: string,
): PagedListStore<Row, Query> {
  return create<PagedListState<Row, Query>>()((set, get) => {
    let generation = 0;
    const inFlight = new Set<number>();
    let view = { first: 0, last: PAGE_SIZE - 1 };
    let refreshAfterLoad = false;

    const pageRange = () => ({ from: Math.floor(view.first / PAGE_SIZE), to: Math.floor(Math.max(view.first, view.last) / PAGE_SIZE) });

    const loadPage = async (page: number): Promise<void> => {
      const query = get().query;
      if (query === null) return;
      const mine = generation;
      inFlight.add(page);
      try {
        const result = await fetchPage(query, page * PAGE_SIZE, PAGE_SIZE);
        if (mine !== generation) return;
        set((state) => {
          const pages = new Map(state.pages);
          // The view may have moved on while this page was on its way (a fast scroll).
          if (!isFar(page)) pages.set(page, result.rows);
          return { pages, total: result.total, status: 'ready', error: null };
        });
        if (refreshAfterLoad) {
          refreshAfterLoad = false;
          void refreshView();
        }
      } catch (error) {
        if (mine !== generation) return;
        if (get().status !== 'ready') set({ status: 'error', error: errorMessage(error) });
        else console.warn(`Loading ${what} (page ${page + 1}) failed`, error);
      } finally {
        if (mine === generation) inFlight.delete(page);
      }
    };

    const isFar = (page: number) => {
      const { from, to } = pageRange();
      return page < from - KEEP_AROUND || page > to + KEEP_AROUND;
    };

    const dropFarPages = () => {
      const pages = get().pages;
      const far = [...pages.keys()].filter(isFar);
      if (far.length === 0) return;
      const kept = new Map(pages);
      for (const page of far) kept.delete(page);
      set({ pages: kept });
    };

    const refreshView = coalesce(async () => {
      if (get().query === null) return;
      const { from, to } = pageRange();
      const mine = generation;
      const wanted = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const fresh = await Promise.all(wanted.map((page) => loadFresh(page)));
      if (mine !== generation) return;
      set((state) => {
        // Only the pages just read are known to be current; the others are read again when shown.
        const pages = new Map<number, Row[]>();
        let total = state.total;
        fresh.forEach((result, i) => {
          const page = wanted[i];
          if (result && page !== undefined) {
            pages.set(page, result.rows);
            total = result.total;
          }
        });
        return { pages, total, status: state.status === 'error' && pages.size > 0 ? 'ready' : state.status };
      });
    });

    const loadFresh = async (page: number): Promise<Page<Row> | null> => {
      const query = get().query;
      if (query === null) return null;
      try {
        return await fetchPage(query, page * PAGE_SIZE, PAGE_SIZE);
      } catch (error) {
        console.warn(`Refreshing ${what} failed`, error);
        return null;
      }
    };

    const start = () => {
      generation += 1;
      refreshAfterLoad = false;
      inFlight.clear();
      view = { first: 0, last: PAGE_SIZE - 1 };
      void loadPage(0);
    };

    return {
      query: null,
      status: 'loading',
      error: null,
      total: 0,
      pages: new Map(),
      setQuery: (query) => {
        if (get().query !== null && JSON.stringify(get().query) === JSON.stringify(query) && get().status !== 'error') return;
        set({ query, status: 'loading', error: null, total: 0, pages: new Map() });
        start();
      },
      ensureRange: (first, last) => {
        if (get().query === null || get().status !== 'ready') return;
        view = { first: Math.max(0, first), last: Math.max(0, last) };
        const { from, to } = pageRange();
        const lastPage = Math.max(0, Math.ceil(get().total / PAGE_SIZE) - 1);
        for (let page = from; page <= Math.min(to, lastPage); page++) {
          if (!get().pages.has(page) && !inFlight.has(page)) void loadPage(page);
        }
        dropFarPages();
      },
      refresh: () => {
        const { query, status } = get();
        if (query === null) return Promise.resolve();
        if (status === 'ready') return refreshView();
        // The first page is on its way and may predate the change: read again once it is here.
        // (Not a restart: a steady stream of changes would then keep the list from ever loading.)
        if (status === 'loading') refreshAfterLoad = true;
        return Promise.resolve();
      },
      retry: () => {
        const query = get().query;
        if (query === null) return;
        set({ status: 'loading', error: null, pages: new Map(), total: 0 });
        start();
      },
      reset: () => {
        generation += 1;
        inFlight.clear();
        set({ query: null, status: 'loading', error: null, total: 0, pages: new Map() });
      },
    };
  });
}
