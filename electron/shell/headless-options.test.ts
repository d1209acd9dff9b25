import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, parseHeadlessArgs } from './headless-options';

const HOME = path.join(path.sep, 'home', 'shop');

describe('parseHeadlessArgs', () => {
  it('uses the documented defaults, with a fresh 32-byte random token each time', () => {
    const first = parseHeadlessArgs([], HOME);
    const second = parseHeadlessArgs([], HOME);
    if (first.kind !== 'run' || second.kind !== 'run') throw new Error('expected run');
    expect(first.options).toMatchObject({
      dataDir: path.join(HOME, '.sequence-automation'),
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
    });
    expect(first.options.token).toMatch(/^[0-9a-f]{64}$/);
    expect(second.options.token).not.toBe(first.options.token);
  });

  it('takes every option', () => {
    expect(parseHeadlessArgs(['--data', 'shop-data', '--port', '0', '--host', '0.0.0.0', '--token', 's3cret'], HOME)).toEqual({
      kind: 'run',
      options: { dataDir: path.resolve('shop-data'), port: 0, host: '0.0.0.0', token: 's3cret' },
    });
    expect(parseHeadlessArgs(['--port=8080'], HOME)).toMatchObject({ kind: 'run', options: { port: 8080 } });
  });

  it('answers --help', () => {
    expect(parseHeadlessArgs(['--help'], HOME)).toEqual({ kind: 'help' });
  });

  it.each([
    [['--prot', '80'], /--prot/],
    [['--port'], /--port/],
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--port', '65536'], /--port must be a whole number/],
    [['--port', '-1'], /--port/],
    [['extra'], /extra/],
    [['--token', 'has space'], /--token/],
    [['--token', ''], /--token/],
    [['--host', ''], /--host/],
    [['--data', ''], /--data/],
  ])('refuses %j with a readable message', (argv, message) => {
    const parsed = parseHeadlessArgs(argv, HOME);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toMatch(message);
  });
});
