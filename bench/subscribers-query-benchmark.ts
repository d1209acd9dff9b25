/**
 * A page of a sequence's subscribers over 100,000 subscriptions (the ones the import benchmark
 * wrote), as the subscribers view asks for it: with a search term on every keystroke, and deeper
 * pages while scrolling. Each query shape runs 30 times after a warm-up; a row's figure is the p95
 * of its slowest shape. Goes through SubscriptionRepository.list, the query behind subscribers.list.
 */
import type { Store } from '../electron/core/store/store';
import type { SubscriberListQuery } from '../electron/core/store/subscription-repository';
import type { BenchResult } from './report';

const RUNS = 30;

interface Shape {
  label: string;
  query: SubscriberListQuery;
}

export function benchSubscribersQuery(store: Store, sequenceId: number, count: number): BenchResult[] {
  const base: SubscriberListQuery = { sequenceId, search: '', status: null, sort: 'subscribedAt', direction: 'asc', offset: 0, limit: 100 };
  const people = `${count.toLocaleString('en-US')} subscriptions`;
  return [
    measure(store, `Subscribers page 1 with search, ${people} (p95)`, [
      { label: 'name search', query: { ...base, search: 'anna' } },
      { label: 'name search sorted by name', query: { ...base, search: 'müller', sort: 'name' } },
      { label: 'phone search', query: { ...base, search: '151 1003' } },
    ]),
    measure(store, `Subscribers page 51 with search, ${people} (p95)`, [
      { label: 'name search, offset 5,000', query: { ...base, search: 'anna', offset: 5000 } },
    ]),
    measure(store, `Subscribers page 1 without search, ${people} (p95)`, [
      { label: 'by subscribed time', query: base },
      { label: 'by next due time', query: { ...base, sort: 'nextDueAt' } },
      { label: 'by name', query: { ...base, sort: 'name' } },
    ]),
  ];
}

function measure(store: Store, name: string, shapes: readonly Shape[]): BenchResult {
  const figures = shapes.map(({ label, query }) => {
    let matches = 0;
    for (let i = 0; i < 3; i++) matches = store.subscriptions.list(query).total;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      store.subscriptions.list(query);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const p95 = times[Math.ceil(RUNS * 0.95) - 1] ?? Number.NaN;
    const median = times[Math.floor(RUNS / 2)] ?? Number.NaN;
    return { label, p95, median, matches };
  });
  return {
    name,
    value: Math.max(...figures.map((f) => f.p95)),
    unit: 'ms',
    budget: 20,
    note: figures.map((f) => `${f.label}: p95 ${f.p95.toFixed(1)} ms, median ${f.median.toFixed(1)} ms (${f.matches.toLocaleString('en-US')} matches)`).join('; '),
  };
}
