/**
 * The zero-config installable: when no installable is given, build the batch with the Nix library
 * bundled in this action, the repo's overrides (or overlay) file, and the nixpkgs the repo pins in
 * flake.lock (falling back to <nixpkgs> from NIX_PATH).
 */
import path from 'node:path'
import type { Installable } from './store.js'

export interface ZeroConfigInputs {
  workingDirectory: string
  overridesFile?: string
  overlayFile?: string
  actionRoot: string
}

function nixString(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, '\\${')
}

export function zeroConfigInstallable(inputs: ZeroConfigInputs): Installable {
  const lockFile = path.join(inputs.workingDirectory, 'flake.lock')
  const source = inputs.overlayFile
    ? `overlayFile = /. + ${nixString(path.resolve(inputs.workingDirectory, inputs.overlayFile))};`
    : `overrides = /. + ${nixString(path.resolve(inputs.workingDirectory, inputs.overridesFile as string))};`
  const expr = `
let
  lockFile = /. + ${nixString(lockFile)};
  lock = builtins.fromJSON (builtins.readFile lockFile);
  nixpkgsNode = if builtins.pathExists lockFile && lock.nodes.root.inputs ? nixpkgs
    then lock.nodes.\${lock.nodes.root.inputs.nixpkgs} else null;
  nixpkgs = if nixpkgsNode != null then builtins.fetchTree nixpkgsNode.locked else <nixpkgs>;
  pkgs = import nixpkgs { };
  someCabal2nix = import (/. + ${nixString(path.join(inputs.actionRoot, 'nix'))}) { };
in (someCabal2nix.someCabal2nixFor { inherit pkgs; ${source} }).batch
`
  return { kind: 'expr', expr }
}
