/**
 * Deleting a branch's superseded intermediates entries (src/action/incremental/cache-cleanup.ts),
 * with the real Octokit against the loopback GitHub API server.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import { deleteSupersededEntries, supersededKeys } from '../src/action/incremental/cache-cleanup.js'

const prefix = 'some-cabal2nix-intermediates-Linux-X64-my-app-ghc-9.10.3-'
const branch = 'refs/heads/feature'
let server: GitHubApiServer

beforeAll(async () => {
  server = await startGitHubApiServer({ repo: 'octo-org/octo-repo', readOnlyTokens: ['read-only'] })
})
afterAll(async () => server.stop())

const request = (keep: string, token = 'writer') => ({
  token,
  baseUrl: server.url,
  owner: 'octo-org',
  repo: 'octo-repo',
  ref: branch,
  keyPrefix: prefix,
  keep
})

test('older entries of the package on this branch go; the new one, other packages and other branches stay', async () => {
  server.seedCaches([
    { key: `${prefix}101-1`, ref: branch },
    { key: `${prefix}102-1`, ref: branch },
    { key: `${prefix}100-1`, ref: 'refs/heads/main' },
    { key: 'some-cabal2nix-intermediates-Linux-X64-my-lib-ghc-9.10.3-102-1', ref: branch },
    { key: `${prefix}103-1`, ref: branch }
  ])
  const outcome = await deleteSupersededEntries(request(`${prefix}103-1`))
  expect(outcome).toEqual({ kind: 'deleted', keys: [`${prefix}102-1`, `${prefix}101-1`] })
  expect(server.caches().map(c => `${c.ref} ${c.key}`)).toEqual([
    `refs/heads/main ${prefix}100-1`,
    `${branch} some-cabal2nix-intermediates-Linux-X64-my-lib-ghc-9.10.3-102-1`,
    `${branch} ${prefix}103-1`
  ])
})

test('without actions: write, one notice and nothing deleted', async () => {
  server.seedCaches([{ key: `${prefix}105-1`, ref: branch }])
  const before = server.caches()
  const denied = await deleteSupersededEntries(request(`${prefix}105-1`, 'read-only'))
  expect(denied).toEqual({
    kind: 'notice',
    message: expect.stringContaining('deleting them needs the permission `actions: write`')
  })
  expect(server.caches()).toEqual(before)
})

test('the API down: a warning, never a throw', async () => {
  server.setFaults({ getStatus: 500 })
  try {
    const outcome = await deleteSupersededEntries(request(`${prefix}106-1`))
    expect(outcome.kind).toBe('warning')
  } finally {
    server.setFaults({})
  }
})

test('supersededKeys: same ref and prefix only, each key once, the kept one never', () => {
  const entries = [
    { key: `${prefix}1`, ref: branch },
    { key: `${prefix}1`, ref: branch },
    { key: `${prefix}2`, ref: branch },
    { key: `${prefix}3`, ref: 'refs/pull/7/merge' }
  ]
  expect(supersededKeys(entries, { ref: branch, keyPrefix: prefix, keep: `${prefix}2` })).toEqual([
    `${prefix}1`
  ])
})
