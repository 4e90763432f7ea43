/**
 * Every name the Action shares with the runner, declared once: the inputs and outputs of
 * action.yml (a test checks both lists against it, both ways) and the keys the main step saves for
 * the post step (see state.ts for their typed save/load pairs).
 */
/** Read only through config.ts, whose `input(name)` takes nothing else. */
export const INPUT_NAMES = [
  // What to pre-warm
  'working-directory',
  'overrides-file',
  'overlay-file',
  'installable',
  // A committed copy of the batch (the Nix library's `materialized`) to check
  'materialized-directory',
  'fail-on-stale-materialization',
  // Binary caches and the keys that sign and check the batch
  'binary-caches',
  'signing-key',
  'trusted-public-keys',
  'cachix-auth-token',
  'fail-on-push-error',
  // The Actions cache
  'use-actions-cache',
  'cache-key-prefix',
  // The pull-request comment
  'github-token',
  'comment',
  'comment-id',
  // The OpenTelemetry trace
  'otlp-endpoint',
  'otlp-headers',
  // Incremental builds of the repository's own packages
  'incremental',
  'intermediates-max-size'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

export const Outputs = {
  StorePath: 'store-path',
  Source: 'source',
  Rebuilt: 'rebuilt',
  CacheKey: 'cache-key',
  Packages: 'packages',
  Diff: 'diff',
  Timings: 'timings',
  NixArgs: 'nix-args',
  Incremental: 'incremental'
} as const

export type OutputName = (typeof Outputs)[keyof typeof Outputs]

/** `GITHUB_STATE` keys: the post step reads them back as `STATE_<key>`. */
export const State = {
  Report: 'report',
  MainFinishedAt: 'main-finished-at',
  Comment: 'comment',
  Trace: 'trace',
  Incremental: 'incremental',
  /** The job's listener (observe/): its pid, socket and records file, or why there is none. */
  Observation: 'observation'
} as const

export type StateName = (typeof State)[keyof typeof State]
