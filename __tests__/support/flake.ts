/**
 * Flakes for tests: the library as a flake of its own (what `inputs.some-cabal2nix.url =
 * "github:…"` fetches) and the stand-in package set as a non-flake `nixpkgs` input.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './files.js'
import { createNixWorkspace, type NixWorkspace } from './nix.js'

export const nixSystem = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux`
export const hostConfig = `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-gnu`

/** The library as a flake of its own: flake.nix, nix/ and the bundled CLI. */
export async function libraryCopy(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'dist'), { recursive: true })
  await cp(path.join(repoRoot, 'flake.nix'), path.join(dir, 'flake.nix'))
  await cp(path.join(repoRoot, 'nix'), path.join(dir, 'nix'), { recursive: true })
  await cp(path.join(repoRoot, 'dist', 'cli.js'), path.join(dir, 'dist', 'cli.js'))
  return dir
}

/** The stand-in package set as a non-flake input; tools are passed as strings, as pure evaluation needs. */
export async function standInNixpkgs(
  ws: NixWorkspace,
  dir: string,
  { compilerName = 'ghc-9.8.4' } = {}
): Promise<string> {
  await mkdir(dir, { recursive: true })
  for (const file of ['haskell-package-set.nix', 'stub-lib.nix', 'generic-builder.nix'])
    await cp(path.join(repoRoot, 'testing', 'nix', file), path.join(dir, file))
  await writeFile(
    path.join(dir, 'default.nix'),
    `{ ... }: (import ./haskell-package-set.nix {
  allCabalHashes = "${ws.archive}";
  cabal2nix = "${ws.cabal2nix}";
  nodejs = "${ws.nodejs}";
  system = "${nixSystem}";
  hostConfig = "${hostConfig}";
  compilerName = "${compilerName}";
}).pkgs
`
  )
  return dir
}

/** A Nix workspace with the library and the stand-in nixpkgs as flakes beside an empty `repo/`. */
export async function flakeWorkspace(
  label: string
): Promise<{ ws: NixWorkspace; library: string; nixpkgs: string; repo: string }> {
  const ws = await createNixWorkspace(label)
  const library = await libraryCopy(path.join(ws.dir, 'some-cabal2nix'))
  const nixpkgs = await standInNixpkgs(ws, path.join(ws.dir, 'nixpkgs'))
  const repo = path.join(ws.dir, 'repo')
  await mkdir(repo, { recursive: true })
  return { ws, library, nixpkgs, repo }
}
