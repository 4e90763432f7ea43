/**
 * What to pre-warm when the installable input is empty: the repo's own flake output
 * `packages.<system>.some-cabal2nix` when its flake.nix has one (that is exactly what a
 * `nix build .#…` of the repo imports), else the zero-config expression.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { NixStore, type Installable } from './store.js'

/** The flake output name we look for. */
export const FLAKE_BATCH_OUTPUT = 'some-cabal2nix'

/** Nix's system name for this machine (`x86_64-linux`, `aarch64-darwin`), or undefined. */
export function nixSystem(
  platform: string = process.platform,
  arch: string = process.arch
): string | undefined {
  const cpu = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[arch]
  const kernel = ({ linux: 'linux', darwin: 'darwin' } as Record<string, string>)[platform]
  return cpu && kernel ? `${cpu}-${kernel}` : undefined
}

export function flakeBatchRef(system: string): string {
  return `.#packages.${system}.${FLAKE_BATCH_OUTPUT}`
}

/** The repo's flake output, when flake.nix exists and has it; otherwise undefined (and why). */
export async function flakeBatchOutput(
  workingDirectory: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<{ installable?: Installable; note: string }> {
  if (!existsSync(path.join(workingDirectory, 'flake.nix'))) return { note: 'no flake.nix' }
  const system = nixSystem()
  if (!system) return { note: `no Nix system name for ${process.platform}-${process.arch}` }
  const apply = `p: p ? ${JSON.stringify(system)} && p.${JSON.stringify(system)} ? ${JSON.stringify(FLAKE_BATCH_OUTPUT)}`
  const result = await new NixStore(workingDirectory, env).evalJson('.#packages', apply)
  const ref = flakeBatchRef(system)
  if (result.code === 0 && result.stdout.toString('utf8').trim() === 'true')
    return { installable: { kind: 'flake', ref }, note: `flake.nix has ${ref}` }
  return { note: `flake.nix has no ${ref}` }
}
