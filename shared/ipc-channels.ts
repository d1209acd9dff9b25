/**
 * IPC channel names shared by the preload and the IPC transport. In a file of their own (re-exported
 * by contract.ts) so the preload bundle can import them without pulling in zod and every schema.
 */
export const IPC = {
  call: 'api:call',
  event: 'api:event',
} as const;
