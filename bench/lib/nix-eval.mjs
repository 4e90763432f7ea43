// Part 3 of the benchmark: the same N-override project evaluated with the real Nix, the
// nixpkgs way (packageSourceOverrides → callHackage per package: an all-cabal-hashes-component
// IFD and a cabal2nix IFD each, one after the other) and through some-cabal2nix's overlay (one
// batch derivation), on the stand-in package set of testing/nix (see bench/measure-eval.mjs,
// whose machinery this reuses, for the project itself).
//
//   cold         nothing of the project in the store (the archive is; a fresh store name for it
//                per benchmark run makes every derivation new, and later cold runs delete what
//                the first one built)
//   substituted  the built paths deleted again and fetched from a signed binary cache served on
//                127.0.0.1 (the nixpkgs way still builds its cabal2nix-* derivations:
//                nixpkgs marks them allowSubstitutes = false)
//   in store     everything already there
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pickSpread } from '../../testing/archives.mjs'
import {
  copyToBinaryCache,
  createNixEnv,
  evalProject,
  firstNixError,
  generateCacheKey,
  makeCabal2nixPrefix,
  readCabal2nixLog,
  run
} from '../../testing/nix/harness.mjs'
import { startStaticServer } from '../../testing/servers/static-server.mjs'
import { summarize } from './stats.mjs'

/** @param {{ name: string, version: string }[]} packages */
function overridesNix(packages) {
  const lines = packages.map(p => `  ${JSON.stringify(p.name)} = ${JSON.stringify(p.version)};`)
  return `# ${packages.length} Hackage overrides picked across the generated archive (bench/run.mjs)\n{\n${lines.join('\n')}\n}\n`
}

/**
 * @param {{ archive: { file: string, index: any }, n: number, runs: number, nodePrefix: string,
 *   dir: string, log: (s: string) => void }} opts
 */
export async function measureEvaluation({ archive, n, runs, nodePrefix, dir, log }) {
  const nixEnv = await createNixEnv(dir)
  const packages = pickSpread(archive.index, n)
  const overrides = path.join(dir, 'overrides.nix')
  await writeFile(overrides, overridesNix(packages))
  const logFile = path.join(dir, 'cabal2nix.log')
  const archiveName = `all-cabal-hashes-bench-${randomBytes(5).toString('hex')}.tar.gz`
  const common = {
    archive: archive.file,
    archiveName,
    cabal2nix: await makeCabal2nixPrefix(path.join(dir, 'cabal2nix'), { logFile }),
    nodejs: nodePrefix,
    overrides,
    timeoutMs: 3_600_000
  }
  const nixStore = async (args, what) => {
    const r = await run('nix-store', args, { env: nixEnv.env, timeoutMs: 600_000 })
    if (r.code !== 0) throw new Error(`nix-store ${what} failed: ${r.stderr.slice(-1500)}`)
    return r.stdout.split('\n').filter(Boolean)
  }
  const outputsOf = drvs =>
    drvs.length ? nixStore(['-q', '--outputs', ...drvs], '-q --outputs') : []
  const deletePaths = async paths => {
    if (paths.length === 0) return
    await nixStore(['--delete', ...paths], '--delete')
    const stillValid = await run('nix-store', ['--check-validity', '--print-invalid', ...paths], {
      env: nixEnv.env
    })
    const invalid = new Set(stillValid.stdout.split('\n').filter(Boolean))
    const kept = paths.filter(p => !invalid.has(p))
    if (kept.length)
      throw new Error(`could not delete ${kept.length} paths for a cold run: ${kept[0]} …`)
  }

  const evaluate = async (label, options) => {
    const result = await evalProject(nixEnv, { ...common, ...options })
    if (result.code !== 0) {
      throw new Error(
        `${label}: nix-instantiate failed: ${firstNixError(result.stderr) ?? result.stderr.slice(-1500)}`
      )
    }
    const got = Object.keys(result.json?.packages ?? {}).length
    if (options.attr === undefined && got !== n)
      throw new Error(`${label}: ${got} packages, expected ${n}`)
    log(
      `  ${label.padEnd(34)} ${(result.ms / 1000).toFixed(2).padStart(7)} s  ` +
        `built ${result.builds.length}, substituted ${result.substituted.length}`
    )
    return result
  }

  // The archive and the sources into the store first (instantiating the batch builds nothing),
  // so neither cold run pays for hashing 75 MB.
  const prepared = await evaluate('prepare (add sources)', { mode: 'overlay', attr: 'batch.drv' })
  const batchDrv = prepared.json
  /** @type {Record<string, { seconds: number[], builds: number[], substituted: number[] }>} */
  const rows = {}
  const record = (key, result) => {
    const row = (rows[key] ??= { seconds: [], builds: [], substituted: [] })
    row.seconds.push(result.ms / 1000)
    row.builds.push(result.builds.length)
    row.substituted.push(result.substituted.length)
  }

  let nixpkgsOutputs = []
  let batchOutputs = []
  const cabal2nixRuns = { nixpkgs: 0, someCabal2nix: 0 }
  for (let round = 1; round <= runs; round++) {
    await deletePaths(nixpkgsOutputs)
    const before = (await readCabal2nixLog(logFile)).length
    const theirs = await evaluate(`nixpkgs-style, cold (${round}/${runs})`, { mode: 'nixpkgs' })
    const middle = (await readCabal2nixLog(logFile)).length
    record('nixpkgs|cold', theirs)
    if (round === 1) nixpkgsOutputs = await outputsOf(theirs.builds)
    await deletePaths(batchOutputs)
    const ours = await evaluate(`some-cabal2nix overlay, cold (${round}/${runs})`, {
      mode: 'overlay'
    })
    record('ours|cold', ours)
    if (round === 1) {
      batchOutputs = await outputsOf(ours.builds)
      cabal2nixRuns.nixpkgs = middle - before
      cabal2nixRuns.someCabal2nix = (await readCabal2nixLog(logFile)).length - middle
    }
  }
  for (let round = 1; round <= runs; round++) {
    record(
      'nixpkgs|store',
      await evaluate(`nixpkgs-style, in store (${round}/${runs})`, { mode: 'nixpkgs' })
    )
    record(
      'ours|store',
      await evaluate(`some-cabal2nix overlay, in store (${round}/${runs})`, { mode: 'overlay' })
    )
  }

  const key = await generateCacheKey(nixEnv, path.join(dir, 'keys'), 'some-cabal2nix-bench-1')
  const cacheDir = path.join(dir, 'binary-cache')
  await copyToBinaryCache(nixEnv, cacheDir, key.secretKeyFile, [...nixpkgsOutputs, ...batchOutputs])
  const server = await startStaticServer(cacheDir)
  const fromCache = { substituters: server.url, trustedPublicKeys: key.publicKey }
  try {
    for (let round = 1; round <= runs; round++) {
      await deletePaths(nixpkgsOutputs)
      record(
        'nixpkgs|substituted',
        await evaluate(`nixpkgs-style, substituted (${round}/${runs})`, {
          mode: 'nixpkgs',
          ...fromCache
        })
      )
      await deletePaths(batchOutputs)
      record(
        'ours|substituted',
        await evaluate(`some-cabal2nix overlay, substituted (${round}/${runs})`, {
          mode: 'overlay',
          ...fromCache
        })
      )
    }
  } finally {
    await server.stop()
  }

  // Leave the shared store as we found it: what this run built, its derivations and its copy
  // of the archive (best effort; `nix-collect-garbage` would reclaim them anyway).
  let cleanedUp
  try {
    const archivePath = (await nixStore(['-q', '--references', batchDrv], '-q --references')).find(
      p => p.endsWith(`-${archiveName}`)
    )
    const referrers = archivePath
      ? await nixStore(['-q', '--referrers-closure', archivePath], '-q --referrers-closure')
      : []
    const all = [...new Set([...nixpkgsOutputs, ...batchOutputs, ...referrers])]
    const r = await run('nix-store', ['--delete', ...all], { env: nixEnv.env, timeoutMs: 600_000 })
    cleanedUp = r.code === 0
  } catch {
    cleanedUp = false
  }

  /** @type {Record<string, any>} */
  const summary = {}
  for (const [k, row] of Object.entries(rows)) {
    summary[k] = {
      ...summarize(row.seconds),
      builds: Math.max(...row.builds),
      substituted: Math.max(...row.substituted)
    }
  }
  return {
    n,
    runs,
    packages,
    archiveName,
    derivationsBuiltCold: {
      nixpkgs: summary['nixpkgs|cold'].builds,
      someCabal2nix: summary['ours|cold'].builds
    },
    cabal2nixRuns,
    cleanedUp,
    rows: summary
  }
}
