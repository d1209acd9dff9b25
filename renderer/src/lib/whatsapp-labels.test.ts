import { describe, expect, it } from 'vitest';
import { canLink, linkedAccountLabel, whatsAppStateView } from './whatsapp-labels';

const base = { loggedOutByPhone: false, hasSession: false, browser: { path: '/usr/bin/chromium', source: 'found' as const } };

describe('whatsAppStateView', () => {
  it('tells "never linked" from "the phone logged this device out"', () => {
    expect(whatsAppStateView({ ...base, state: 'disconnected' })).toEqual({ label: 'Not linked', tone: 'neutral', short: 'not linked' });
    expect(whatsAppStateView({ ...base, state: 'disconnected', loggedOutByPhone: true }).label).toBe('Logged out by the phone');
    expect(whatsAppStateView({ ...base, state: 'disconnected', hasSession: true }).label).toBe('Disconnected');
  });

  it('names every step of linking', () => {
    expect(whatsAppStateView({ ...base, state: 'starting' }).tone).toBe('warning');
    expect(whatsAppStateView({ ...base, state: 'qr' }).label).toBe('Waiting for the QR code to be scanned');
    expect(whatsAppStateView({ ...base, state: 'authenticating' }).label).toBe('Linking…');
    expect(whatsAppStateView({ ...base, state: 'ready' })).toEqual({ label: 'Connected', tone: 'success', short: 'connected' });
  });

  it('says when no browser was found', () => {
    expect(whatsAppStateView({ ...base, state: 'failed', browser: null }).label).toBe('No browser found');
    expect(whatsAppStateView({ ...base, state: 'failed' }).label).toBe('Not working');
  });
});

describe('linkedAccountLabel', () => {
  it('shows name and number as far as known', () => {
    expect(linkedAccountLabel({ name: 'Auto Haus', phone: '+4915112345678' })).toBe('Auto Haus · +4915112345678');
    expect(linkedAccountLabel({ name: null, phone: '+4915112345678' })).toBe('+4915112345678');
    expect(linkedAccountLabel({ name: ' ', phone: null })).toBeNull();
    expect(linkedAccountLabel(null)).toBeNull();
  });
});

describe('canLink', () => {
  it('offers Link only when nothing is running', () => {
    expect(canLink({ state: 'disconnected' })).toBe(true);
    expect(canLink({ state: 'failed' })).toBe(true);
    expect(canLink({ state: 'qr' })).toBe(false);
    expect(canLink({ state: 'ready' })).toBe(false);
  });
});
