/**
 * The whole job (main step, the user's build, post step) on a pull request, run as the runner
 * runs it, with known fake secrets: the signing key, a cachix token and the GitHub token never
 * show up in the log, outputs, state, job summary or PR comment. And a fork PR's read-only token:
 * no comment, a single warning, a green job.
 */
import { readFile } from 'node:fs/promises'
import {
  startActionsCacheServer,
  type ActionsCacheServer
} from '../testing/servers/actions-cache-server.mjs'
import {
  startGitHubApiServer,
  type GitHubApiServer
} from '../testing/servers/github-api-server.mjs'
import { PACKAGES, cacheEnv, createScenario, expectGreen, type Scenario } from './support/action.js'
import { describeWithNix } from './support/nix.js'
import { SimulatedRunner, type StepResult } from './support/runner.js'

const WORKFLOW_TOKEN = 'ghs_FAKEworkflowTOKEN0123456789abcdef'
const FORK_TOKEN = 'ghs_FAKEforkTOKEN0123456789abcdef'
const CACHIX_TOKEN = 'eyFAKEcachixTOKEN.0123456789abcdef'

describeWithNix('secrets and fork pull requests', () => {
  let s: Scenario
  let cacheServer: ActionsCacheServer
  let github: GitHubApiServer

  beforeAll(async () => {
    s = await createScenario('secrets', PACKAGES.slice(0, 4))
    cacheServer = await startActionsCacheServer()
    github = await startGitHubApiServer({
      repo: 'octo-org/haskell-app',
      tokens: {
        [WORKFLOW_TOKEN]: { login: 'github-actions[bot]', type: 'Bot' },
        [FORK_TOKEN]: { login: 'github-actions[bot]', type: 'Bot' }
      },
      readOnlyTokens: [FORK_TOKEN]
    })
  }, 300_000)
  afterAll(async () => {
    await cacheServer?.stop()
    await github?.stop()
  })

  async function job(pr: number, token: string, inputs: Record<string, string> = {}) {
    const runner = await SimulatedRunner.create({
      workspace: s.workspace,
      runnerTemp: s.runnerTemp,
      token,
      inputs: { installable: 'ci/batch.nix', ...inputs },
      env: {
        ...cacheEnv(cacheServer, s),
        NIX_CONF_DIR: s.ws.nix.confDir,
        XDG_CACHE_HOME: s.ws.nix.env.XDG_CACHE_HOME as string,
        NIX_PATH: '',
        GITHUB_API_URL: github.url
      },
      event: { name: 'pull_request', payload: { number: pr, pull_request: { number: pr } } }
    })
    const main = await runner.runMain()
    const post = await runner.runPost()
    return { main, post }
  }

  function everythingShown(step: StepResult): string {
    return [
      step.log,
      step.stderr,
      step.summary,
      JSON.stringify(step.outputs),
      JSON.stringify(step.state)
    ].join('\n')
  }

  test('no secret is printed, output, summarized or commented', async () => {
    const { main, post } = await job(11, WORKFLOW_TOKEN, {
      'binary-caches': `file://${s.binaryCacheDir} cachix:demo-cache`,
      'signing-key': s.secretKey,
      'cachix-auth-token': CACHIX_TOKEN
    })
    expectGreen(main)
    expect(post.code).toBe(0)
    // cachix is not installed here: that push fails as a warning, which must not leak the token either.
    expect(main.warnings.join('\n')).toMatch(/cachix/)
    const comments = github.comments(11)
    expect(comments).toHaveLength(1)
    const secretParts = [s.secretKey, s.secretKey.split(':')[1], WORKFLOW_TOKEN, CACHIX_TOKEN]
    const shown = [everythingShown(main), everythingShown(post), comments[0].body].join('\n')
    for (const secret of secretParts) expect(shown).not.toContain(secret)
    // Masked for the runner, too: each secret is registered before anything else is printed.
    for (const secret of [s.secretKey, WORKFLOW_TOKEN, CACHIX_TOKEN]) {
      expect(main.stdout.split('\n').slice(0, 6)).toContain(`::add-mask::${secret}`)
    }
    expect(comments[0].body).toContain('main build')
    expect(await readFile(main.outputs['store-path'] + '/manifest.json', 'utf8')).toContain(
      '"format": 1'
    )
  })

  test('a fork PR (read-only token): no comment, a single warning, the summary written, green', async () => {
    const { main, post } = await job(12, FORK_TOKEN)
    expectGreen(main)
    expect(post.code).toBe(0)
    expect(github.comments(12)).toEqual([])
    const commentWarnings = [...main.warnings, ...post.warnings].filter(w => /comment/i.test(w))
    expect(commentWarnings).toHaveLength(1)
    expect(main.summary).toMatch(/some-cabal2nix/)
    expect(everythingShown(main) + everythingShown(post)).not.toContain(FORK_TOKEN)
  })
})
