/** One redaction for every text that leaves the Action: logs, reports, comments. */
import { expect, test } from '@jest/globals'
import { redactSecrets, redactStoreUrl } from '../src/common/redact.js'

test('user info, secret query values and GitHub tokens are masked anywhere in a text', () => {
  expect(redactSecrets('cannot open s3://AKIA:hunter2@team-cache?secret-key=/tmp/k: 403')).toBe(
    'cannot open s3://***@team-cache?secret-key=*** 403'
  )
  expect(redactSecrets('token ghp_abcdef123 and github_pat_11AB_cd')).toBe(
    'token ghp_*** and github_pat_***'
  )
})

test('a store URL is shown without user info or any query parameter', () => {
  expect(redactStoreUrl('https://user:pw@cache.example/x?secret-key=/k&priority=10')).toBe(
    'https://***@cache.example/x'
  )
  expect(redactStoreUrl('file:///srv/nix-cache')).toBe('file:///srv/nix-cache')
  expect(redactStoreUrl('cachix:team')).toBe('cachix:team')
})
