/**
 * What GHC compiled in a Haskell build, read from the build log: Cabal announces each component
 * (`Building library for p-1.0..`, `Building executable 'x' for p-1.0..`) and GHC's `--make`
 * prints `[ n of m] Compiling Module ( src, obj )` for every module it compiles. A module GHC
 * skips (its source and its dependencies' interfaces unchanged) prints nothing, so an incremental
 * build shows only what it recompiled.
 *
 * Nix may prefix every log line with `pname> ` (`nix build -L`); that prefix is ignored. The
 * build driver's own compile (`Setup.hs`, before `Setup configure`) and Nix's `building '….drv'`
 * lines end a component, so one log may hold several builds.
 */

export interface ComponentProgress {
  /** `pname-version` of the package, as Cabal names it. */
  packageId: string
  /** `library`, `executable 'x'`, `test suite 'x'`, … as Cabal names it. */
  component: string
  /** Modules GHC compiled, in order. */
  compiled: string[]
  /**
   * How many modules the component has, when GHC said: `m` of its `Compiling` lines (its
   * `Linking` line counts one more step); undefined when it compiled and linked nothing.
   */
  modules?: number
}

export interface GhcProgress {
  components: ComponentProgress[]
  /** Every module compiled, over all components. */
  compiled: string[]
}

const LINE_PREFIX = String.raw`^(?:[\w.+-]+> )?`
const BUILDING = new RegExp(`${LINE_PREFIX}Building (.+?) for ([\\w.+-]+?)\\.\\.`)
const COMPILING = new RegExp(`${LINE_PREFIX}\\[\\s*(\\d+) of (\\d+)\\] Compiling (\\S+)`)
const LINKING = new RegExp(`${LINE_PREFIX}\\[\\s*(\\d+) of (\\d+)\\] Linking `)
const SETUP_SOURCE = /\( \S*Setup\.l?hs,/
const NIX_BUILDING = /^building '\/\S+\.drv'/

/** Reads the components and compiled modules out of a build log. */
export function readGhcProgress(log: string): GhcProgress {
  const components: ComponentProgress[] = []
  let current: ComponentProgress | undefined
  const finish = () => {
    if (current) components.push(current)
    current = undefined
  }
  for (const line of log.split('\n')) {
    const building = BUILDING.exec(line)
    if (building) {
      finish()
      current = { packageId: building[2], component: building[1], compiled: [] }
      continue
    }
    if (NIX_BUILDING.test(line)) finish()
    if (!current) continue
    const compiling = COMPILING.exec(line)
    if (compiling && SETUP_SOURCE.test(line)) {
      finish()
    } else if (compiling) {
      current.compiled.push(compiling[3])
      current.modules = Number(compiling[2])
    } else {
      const linking = LINKING.exec(line)
      if (linking && current.modules === undefined) current.modules = Number(linking[2]) - 1
    }
  }
  finish()
  return { components, compiled: components.flatMap(c => c.compiled) }
}
