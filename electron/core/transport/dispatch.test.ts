import { describe, expect, it } from 'vitest';
import type { ErrorCode, ParsedInput } from '../../../shared/contract';
import { AppError } from '../errors';
import { createDispatcher, INTERNAL_MESSAGE } from './dispatch';
import { fakeHandlers, recordingLogger, sampleSequence } from './test-support';

describe('createDispatcher', () => {
  it('answers an unknown method with 404 NOT_FOUND, including names inherited from Object', async () => {
    const dispatch = createDispatcher(fakeHandlers({}), recordingLogger());
    for (const method of ['sequences.nope', '__proto__', 'constructor', 'toString', '']) {
      expect(await dispatch(method, {})).toEqual({
        status: 404,
        result: { ok: false, error: { code: 'NOT_FOUND', message: 'Unknown API method' } },
      });
    }
  });

  it('passes the parsed input (trimmed, defaults filled) to the handler and wraps its output', async () => {
    const received: ParsedInput<'sequences.create'>[] = [];
    const dispatch = createDispatcher(
      fakeHandlers({
        'sequences.create': (input) => {
          received.push(input);
          return sampleSequence({ name: input.name });
        },
      }),
      recordingLogger(),
    );
    const response = await dispatch('sequences.create', { name: '  Welcome  ' });
    expect(received).toEqual([{ name: 'Welcome', description: '', channel: null, smsFallback: false, stopOnReply: false }]);
    expect(response).toEqual({ status: 200, result: { ok: true, value: sampleSequence({ name: 'Welcome' }) } });
  });

  it('refuses input that does not match the contract with 400 VALIDATION naming the field, before the handler runs', async () => {
    let calls = 0;
    const dispatch = createDispatcher(
      fakeHandlers({
        'sequences.create': () => {
          calls += 1;
          return sampleSequence();
        },
        'messages.reorder': () => {
          calls += 1;
          return [];
        },
      }),
      recordingLogger(),
    );

    const wrongType = await dispatch('sequences.create', { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.result).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });

    const blank = await dispatch('sequences.create', { name: '   ' });
    expect(blank.result).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Name is required', field: 'name' } });

    const nested = await dispatch('messages.reorder', { sequenceId: 1, orderedIds: [1, -2] });
    expect(nested.result).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'orderedIds.1' } });

    const notAnObject = await dispatch('sequences.create', 'Welcome');
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(notAnObject.result.ok || 'field' in notAnObject.result.error).toBe(false);

    const huge = await dispatch('sequences.create', { name: 'x'.repeat(10 * 1024 * 1024) });
    expect(huge.result).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });

    expect(calls).toBe(0);
  });

  const statuses: [ErrorCode, number][] = [
    ['VALIDATION', 400],
    ['UNAUTHORIZED', 401],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['TOO_LARGE', 413],
    ['CHANNEL_DOWN', 503],
    ['INTERNAL', 500],
  ];
  it.each(statuses)('answers AppError %s with status %i and its own message', async (code, status) => {
    const logger = recordingLogger();
    const dispatch = createDispatcher(
      fakeHandlers({
        'sequences.get': () => {
          throw new AppError(code, `Shop-owner words for ${code}`, 'id');
        },
      }),
      logger,
    );
    expect(await dispatch('sequences.get', { id: 7 })).toEqual({
      status,
      result: { ok: false, error: { code, message: `Shop-owner words for ${code}`, field: 'id' } },
    });
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('answers an unexpected error with a generic 500, leaks nothing, and logs it with the method name', async () => {
    const logger = recordingLogger();
    const dispatch = createDispatcher(
      fakeHandlers({
        'sequences.list': async () => {
          throw new Error('SQLITE_CORRUPT at /home/shop/.sequence-automation/app.db');
        },
        'settings.get': () => {
          throw 'a string, not an Error';
        },
      }),
      logger,
    );

    const response = await dispatch('sequences.list', {});
    expect(response).toEqual({
      status: 500,
      result: { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } },
    });
    expect(JSON.stringify(response)).not.toContain('SQLITE');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'error', details: { method: 'sequences.list' } });
    expect(JSON.stringify(logger.lines[0])).toContain('SQLITE_CORRUPT');

    expect((await dispatch('settings.get', {})).status).toBe(500);
  });

  it('treats a missing handler as an internal error instead of throwing', async () => {
    const dispatch = createDispatcher(fakeHandlers({}), recordingLogger());
    await expect(dispatch('sequences.list', {})).resolves.toMatchObject({ status: 500 });
  });

  it('refuses a handler output that breaks the contract as INTERNAL and logs the mismatch', async () => {
    const logger = recordingLogger();
    const dispatch = createDispatcher(
      fakeHandlers({
        // A handler bug the type system cannot see (e.g. a row mapped wrongly at run time).
        'sequences.create': () => JSON.parse('{"id":"not a number"}') as ReturnType<typeof sampleSequence>,
      }),
      logger,
    );
    expect(await dispatch('sequences.create', { name: 'A' })).toEqual({
      status: 500,
      result: { ok: false, error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } },
    });
    expect(logger.lines[0]).toMatchObject({ level: 'error', details: { method: 'sequences.create' } });
  });

  it('sends only the fields the contract declares', async () => {
    const dispatch = createDispatcher(
      fakeHandlers({ 'sequences.create': () => ({ ...sampleSequence(), secretPath: '/etc/passwd' }) }),
      recordingLogger(),
    );
    const response = await dispatch('sequences.create', { name: 'A' });
    expect(response.result).toEqual({ ok: true, value: sampleSequence() });
  });
});
