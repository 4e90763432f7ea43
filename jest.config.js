/** Jest in ESM mode: ts-jest transpiles (type checking is `npm run typecheck`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 120000,
  // One worker: the suites share one Nix store, and the post-step audit reads every path the store
  // registered while the "main build" ran, so a build or substitution of another suite running
  // beside it (seen on a fresh store) shows up as the main build's own. On a runner only the job
  // itself uses the store.
  maxWorkers: 1,
  verbose: false
}
