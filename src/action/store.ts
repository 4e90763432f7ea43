/**
 * Stage "store": every Nix command the Action runs goes through NixStore — evaluate the
 * installable's out path, ask whether it is valid / substitutable / to be built, realise it, move
 * the batch in and out of the store (a `nix-store --export` file, a format Nix 2.8 and current Nix
 * share, or a signed `file://` binary cache), push it to binary caches, sign it, and read
 * `nix path-info` for the push and the audit.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import { NIX_FEATURE_FLAGS } from '../common/nix-command.js'
import { firstBuildError } from '../common/nix-output.js'
import { runCommand, type CommandResult } from '../common/process.js'
import { knownLogSettings, type NixLogSettings } from './observe/collector.js'
import { parsePathInfo, type PathInfo } from './store/path-info.js'

export type Installable =
  /** `.#some-cabal2nix`, `github:org/repo#attr`: built with `nix build`. */
  | { kind: 'flake'; ref: string }
  /** `ci/batch.nix` or `ci/batch.nix#attr`: built with `nix-build`. */
  | { kind: 'file'; file: string; attr?: string }
  /** A Nix expression (the zero-config path generates one). */
  | { kind: 'expr'; expr: string }

export interface Derivation {
  drvPath: string
  outPath: string
}

export type RealiseVerdict = 'valid' | 'substitute' | 'build'

export function parseInstallable(text: string): Installable {
  const [head, attr] = text.split('#', 2) as [string, string | undefined]
  if (head.endsWith('.nix') || head.endsWith('/default.nix'))
    return { kind: 'file', file: head, attr: attr || undefined }
  if (!text.includes('#')) {
    throw new BatchError(
      'usage',
      `installable '${text}' is neither a flake reference (FLAKE#ATTR) nor a .nix file`,
      {
        hint: "use something like '.#some-cabal2nix' or 'ci/batch.nix#batch'"
      }
    )
  }
  return { kind: 'flake', ref: text }
}

export function describeInstallable(installable: Installable): string {
  if (installable.kind === 'flake') return installable.ref
  if (installable.kind === 'file')
    return installable.attr ? `${installable.file}#${installable.attr}` : installable.file
  return '(generated expression)'
}

function nixFailure(what: string, result: CommandResult, hint?: string): BatchError {
  return new BatchError('nix', `${what} failed: ${firstBuildError(result.stderr)}`, { hint })
}

/** `[drvPath, outPath]` as printed by `nix eval --json`, checked: anything else is not a derivation. */
export function derivationFromEval(ref: string, stdout: string): Derivation {
  let value: unknown
  try {
    value = JSON.parse(stdout)
  } catch {
    value = undefined
  }
  const [drvPath, outPath] = Array.isArray(value) ? (value as unknown[]) : []
  if (
    typeof drvPath !== 'string' ||
    typeof outPath !== 'string' ||
    !drvPath.endsWith('.drv') ||
    !outPath.startsWith('/')
  ) {
    throw new BatchError(
      'nix',
      `${ref} is not a derivation (nix eval printed ${stdout.trim().slice(0, 80)})`,
      {
        hint: "point installable at the batch itself, e.g. '.#some-cabal2nix' exposing lib.someCabal2nixFor { … }.batch"
      }
    )
  }
  return { drvPath, outPath }
}

export class NixStore {
  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  private run(command: string, args: string[], extra: Parameters<typeof runCommand>[2] = {}) {
    return runCommand(command, args, { cwd: this.cwd, env: this.env, ...extra })
  }

  async evaluate(installable: Installable): Promise<Derivation> {
    if (installable.kind === 'flake') {
      // A list, not an attribute set: `nix eval --json` prints a set that has `outPath` as
      // just that string, on every Nix version.
      const result = await this.evalJson(
        installable.ref,
        'd: if d ? drvPath && d ? outPath then [ d.drvPath d.outPath ] else null'
      )
      if (result.code !== 0) throw nixFailure(`evaluating ${installable.ref}`, result)
      return derivationFromEval(installable.ref, result.stdout.toString('utf8'))
    }
    const args =
      installable.kind === 'file'
        ? [installable.file, ...(installable.attr ? ['-A', installable.attr] : [])]
        : ['--expr', installable.expr]
    const instantiated = await this.run('nix-instantiate', [...NIX_FEATURE_FLAGS, ...args])
    if (instantiated.code !== 0)
      throw nixFailure(`evaluating ${describeInstallable(installable)}`, instantiated)
    const drvPath = instantiated.stdout.toString('utf8').trim().split('\n').pop() as string
    const outputs = await this.run('nix-store', ['--query', '--outputs', drvPath])
    if (outputs.code !== 0) throw nixFailure(`querying the outputs of ${drvPath}`, outputs)
    return { drvPath, outPath: outputs.stdout.toString('utf8').trim().split('\n')[0] }
  }

  /** `nix eval --json REF --apply FN`, as it came back. */
  evalJson(ref: string, apply: string): Promise<CommandResult> {
    return this.run('nix', [...NIX_FEATURE_FLAGS, 'eval', '--json', ref, '--apply', apply])
  }

  /** The build log Nix kept for a derivation (`nix-store -l`); undefined when it has none. */
  async buildLog(drvPath: string): Promise<string | undefined> {
    const result = await this.run('nix-store', ['--read-log', drvPath])
    return result.code === 0 ? result.stdout.toString('utf8') : undefined
  }

  async isValid(storePath: string): Promise<boolean> {
    const result = await this.run('nix-store', ['--check-validity', storePath])
    return result.code === 0
  }

  /** Without building anything: is the path there, fetchable from a substituter, or to be built? */
  async verdict(derivation: Derivation): Promise<RealiseVerdict> {
    if (await this.isValid(derivation.outPath)) return 'valid'
    const result = await this.run('nix-store', ['--realise', '--dry-run', derivation.drvPath])
    if (result.code !== 0) throw nixFailure(`planning the build of ${derivation.drvPath}`, result)
    return /will be built/.test(result.stderr) ? 'build' : 'substitute'
  }

  /** Builds or substitutes the derivation; builder output goes to `onLine` as it comes. */
  async realise(
    derivation: Derivation,
    onLine: (line: string) => void
  ): Promise<{ stderr: string }> {
    const result = await this.run('nix-store', ['--realise', derivation.drvPath], {
      onStderrLine: onLine
    })
    if (result.code !== 0) {
      throw nixFailure(
        'building the batch',
        result,
        'the log above has the builder output; nothing was pushed'
      )
    }
    return { stderr: result.stderr }
  }

  async exportTo(storePath: string, file: string): Promise<void> {
    const result = await this.run('nix-store', ['--export', storePath], { stdoutFile: file })
    if (result.code !== 0) throw nixFailure(`exporting ${storePath}`, result)
  }

  async importFrom(file: string): Promise<string[]> {
    const result = await this.run('nix-store', ['--import'], { stdinFile: file })
    if (result.code !== 0) throw nixFailure(`importing ${path.basename(file)}`, result)
    return result.stdout.toString('utf8').trim().split('\n').filter(Boolean)
  }

  /** `nix copy --to URL` of the path (and its closure); `URL?secret-key=FILE` signs on the way out. */
  async copyTo(url: string, storePath: string): Promise<void> {
    const result = await this.copyToResult(url, storePath)
    if (result.code !== 0) throw nixFailure(`copying ${storePath} to a binary cache`, result)
  }

  /** As copyTo, for a push: the error is Nix's own first line, which the push report quotes. */
  async pushTo(url: string, storePath: string): Promise<void> {
    const result = await this.copyToResult(url, storePath)
    if (result.code !== 0) throw new Error(firstBuildError(result.stderr))
  }

  private copyToResult(url: string, storePath: string): Promise<CommandResult> {
    return this.run('nix', [...NIX_FEATURE_FLAGS, 'copy', '--to', url, storePath])
  }

  /** Whether the store at `url` (any store URL, a binary cache included) has the path. */
  async hasIn(url: string, storePath: string): Promise<boolean> {
    const result = await this.run('nix', [
      ...NIX_FEATURE_FLAGS,
      'path-info',
      '--store',
      url,
      storePath
    ])
    return result.code === 0
  }

  /** `nix store sign` in the local store; Nix's reason when it refuses, else undefined. */
  async signLocally(keyFile: string, storePath: string): Promise<string | undefined> {
    const result = await this.run('nix', [
      ...NIX_FEATURE_FLAGS,
      'store',
      'sign',
      '--key-file',
      keyFile,
      storePath
    ])
    return result.code === 0 ? undefined : firstBuildError(result.stderr)
  }

  /**
   * Checks a path in a binary cache against the given public keys, without the local store:
   * its NAR must hash to the narinfo's NarHash and the narinfo must carry a signature by one of
   * them. Returns Nix's reason when it does not.
   */
  async verifyInCache(url: string, storePath: string, publicKeys: readonly string[]) {
    const result = await this.run('nix', [
      ...NIX_FEATURE_FLAGS,
      'store',
      'verify',
      '--store',
      url,
      ...trustOptions(publicKeys),
      storePath
    ])
    return result.code === 0 ? undefined : firstBuildError(result.stderr)
  }

  /**
   * `nix copy --from URL`: the store itself checks the NAR hash and the signature. With
   * `publicKeys`, those are the only keys a trusted user's store accepts; without, signatures are
   * not asked for (an unsigned export is not either). A daemon ignores both for a user not in
   * trusted-users and applies its own `trusted-public-keys`.
   */
  async copyFrom(url: string, storePath: string, publicKeys?: readonly string[]): Promise<void> {
    const result = await this.run('nix', [
      ...NIX_FEATURE_FLAGS,
      'copy',
      '--from',
      url,
      ...(publicKeys ? trustOptions(publicKeys) : ['--no-check-sigs']),
      storePath
    ])
    if (result.code !== 0) throw nixFailure(`copying ${storePath} from ${url}`, result)
  }

  /** NAR size in bytes, or undefined when Nix cannot tell. */
  async narSize(storePath: string): Promise<number | undefined> {
    const result = await this.run('nix', [...NIX_FEATURE_FLAGS, 'path-info', '--json', storePath])
    if (result.code !== 0) return undefined
    return parsePathInfo(result.stdout.toString('utf8'))[0]?.narSize
  }

  /** `nix path-info --all --json`: every valid path with its registration time, deriver, size. */
  async allPathInfo(): Promise<PathInfo[]> {
    const result = await this.run('nix', [...NIX_FEATURE_FLAGS, 'path-info', '--all', '--json'])
    if (result.code !== 0) throw new Error('nix path-info --all failed (is the store local?)')
    return parsePathInfo(result.stdout.toString('utf8'))
  }

  /** `nix path-info --json` of the given valid paths. */
  async pathInfo(storePaths: string[]): Promise<PathInfo[]> {
    const result = await this.run('nix', [
      ...NIX_FEATURE_FLAGS,
      'path-info',
      '--json',
      ...storePaths
    ])
    return result.code === 0 ? parsePathInfo(result.stdout.toString('utf8')) : []
  }

  /**
   * Whether this Nix knows the settings the observation needs, asked of Nix itself (`nix config
   * show`; `nix show-config` on Nix before 2.20): undefined when it cannot tell.
   */
  async logSettings(): Promise<NixLogSettings | undefined> {
    for (const command of [['config', 'show'], ['show-config']]) {
      const result = await this.run('nix', [...NIX_FEATURE_FLAGS, ...command, '--json'], {
        timeoutMs: 30_000
      })
      if (result.code === 0) return knownLogSettings(result.stdout.toString('utf8'))
    }
    return undefined
  }

  async references(storePath: string): Promise<string[]> {
    const result = await this.run('nix-store', ['--query', '--references', storePath])
    if (result.code !== 0) throw nixFailure(`querying references of ${storePath}`, result)
    return result.stdout.toString('utf8').trim().split('\n').filter(Boolean)
  }
}

function trustOptions(publicKeys: readonly string[]): string[] {
  return [
    '--option',
    'trusted-public-keys',
    publicKeys.join(' '),
    '--option',
    'require-sigs',
    'true'
  ]
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** nix/builder.mjs prints `some-cabal2nix timings: {json}` (the CLI's --timings-file) in the build log; find it. */
export function timingsFromBuildLog(stderr: string): {
  archiveMs?: number
  cabal2nixMs?: number
  writeMs?: number
} {
  const match = /some-cabal2nix timings: (\{[^\n]*\})/.exec(stderr)
  if (!match) return {}
  try {
    return JSON.parse(match[1]) as { archiveMs?: number; cabal2nixMs?: number; writeMs?: number }
  } catch {
    return {}
  }
}
