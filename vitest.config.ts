import { defineConfig } from 'vitest/config';

// Two layers, selected by suffix (see CONVENTIONS.md): *.test.ts are pure and inject()
// tests; *.int.test.ts use real PostgreSQL, real Redis, spawned processes and the real CLI.
export default defineConfig({
  test: {
    expect: { requireAssertions: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start real processes and databases; on 2 cores running
          // files one at a time keeps them from starving each other.
          fileParallelism: false,
        },
      },
    ],
  },
});
