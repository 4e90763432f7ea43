/**
 * Hand-made reports (no clock, no environment) the renderer tests share, so their snapshots are
 * deterministic: a cold run, a warm one, and one with package changes and a failed push.
 */
import type { PackageDiff } from '../../src/action/package-diff.js'
import type { BatchRunReport } from '../../src/action/report/model.js'

export const PACKAGES: BatchRunReport['packages'] = [
  { name: 'aeson', version: '2.2.3.0' },
  { name: 'hashable', version: '1.5.1.0' },
  { name: 'lens', version: '5.3.2' },
  { name: 'megaparsec', version: '9.8.0' },
  { name: 'text', version: '2.1.4' },
  { name: 'vector', version: '0.13.2.0' },
  { name: 'my-lib', path: './my-lib' }
]
export const STORE_PATH = '/nix/store/0c7n1mdwzrdyq5f5hbm4wfvnvqpbqjfj-some-cabal2nix-batch'
export const CACHE_KEY = 'some-cabal2nix-linux-x64-6f1d0c2a9b8e7d6c5b4a39281706f5e4'
export const RUN_URL = 'https://github.com/octo-org/haskell-app/actions/runs/4242'

/** First run: nothing in the Actions cache, the batch is built here. */
export const cold: BatchRunReport = {
  storePath: STORE_PATH,
  source: 'built',
  rebuilt: true,
  packages: PACKAGES,
  phases: [
    { name: 'plan', ms: 41.2 },
    { name: 'restore', ms: 388.9 },
    { name: 'evaluate', ms: 2210.4 },
    { name: 'archive pass', ms: 6120.7 },
    { name: 'cabal2nix', ms: 96.3 },
    { name: 'store', ms: 641.0 },
    { name: 'push', ms: 1830.5 },
    { name: 'save', ms: 2402.2 }
  ],
  pushes: [{ target: 'file:///srv/nix-cache', status: 'pushed', ms: 1830.5 }],
  cacheKey: CACHE_KEY,
  totalMs: 13791.6
}

/** Next run, same package list: restored from the Actions cache, nothing rebuilt. */
export const warm: BatchRunReport = {
  storePath: STORE_PATH,
  source: 'actions-cache',
  rebuilt: false,
  packages: PACKAGES,
  diff: { added: [], removed: [], bumped: [], unchanged: 7 },
  phases: [
    { name: 'plan', ms: 38.0 },
    { name: 'restore', ms: 912.4 },
    { name: 'import', ms: 402.8 },
    { name: 'evaluate', ms: 1904.1 },
    { name: 'push', ms: 260.2 }
  ],
  pushes: [{ target: 'file:///srv/nix-cache', status: 'already-present', ms: 260.2 }],
  cacheKey: CACHE_KEY,
  totalMs: 3560.9
}

export const changedDiff: PackageDiff = {
  added: [{ name: 'servant', to: '0.20.3.0' }],
  removed: [{ name: 'hashable', from: '1.5.1.0' }],
  bumped: [
    { name: 'aeson', from: '2.2.3.0', to: '2.3.2.0' },
    { name: 'my-lib', from: 'path ./my-lib', to: 'path ./libs/my-lib' }
  ],
  unchanged: 4
}

/** A pin changed: the previous batch is restored for the diff, the new one is built and pushed. */
export const changed: BatchRunReport = {
  storePath: '/nix/store/x9a2kq6mw1n5l0bdc7yh3p8r4s0tvzgf-some-cabal2nix-batch',
  source: 'built',
  rebuilt: true,
  packages: [
    { name: 'aeson', version: '2.3.2.0' },
    { name: 'lens', version: '5.3.2' },
    { name: 'megaparsec', version: '9.8.0' },
    { name: 'servant', version: '0.20.3.0' },
    { name: 'text', version: '2.1.4' },
    { name: 'vector', version: '0.13.2.0' },
    { name: 'my-lib', path: './libs/my-lib' }
  ],
  diff: changedDiff,
  phases: [
    { name: 'plan', ms: 40.1 },
    { name: 'restore', ms: 930.0 },
    { name: 'evaluate', ms: 2301.9 },
    { name: 'archive pass', ms: 5890.3 },
    { name: 'cabal2nix', ms: 88.8 },
    { name: 'store', ms: 600.6 },
    { name: 'push', ms: 4210.0 },
    { name: 'save', ms: 2399.5 }
  ],
  pushes: [
    { target: 'file:///srv/nix-cache', status: 'pushed', ms: 1210.0 },
    {
      target: 's3://***@team-cache',
      status: 'failed',
      ms: 3000.0,
      error: 'cannot open s3://AKIA:hunter2@team-cache?secret-key=/tmp/k: 403 | Forbidden'
    }
  ],
  cacheKey: CACHE_KEY,
  totalMs: 16461.2
}
