import { describe, expect, it } from 'vitest';
import { SHELL_ROUTES, hashOption } from './routes';

// The renderer's router is DOM code, outside this side's typecheck: loaded at run time only.
const routerModule = '../../renderer/src/router';
const { parseRoute } = (await import(routerModule)) as { parseRoute: (hash: string) => unknown };

describe('SHELL_ROUTES', () => {
  it('land on the pages the shell means, as the renderer parses them', () => {
    expect(parseRoute(SHELL_ROUTES.channels)).toEqual({ page: 'settings' });
    expect(parseRoute(SHELL_ROUTES.activity)).toEqual({ page: 'activity', status: null });
    expect(parseRoute(SHELL_ROUTES.unknownDeliveries)).toEqual({ page: 'activity', status: 'unknown' });
  });

  it('are handed to loadFile without the #, which it adds', () => {
    expect(hashOption(SHELL_ROUTES.unknownDeliveries)).toBe('/activity?status=unknown');
    expect(`#${hashOption(SHELL_ROUTES.channels)}`).toBe(SHELL_ROUTES.channels);
  });
});
