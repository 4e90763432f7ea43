/**
 * A materialized batch (nix/materialized.nix): `some-cabal2nix build --out DIR` committed to the
 * repository is byte-identical to the batch the Nix library builds, the overlay then evaluates
 * with `allow-import-from-derivation = false` to the same derivations, and a stale directory
 * stops evaluation with the command that refreshes it.
 */
import { appendFile, cp, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { readTree } from './support/files.js'
import {
  createNixWorkspace,
  describeWithNix,
  evalProject,
  projectArgs,
  repoRoot,
  run,
  type NixWorkspace
} from './support/nix.js'

interface ProjectResult {
  packages: Record<string, unknown>
  drvPaths: Record<string, string>
  batch: { drv: string; out: string }
}

const NO_IFD = { 'allow-import-from-derivation': 'false' }

describeWithNix('materialized batches: no import from derivation at all (real Nix)', () => {
  let ws: NixWorkspace
  let viaIfd: ProjectResult
  let materialized: string

  beforeAll(async () => {
    ws = await createNixWorkspace('materialized')
    const result = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      withDrvPaths: 'true'
    })
    if (result.code !== 0) throw new Error(result.stderr)
    viaIfd = result.json as ProjectResult
    materialized = path.join(ws.dir, 'materialized')
    const built = await run(process.execPath, [
      path.join(repoRoot, 'dist', 'cli.js'),
      'build',
      '--overrides',
      path.join(ws.projectDir, 'overrides.nix'),
      '--archive',
      ws.archive,
      '--cabal2nix',
      path.join(ws.cabal2nix, 'bin', 'cabal2nix'),
      '--compiler',
      'ghc-9.8.4',
      '--system',
      'x86_64-unknown-linux-gnu',
      '--out',
      materialized
    ])
    if (built.code !== 0) throw new Error(built.stderr)
  }, 300_000)

  test('the CLI writes exactly the batch the Nix library builds (manifest included)', async () => {
    expect(await readTree(materialized)).toEqual(await readTree(viaIfd.batch.out))
  })

  test('with IFD forbidden the overlay evaluates from the directory, to the same derivations', async () => {
    const forbidden = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      withDrvPaths: 'true',
      options: NO_IFD
    })
    // Without the directory the batch would have to be built during evaluation.
    expect(forbidden.code).not.toBe(0)
    expect(forbidden.stderr).toMatch(/import.from.derivation|IFD/i)

    const result = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      materialized,
      withDrvPaths: 'true',
      options: NO_IFD
    })
    expect(result.code === 0 ? '' : result.stderr).toBe('')
    expect(result.builds).toEqual([])
    const json = result.json as ProjectResult
    expect(json.drvPaths).toEqual(viaIfd.drvPaths)
    expect(json.packages).toEqual(viaIfd.packages)
    // The batch itself (what CI builds and pushes) is unchanged by materializing.
    expect(json.batch).toEqual(viaIfd.batch)
  })

  test('a package list that moved on stops evaluation, without building, with the refresh command', async () => {
    const overrides = path.join(ws.dir, 'bumped-overrides.nix')
    const text = await readFile(path.join(ws.projectDir, 'overrides.nix'), 'utf8')
    await writeFile(
      overrides,
      text
        .replace(/^\s*aeson = .*\n/m, '')
        .replace('containers = "0.6.4.1"', 'containers = "0.1.0.0"')
        .replace(/\.\/my-lib/, path.join(ws.projectDir, 'my-lib'))
    )
    const result = await evalProject(ws.nix, {
      mode: 'overlay',
      ...projectArgs(ws),
      overrides,
      materialized,
      options: NO_IFD
    })
    expect(result.code).not.toBe(0)
    expect(result.builds).toEqual([])
    const message = result.stderr.replace(/\x1b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    expect(message).toMatch(
      new RegExp(
        `the materialized batch ${materialized} is stale \\(not in it: containers 0\\.1\\.0\\.0; no longer listed: aeson 2\\.3\\.2\\.0, containers 0\\.6\\.4\\.1\\)`
      )
    )
    expect(message).toMatch(
      /hint: refresh it: nix-store --realise \/nix\/store\/\S+\.drv && rm -rf \S+ && cp -r --no-preserve=mode \/nix\/store\/\S+ \S+/
    )
  })

  test('checkMaterialization compares every file with the batch, and the printed command refreshes it', async () => {
    const stale = path.join(ws.dir, 'stale')
    await cp(materialized, stale, { recursive: true })
    await appendFile(path.join(stale, 'aeson', 'default.nix'), '# edited by hand\n')
    const args = { mode: 'overlay' as const, ...projectArgs(ws), materialized: stale }

    // Unchecked, only the package list is compared: the edit goes unnoticed.
    expect((await evalProject(ws.nix, { ...args, options: NO_IFD })).code).toBe(0)

    const checked = await evalProject(ws.nix, { ...args, checkMaterialization: 'true' })
    expect(checked.code).not.toBe(0)
    const message = checked.stderr.replace(/\x1b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    expect(message).toContain(
      `the materialized batch ${stale} is stale (these files differ from the batch: aeson/default.nix)`
    )
    const command = /hint: refresh it: (.*)$/m.exec(message)?.[1] ?? ''
    expect(command).toContain(`cp -r --no-preserve=mode ${viaIfd.batch.out} ${stale}`)
    const refreshed = await run('/bin/sh', ['-c', command], { env: ws.nix.env })
    expect(refreshed.code === 0 ? '' : refreshed.stderr).toBe('')
    const again = await evalProject(ws.nix, { ...args, checkMaterialization: 'true' })
    expect(again.code === 0 ? '' : again.stderr).toBe('')
    expect(await readTree(stale)).toEqual(await readTree(viaIfd.batch.out))
  })
})
