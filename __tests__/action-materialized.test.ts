/**
 * The Action with a materialized batch (`materialized-directory`): dist/index.js as the runner runs
 * it, the real Nix. It compares the committed directory with the batch it prepared, says in the job
 * summary whether it is current (with the refresh command and the package changes when not), and
 * fails the step for it only with `fail-on-stale-materialization`.
 */
import { appendFile, cp, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  createScenario,
  expectGreen,
  overridesText,
  PACKAGES,
  runMain,
  type Scenario
} from './support/action.js'
import { describeWithNix, run } from './support/nix.js'

describeWithNix('the Action checks a materialized batch', () => {
  let s: Scenario
  let storePath: string
  let drvPath: string
  const directory = 'nix/materialized'

  beforeAll(async () => {
    s = await createScenario('action-materialized')
    const first = await runMain(s, { 'use-actions-cache': 'false' })
    expectGreen(first)
    storePath = first.outputs['store-path']
    drvPath = (
      await run('nix-store', ['--query', '--deriver', storePath], { env: s.ws.nix.env })
    ).stdout.trim()
    await cp(storePath, path.join(s.workspace, directory), { recursive: true })
    await run('chmod', ['-R', 'u+w', path.join(s.workspace, directory)])
  }, 300_000)

  test('a current directory is reported as current', async () => {
    const result = await runMain(s, {
      'use-actions-cache': 'false',
      'materialized-directory': directory
    })
    expectGreen(result)
    expect(result.warnings).toEqual([])
    expect(result.summary).toContain('Materialized batch `nix/materialized`: current')
  })

  test('a stale one is reported with the refresh command and the package changes; red only when asked', async () => {
    await appendFile(path.join(s.workspace, directory, 'zlib', 'default.nix'), '# by hand\n')
    // The overrides moved on: one package fewer than the committed directory has.
    const [dropped, ...kept] = PACKAGES
    await writeFile(path.join(s.workspace, 'overrides.nix'), overridesText(kept))
    const inputs = { 'use-actions-cache': 'false', 'materialized-directory': directory }
    const reported = await runMain(s, inputs)
    expectGreen(reported)
    const newStorePath = reported.outputs['store-path']
    const newDrv = (
      await run('nix-store', ['--query', '--deriver', newStorePath], { env: s.ws.nix.env })
    ).stdout.trim()
    expect(newDrv).not.toBe(drvPath)
    const command = `nix-store --realise ${newDrv} && rm -rf ${directory} && cp -r --no-preserve=mode ${newStorePath} ${directory}`
    expect(reported.summary).toContain(`**Materialized batch \`${directory}\` is stale**: `)
    expect(reported.summary).toContain(`packages: -${dropped[0]} ${dropped[1]}`)
    expect(reported.summary).toContain('zlib/default.nix')
    expect(reported.summary).toContain(command)
    expect(reported.warnings).toHaveLength(1)

    const failed = await runMain(s, { ...inputs, 'fail-on-stale-materialization': 'true' })
    expect(failed.code).not.toBe(0)
    expect(failed.errors.join('\n')).toContain(`${directory} is stale`)
    expect(failed.summary).toContain('is stale**')

    // The printed command, run in the repository, makes it current.
    const refreshed = await run('/bin/sh', ['-c', `cd ${s.workspace} && ${command}`], {
      env: s.ws.nix.env
    })
    expect(refreshed.code === 0 ? '' : refreshed.stderr).toBe('')
    const again = await runMain(s, { ...inputs, 'fail-on-stale-materialization': 'true' })
    expectGreen(again)
    expect(again.summary).toContain('Materialized batch `nix/materialized`: current')
  })
})
