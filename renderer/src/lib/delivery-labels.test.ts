import { describe, expect, it } from 'vitest';
import { engineStateView, receiptView, sentTodayLabel } from './delivery-labels';

describe('engineStateView', () => {
  it('tells a pause by the owner from one by the engine', () => {
    expect(engineStateView({ state: 'paused', pausedByOwner: true })).toEqual({ label: 'Paused by you', tone: 'warning' });
    expect(engineStateView({ state: 'paused', pausedByOwner: false }).label).toBe('Paused');
  });

  it('names every state', () => {
    expect(engineStateView({ state: 'running', pausedByOwner: false })).toEqual({ label: 'Running', tone: 'success' });
    expect(engineStateView({ state: 'waiting-for-channel', pausedByOwner: false }).label).toBe('Waiting for a channel');
    expect(engineStateView({ state: 'idle', pausedByOwner: false })).toEqual({ label: 'Idle', tone: 'neutral' });
  });
});

describe('sentTodayLabel', () => {
  it('shows the cap only when there is one', () => {
    expect(sentTodayLabel(3, 200)).toBe('3 / 200 sent today');
    expect(sentTodayLabel(1200, null)).toBe('1,200 sent today');
  });
});

describe('receiptView', () => {
  it('shows the ticks a shop owner knows from WhatsApp', () => {
    expect(receiptView('server')?.label).toBe('Sent ✓');
    expect(receiptView('delivered')?.label).toBe('Delivered ✓✓');
    expect(receiptView('read')?.label).toBe('Read ✓✓');
    expect(receiptView('played')?.ticks).toBe('✓✓');
  });

  it('shows nothing when no receipt came back', () => {
    expect(receiptView(null)).toBeNull();
  });
});
