import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTrustedSenderCheck, isOwnPage } from './trusted-sender';

const INDEX = '/opt/Sequence Automation/resources/app.asar/dist/renderer/index.html';
const INDEX_URL = pathToFileURL(INDEX).href;

const topFrame = (url: string) => ({ senderFrame: { url, parent: null } });

describe('isOwnPage', () => {
  it('accepts our index.html, with or without a hash route or query', () => {
    expect(isOwnPage(INDEX_URL, INDEX, 'linux')).toBe(true);
    expect(isOwnPage(`${INDEX_URL}#/sequences/3`, INDEX, 'linux')).toBe(true);
    expect(isOwnPage(`${INDEX_URL}?x=1`, INDEX, 'linux')).toBe(true);
    // Chromium may escape differently from Node: the same file either way.
    expect(isOwnPage('file:///opt/Sequence%20Automation/resources/app.asar/dist/renderer/index.html', INDEX, 'linux')).toBe(true);
  });

  it('refuses other files, other schemes, remote hosts and garbage', () => {
    for (const url of [
      'file:///opt/Sequence%20Automation/resources/app.asar/dist/renderer/other.html',
      'file:///tmp/index.html',
      'file:///opt/Sequence%20Automation/resources/app.asar/dist/renderer/../renderer2/index.html',
      'file://evil-host/opt/Sequence%20Automation/resources/app.asar/dist/renderer/index.html',
      'https://example.com/opt/Sequence%20Automation/resources/app.asar/dist/renderer/index.html',
      'http://127.0.0.1:5170/',
      'about:blank',
      'data:text/html,<script>1</script>',
      'not a url',
      '',
      'file:///opt/Sequence%20Automation/resources/app.asar/dist/renderer/index.html%',
    ]) {
      expect(isOwnPage(url, INDEX, 'linux'), url).toBe(false);
    }
  });

  it('compares paths case-insensitively on Windows only', () => {
    const upper = INDEX_URL.replace('index.html', 'INDEX.HTML');
    expect(isOwnPage(upper, INDEX, 'linux')).toBe(false);
    expect(isOwnPage(upper, INDEX, 'win32')).toBe(true);
  });
});

describe('createTrustedSenderCheck', () => {
  const isTrusted = createTrustedSenderCheck(INDEX, 'linux');

  it('trusts the top frame of our own page', () => {
    expect(isTrusted(topFrame(`${INDEX_URL}#/settings`))).toBe(true);
  });

  it('refuses a destroyed or navigated-away frame, a subframe, and a foreign page', () => {
    expect(isTrusted({ senderFrame: null })).toBe(false);
    expect(isTrusted({ senderFrame: { url: INDEX_URL, parent: { url: INDEX_URL } } })).toBe(false);
    expect(isTrusted(topFrame('https://evil.example/'))).toBe(false);
  });
});
