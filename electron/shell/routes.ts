/**
 * The pages the shell opens (a notification clicked, a tray entry), as the renderer's hash routes
 * (renderer/src/router.ts; routes.test.ts checks each lands on the page meant). The window loads
 * its index.html with the hash; for a window already open that is a same-document navigation, so
 * the page switches without reloading.
 */
export const SHELL_ROUTES = {
  /** Channels are set up and linked in Settings. */
  channels: '#/settings',
  /** Activity, newest first: the failures on top. */
  activity: '#/activity',
  unknownDeliveries: '#/activity?status=unknown',
} as const;

export type ShellRoute = (typeof SHELL_ROUTES)[keyof typeof SHELL_ROUTES];

/** For `loadFile(index, { hash })`, which adds the '#' itself. */
export function hashOption(route: ShellRoute): string {
  return route.slice(1);
}
