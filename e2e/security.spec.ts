/**
 * DESIGN.md §8 as a shop owner's browser sees it: the headless server sends the renderer's
 * Content-Security-Policy with the page, and the UI loads nothing from anywhere but its own
 * origin (no CDN fonts, no analytics, no remote images) while the owner moves through every page.
 */
import { CONTENT_SECURITY_POLICY } from '../electron/core/transport/security-headers';
import { test, expect } from './fixtures';

const PAGES = ['#/sequences', '#/contacts', '#/activity', '#/settings'];

test('the page comes with the strict CSP and the UI requests nothing from outside its own origin', async ({ app, page }) => {
  const document = await fetch(`${app.baseUrl}/`);
  expect(document.status).toBe(200);
  expect(document.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(document.headers.get('x-frame-options')).toBe('DENY');
  expect(document.headers.get('x-content-type-options')).toBe('nosniff');

  const origin = new URL(app.baseUrl).origin;
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    // data:/blob: URLs are made by the page itself (media previews, QR codes).
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.origin !== origin) foreign.push(request.url());
  });
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });

  for (const route of PAGES) {
    await app.open(page, route);
    await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toBeVisible();
  }

  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
});
