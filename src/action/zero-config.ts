/**
 * The zero-config installable: when no installable is given, build the batch with the Nix library
 * bundled in this action, the repo's overrides file (or, in drop-in mode, the plan recorded from
 * its overlay), and the nixpkgs the repo pins in flake.lock (falling back to <nixpkgs>).
 */
import path from 'node:path'
import type { Installable } from './store.js'

export interface ZeroConfigInputs {
  workingDirectory: string
  /** An overrides file in any format the Nix library reads, including the CLI's plan JSON. */
  overridesFile: string
  actionRoot: string
}

function nixPath(absolute: string): string {
  return `(/. + ${JSON.stringify(absolute).replace(/\$\{/g, '\\${')})`
}

export function zeroConfigInstallable(inputs: ZeroConfigInputs): Installable {
  const lockFile = path.join(inputs.workingDirectory, 'flake.lock')
  const expr = `
let
  lockFile = ${nixPath(lockFile)};
  lock = builtins.fromJSON (builtins.readFile lockFile);
  nixpkgsNode = if builtins.pathExists lockFile && lock.nodes.root.inputs ? nixpkgs
    then lock.nodes.\${lock.nodes.root.inputs.nixpkgs} else null;
  nixpkgs = if nixpkgsNode != null then builtins.fetchTree nixpkgsNode.locked else <nixpkgs>;
  pkgs = import nixpkgs { };
  someCabal2nix = import ${nixPath(path.join(inputs.actionRoot, 'nix'))};
in (someCabal2nix.someCabal2nixFor { inherit pkgs; overrides = ${nixPath(path.resolve(inputs.workingDirectory, inputs.overridesFile))}; }).batch
`
  return { kind: 'expr', expr }
}
