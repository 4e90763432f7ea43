/**
 * Jest in ESM mode: ts-jest transpiles (type checking is `npm run typecheck`; `isolatedModules`
 * comes from tsconfig.json).
 *
 * Two projects. `pure`: tests that never touch a Nix store run in parallel workers. `nix`: every
 * other test file, one after another in the main process (support/serial-runner.mjs), after or
 * before the pure ones, never beside them: the suites share one Nix store, and the post-step
 * audit reads every path the store registered while the "main build" ran, so a build or
 * substitution of another suite running beside it would show up as the main build's own. A new
 * test file lands in `nix` until it is listed here as pure.
 * build.test.ts and post.test.ts touch no store but stay serial: they check cabal2nix's --timeout
 * (2 s) and the rendering of a measured duration, which workers competing for the cores skew.
 */
const PURE = [
  'archive',
  'audit-units',
  'boundaries',
  'comment',
  'dist',
  'generated-archive',
  'names',
  'nix-output',
  'redact',
  'report/comment-body',
  'report/facts',
  'report/gantt',
  'report/markdown',
  'report/summary',
  'tar-walk',
  'test-servers',
  'testing-tools',
  'zero-config-sources'
].map(name => `<rootDir>/__tests__/${name}.test.ts`)

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // See support/workflow-parser/: GitHub's parser imports its schemas without an import attribute.
    '^\\.\\./(workflow|action)-v1\\.0\\.min\\.json$':
      '<rootDir>/__tests__/support/workflow-parser/$1-schema.mjs'
  },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/toolkit-log.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] }
}

export default {
  projects: [
    { ...shared, displayName: 'pure', testMatch: PURE },
    {
      ...shared,
      displayName: 'nix',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...PURE.map(p => p.replace('<rootDir>', ''))],
      runner: '<rootDir>/__tests__/support/serial-runner.mjs'
    }
  ],
  globalSetup: '<rootDir>/__tests__/support/property-seed.mjs',
  globalTeardown: '<rootDir>/__tests__/support/stop-listeners.mjs',
  // Every core for the pure project; the nix project ignores it.
  maxWorkers: '100%',
  testTimeout: 120000,
  verbose: false
}
