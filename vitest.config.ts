import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Repositories run on real SQLite files; keep the 2-core machine from thrashing.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
