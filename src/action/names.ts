/**
 * Every name the Action shares with the runner, declared once: the inputs and outputs of
 * action.yml (a test checks both lists against it, both ways) and the keys the main step saves for
 * the post step (see state.ts for their typed save/load pairs).
 */
export const Inputs = {
  OverridesFile: 'overrides-file',
  OverlayFile: 'overlay-file',
  Installable: 'installable',
  BinaryCaches: 'binary-caches',
  SigningKey: 'signing-key',
  TrustedPublicKeys: 'trusted-public-keys',
  CachixAuthToken: 'cachix-auth-token',
  UseActionsCache: 'use-actions-cache',
  CacheKeyPrefix: 'cache-key-prefix',
  FailOnPushError: 'fail-on-push-error',
  GithubToken: 'github-token',
  Comment: 'comment',
  CommentId: 'comment-id',
  OtlpEndpoint: 'otlp-endpoint',
  OtlpHeaders: 'otlp-headers',
  WorkingDirectory: 'working-directory'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]

export const Outputs = {
  StorePath: 'store-path',
  Source: 'source',
  Rebuilt: 'rebuilt',
  Packages: 'packages',
  Diff: 'diff',
  Timings: 'timings',
  CacheKey: 'cache-key'
} as const

export type OutputName = (typeof Outputs)[keyof typeof Outputs]

/** `GITHUB_STATE` keys: the post step reads them back as `STATE_<key>`. */
export const State = {
  Report: 'report',
  MainFinishedAt: 'main-finished-at',
  Comment: 'comment',
  Trace: 'trace'
} as const

export type StateName = (typeof State)[keyof typeof State]
