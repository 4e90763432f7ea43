/**
 * Every action.yml (the action's own and the composite example) and every workflow (examples/ and
 * .github/workflows/) is checked:
 * - against the SchemaStore schemas, with @action-validator/core (a deliberately broken file must
 *   be rejected too, or the check proves nothing);
 * - for what a schema cannot see: inputs given to our action exist in action.yml, outputs read from
 *   it exist, the composite example passes every input through and re-exports every output, and the
 *   project's own workflows do what they are for;
 * - with GitHub's own parser, @actions/workflow-parser (workflows and action metadata);
 * - with actionlint as an extra, where it is installed (it is not packaged for Debian; see below).
 */
import { describe, expect, test } from '@jest/globals'
import { validateAction, validateWorkflow, type ValidationState } from '@action-validator/core'
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow
} from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { repoRoot, tempDir } from './support/files.js'
import { createNixEnv, describeWithNix, run as runNix } from './support/nix.js'

const ACTIONS = ['action.yml', 'examples/composite/action.yml']
const WORKFLOW_DIRS = ['examples/workflows', '.github/workflows']
const WORKFLOWS = WORKFLOW_DIRS.flatMap(dir =>
  readdirSync(path.join(repoRoot, dir))
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => `${dir}/${name}`)
)
/** How workflows refer to this action. */
const OUR_ACTION = /^(\.\/?|some-cabal2nix\/some-cabal2nix@v\d+)$/
const OUR_COMPOSITE = /^some-cabal2nix\/some-cabal2nix\/examples\/composite@v\d+$/

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  steps?: Step[]
  permissions?: Record<string, string> | string
  strategy?: { matrix?: Record<string, unknown> }
}
interface Workflow {
  permissions?: Record<string, string> | string
  jobs: Record<string, Job>
}
interface ActionInput {
  description: string
  default?: string
}
interface ActionFile {
  inputs?: Record<string, ActionInput>
  outputs?: Record<string, { description: string; value?: string }>
  runs: { using: string; steps?: Step[]; main?: string; post?: string }
}

function read(file: string): string {
  return readFileSync(path.join(repoRoot, file), 'utf8')
}

/** Strict YAML: the runner's parser rejects what this one reports as an error. */
function load<T>(file: string): T {
  const doc = parseDocument(read(file), { uniqueKeys: true })
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map(e => e.message).join('\n')}`)
  return doc.toJS() as T
}

function describeErrors(state: ValidationState): string {
  return JSON.stringify(state.errors, null, 2)
}

/**
 * The schema bundled with @action-validator/core 0.6.0 predates `using: node24` (runners accept it
 * since 2025 and stopped running node20 actions in 2026), so only for the schema check node24 is
 * read as node20. dist.test.ts checks that action.yml really says node24.
 */
function schemaCompatible(actionYaml: string): string {
  return actionYaml.replace(/^(\s*using:\s*)['"]?node24['"]?\s*$/m, '$1node20')
}

const action = load<ActionFile>('action.yml')
const composite = load<ActionFile>('examples/composite/action.yml')
const ourInputs = Object.keys(action.inputs ?? {})
const ourOutputs = Object.keys(action.outputs ?? {})

describe('schema validation with @action-validator/core', () => {
  test.each(ACTIONS)('%s is a valid action', file => {
    const state = validateAction(schemaCompatible(read(file)))
    expect(state.actionType).toBe('action')
    if (state.errors.length) throw new Error(`${file} is invalid:\n${describeErrors(state)}`)
  })

  test.each(WORKFLOWS)('%s is a valid workflow', file => {
    const state = validateWorkflow(read(file))
    expect(state.actionType).toBe('workflow')
    if (state.errors.length) throw new Error(`${file} is invalid:\n${describeErrors(state)}`)
  })

  test('the files are there: 3 example workflows, the 4 project workflows, 2 actions', () => {
    expect(WORKFLOWS).toEqual([
      'examples/workflows/build.yml',
      'examples/workflows/composite.yml',
      'examples/workflows/matrix.yml',
      '.github/workflows/check-dist.yml',
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
      '.github/workflows/self-test.yml'
    ])
  })

  test('the validator rejects broken files (so a pass above means something)', () => {
    const good =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n'
    expect(validateWorkflow(good).errors).toEqual([])
    const broken = {
      'a misspelt key': good.replace('steps:', 'stepz:'),
      'a step with both uses and run': good.replace(
        '      - run: echo ok',
        '      - uses: a/b@v1\n        run: echo ok'
      ),
      'an unquoted ": " in a plain scalar': good.replace('echo ok', 'echo the batch: ok'),
      'no jobs': 'on: push\n'
    }
    for (const [what, text] of Object.entries(broken)) {
      expect({ what, errors: validateWorkflow(text).errors.length > 0 }).toEqual({
        what,
        errors: true
      })
    }
    const goodAction = 'name: x\ndescription: y\nruns:\n  using: node20\n  main: dist/index.js\n'
    expect(validateAction(goodAction).errors).toEqual([])
    expect(validateAction(goodAction.replace('using: node20', 'using: node0')).errors).not.toEqual(
      []
    )
    expect(validateAction(`${goodAction}inputs:\n  a:\n    descriptio: typo\n`).errors).not.toEqual(
      []
    )
    expect(
      validateAction(
        `${goodAction}outputs:\n  source:\n    description: Where it came from: a cache\n`
      ).errors
    ).not.toEqual([])
  })
})

/** What GitHub's parser (the one behind the Actions language service) reports for a workflow. */
async function githubWorkflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const converted = parsed.value
    ? await convertWorkflowTemplate(parsed.context, parsed.value)
    : undefined
  return [
    ...parsed.context.errors.getErrors().map(e => e.message),
    ...(converted?.errors ?? []).map(e => e.Message)
  ]
}

/** What GitHub's parser reports for an action's metadata file (action.yml). */
function githubActionErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter())
  if (parsed.value) convertActionTemplate(parsed.context, parsed.value)
  return parsed.context.errors.getErrors().map(e => e.message)
}

describe("GitHub's own parser (@actions/workflow-parser, behind the Actions language service)", () => {
  test.each(WORKFLOWS)('%s is a valid workflow', async file => {
    expect(await githubWorkflowErrors(file, read(file))).toEqual([])
  })

  test.each(ACTIONS)('%s is valid action metadata', file => {
    expect(githubActionErrors(file, read(file))).toEqual([])
  })

  test('it rejects broken workflows (so a pass above means something)', async () => {
    const good =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n'
    expect(await githubWorkflowErrors('good.yml', good)).toEqual([])
    const broken = {
      'a misspelt key': good.replace('steps:', 'stepz:'),
      'a step with both uses and run': good.replace(
        '      - run: echo ok',
        '      - uses: a/b@v1\n        run: echo ok'
      ),
      'an expression that does not parse': good.replace('echo ok', 'echo ${{ github.sha( }}'),
      'a job that needs one that does not exist': good.replace(
        '    runs-on:',
        '    needs: nope\n    runs-on:'
      ),
      'no jobs': 'on: push\n'
    }
    for (const [what, text] of Object.entries(broken)) {
      const errors = await githubWorkflowErrors(`${what}.yml`, text)
      expect({ what, rejected: errors.length > 0 }).toEqual({ what, rejected: true })
    }
  })

  test('it rejects broken action metadata', () => {
    const good = 'name: x\ndescription: y\nruns:\n  using: node24\n  main: dist/index.js\n'
    expect(githubActionErrors('action.yml', good)).toEqual([])
    const broken = {
      'an unknown runtime': good.replace('using: node24', 'using: node0'),
      'an unknown top-level key': `${good}brandin:\n  color: blue\n`,
      'an input that is not a mapping': `${good}inputs:\n  a: [1, 2]\n`,
      'no runs': 'name: x\ndescription: y\n',
      'a composite step without shell': good.replace(
        '  using: node24\n  main: dist/index.js\n',
        '  using: composite\n  steps:\n    - run: echo ok\n'
      )
    }
    for (const [what, text] of Object.entries(broken)) {
      const errors = githubActionErrors('action.yml', text)
      expect({ what, rejected: errors.length > 0 }).toEqual({ what, rejected: true })
    }
  })
})

/** Every step of every job of a workflow, with the file and job it is in. */
function workflowSteps(
  file: string
): Array<{ file: string; job: string; step: Step; index: number }> {
  const workflow = load<Workflow>(file)
  return Object.entries(workflow.jobs).flatMap(([job, spec]) =>
    (spec.steps ?? []).map((step, index) => ({ file, job, step, index }))
  )
}

function outputReferences(text: string, stepId: string): string[] {
  const pattern = new RegExp(
    `steps\\.${stepId.replace(/[-]/g, '\\-')}\\.outputs\\.([A-Za-z0-9_-]+)`,
    'g'
  )
  return [...text.matchAll(pattern)].map(m => m[1])
}

describe('what the schema cannot check', () => {
  test('inputs given to our action exist in action.yml, outputs read from it exist', () => {
    let uses = 0
    const sources: Array<{ file: string; text: string; steps: Step[] }> = [
      ...WORKFLOWS.map(file => ({
        file,
        text: read(file),
        steps: workflowSteps(file).map(s => s.step)
      })),
      {
        file: 'examples/composite/action.yml',
        text: read('examples/composite/action.yml'),
        steps: composite.runs.steps ?? []
      }
    ]
    for (const { file, text, steps } of sources) {
      for (const step of steps) {
        const known =
          step.uses && OUR_ACTION.test(step.uses)
            ? action
            : step.uses && OUR_COMPOSITE.test(step.uses)
              ? composite
              : undefined
        if (!known) continue
        uses++
        const inputs = Object.keys(known.inputs ?? {})
        for (const key of Object.keys(step.with ?? {})) {
          expect({ file, input: key, known: inputs.includes(key) }).toEqual({
            file,
            input: key,
            known: true
          })
        }
        if (step.id) {
          const outputs = Object.keys(known.outputs ?? {})
          for (const name of outputReferences(text, step.id)) {
            expect({ file, output: name, known: outputs.includes(name) }).toEqual({
              file,
              output: name,
              known: true
            })
          }
        }
      }
    }
    expect(uses).toBeGreaterThanOrEqual(5)
  })

  test('the composite example passes every input through and re-exports every output', () => {
    expect(composite.runs.using).toBe('composite')
    const steps = composite.runs.steps ?? []
    const nix = steps.findIndex(s => s.uses === 'cachix/install-nix-action@v31')
    const ours = steps.findIndex(s => s.uses !== undefined && OUR_ACTION.test(s.uses))
    const build = steps.findIndex(s => /\bnix build\b/.test(s.run ?? ''))
    expect(nix).toBeGreaterThanOrEqual(0)
    expect(ours).toBeGreaterThan(nix)
    expect(build).toBeGreaterThan(ours)
    expect(steps.every(s => s.uses || (s as { shell?: string }).shell)).toBe(true)

    const step = steps[ours]
    expect(step.id).toBeDefined()
    for (const input of ourInputs) {
      expect(Object.keys(composite.inputs ?? {})).toContain(input)
      expect({ input, value: step.with?.[input] }).toEqual({
        input,
        value: `\${{ inputs.${input} }}`
      })
    }
    for (const output of ourOutputs) {
      expect({ output, value: composite.outputs?.[output]?.value }).toEqual({
        output,
        value: `\${{ steps.${step.id}.outputs.${output} }}`
      })
    }
    // The token default must stay the workflow token, as in action.yml.
    expect(composite.inputs?.['github-token']?.default).toBe('${{ github.token }}')
  })

  test('the example workflows run our action before nix build, with pull-requests: write', () => {
    for (const file of ['examples/workflows/build.yml', 'examples/workflows/matrix.yml']) {
      const workflow = load<Workflow>(file)
      expect(workflow.permissions).toMatchObject({ 'pull-requests': 'write' })
      for (const job of Object.values(workflow.jobs)) {
        const steps = job.steps ?? []
        const ours = steps.findIndex(s => s.uses === 'some-cabal2nix/some-cabal2nix@v0')
        const build = steps.findIndex(s => /\bnix build\b/.test(s.run ?? ''))
        const nix = steps.findIndex(s => s.uses === 'cachix/install-nix-action@v31')
        expect({
          file,
          nix: nix >= 0,
          oursAfterNix: ours > nix,
          buildAfterOurs: build > ours
        }).toEqual({
          file,
          nix: true,
          oursAfterNix: true,
          buildAfterOurs: true
        })
      }
    }
  })

  test('matrix entries each get their own comment id', () => {
    const workflow = load<Workflow>('examples/workflows/matrix.yml')
    const [job] = Object.values(workflow.jobs)
    const matrix = Object.keys(job.strategy?.matrix ?? {})
    expect(matrix.length).toBeGreaterThanOrEqual(2)
    const ours = (job.steps ?? []).find(s => s.uses === 'some-cabal2nix/some-cabal2nix@v0')
    const commentId = String(ours?.with?.['comment-id'] ?? '')
    for (const axis of matrix) expect(commentId).toContain(`matrix.${axis}`)
  })

  test("the project's workflows: ci runs .ci/run, check-dist rebundles and diffs, self-test uses ./", () => {
    const ci = workflowSteps('.github/workflows/ci.yml')
    expect(ci.some(s => /^bash \.ci\/run$/m.test(s.step.run ?? ''))).toBe(true)

    const dist = workflowSteps('.github/workflows/check-dist.yml').map(s => s.step.run ?? '')
    const bundle = dist.findIndex(r => /npm run bundle/.test(r))
    const diff = dist.findIndex(r => /git diff --exit-code\b.*\bdist\//.test(r))
    expect(bundle).toBeGreaterThanOrEqual(0)
    expect(diff).toBeGreaterThan(bundle)

    const selfTest = workflowSteps('.github/workflows/self-test.yml').map(s => s.step)
    const ours = selfTest.find(s => s.uses === './')
    expect(ours).toBeDefined()
    const dir = String(ours?.with?.['working-directory'] ?? '.')
    const overrides = String(ours?.with?.['overrides-file'] ?? '')
    expect(readFileSync(path.join(repoRoot, dir, overrides), 'utf8')).toMatch(/=\s*"\d/)
  })

  test('no workflow interpolates step outputs straight into a shell script', () => {
    // ${{ }} inside run: is pasted into the script before it runs; outputs go through env instead.
    for (const file of WORKFLOWS) {
      for (const { step } of workflowSteps(file)) {
        expect({
          file,
          step: step.name ?? step.run,
          interpolated: /\$\{\{\s*steps\./.test(step.run ?? '')
        }).toEqual({
          file,
          step: step.name ?? step.run,
          interpolated: false
        })
      }
    }
  })
})

const packageVersion = (JSON.parse(read('package.json')) as { version: string }).version

describe('releases', () => {
  interface ReleaseWorkflow {
    on: Record<string, unknown>
    jobs: Record<string, Job & { uses?: string; needs?: string | string[] }>
  }

  test('the release workflow tags only after the dist check passes', () => {
    const release = load<ReleaseWorkflow>('.github/workflows/release.yml')
    expect(release.on).toHaveProperty('push')
    expect(release.jobs['check-dist'].uses).toBe('./.github/workflows/check-dist.yml')
    expect(load<ReleaseWorkflow>('.github/workflows/check-dist.yml').on).toHaveProperty(
      'workflow_call'
    )
    const job = release.jobs.release
    expect(job.needs).toBe('check-dist')
    expect(job.permissions).toEqual({ contents: 'write' })
    expect((job.steps ?? []).some(s => s.run === 'bash scripts/release.sh')).toBe(true)
  })

  test('every reference to this action or its composite is @vMAJOR of package.json, a version with a CHANGELOG section', () => {
    const changelog = read('CHANGELOG.md')
    expect(changelog).toMatch(new RegExp(`^## ${packageVersion.replace(/\./g, '\\.')}( |$)`, 'm'))
    const major = `v${packageVersion.split('.')[0]}`
    const files = ['README.md', ...WORKFLOWS, ...ACTIONS, 'examples/matrix/flake.nix']
    let refs = 0
    for (const file of files) {
      for (const m of read(file).matchAll(
        /some-cabal2nix\/some-cabal2nix(\/[\w/.-]+)?@(v?\d[\w.-]*)/g
      )) {
        refs++
        expect({ file, ref: m[0], version: m[2] }).toEqual({ file, ref: m[0], version: major })
        if (m[1]) expect(existsSync(path.join(repoRoot, m[1].slice(1), 'action.yml'))).toBe(true)
      }
      for (const m of read(file).matchAll(/github:some-cabal2nix\/some-cabal2nix(\/[\w.-]+)?/g))
        expect({ file, ref: m[0] }).toEqual({
          file,
          ref: `github:some-cabal2nix/some-cabal2nix/${major}`
        })
    }
    expect(refs).toBeGreaterThanOrEqual(6)
  })

  test('scripts/release.sh tags vX.Y.Z, moves vX, leaves a tagged version alone, and wants a CHANGELOG section', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scn-release-'))
    const remote = path.join(dir, 'remote.git')
    const work = path.join(dir, 'work')
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'r',
      GIT_AUTHOR_EMAIL: 'r@example.org',
      GIT_COMMITTER_NAME: 'r',
      GIT_COMMITTER_EMAIL: 'r@example.org'
    }
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: work, env, encoding: 'utf8' }).trim()
    execFileSync('git', ['init', '--quiet', '--bare', remote])
    execFileSync('git', ['init', '--quiet', work])
    git('remote', 'add', 'origin', remote)
    const release = (version: string, section = true) => {
      mkdirSync(path.join(work, 'scripts'), { recursive: true })
      mkdirSync(path.join(work, 'src', 'common'), { recursive: true })
      writeFileSync(path.join(work, 'scripts', 'release.sh'), read('scripts/release.sh'))
      writeFileSync(path.join(work, 'package.json'), JSON.stringify({ version }))
      writeFileSync(
        path.join(work, 'src', 'common', 'version.ts'),
        `export const TOOL_VERSION = '${version}'\n`
      )
      writeFileSync(
        path.join(work, 'CHANGELOG.md'),
        section ? `# Changelog\n\n## ${version}\n\n- x\n` : '# Changelog\n'
      )
      git('add', '-A')
      git('commit', '--quiet', '--allow-empty', '-m', version)
      return spawnSync('bash', ['scripts/release.sh'], { cwd: work, env, encoding: 'utf8' })
    }
    const remoteTag = (tag: string) =>
      execFileSync('git', ['rev-parse', `${tag}^{commit}`], {
        cwd: remote,
        encoding: 'utf8'
      }).trim()

    const first = release('0.1.0')
    expect(first.stdout).toMatch(/^release: tagged v0\.1\.0 and moved v0 to /m)
    const firstCommit = git('rev-parse', 'HEAD')
    expect([remoteTag('v0.1.0'), remoteTag('v0')]).toEqual([firstCommit, firstCommit])

    const again = release('0.1.0')
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(/v0\.1\.0 already exists/)
    expect(remoteTag('v0')).toBe(firstCommit)

    const missing = release('0.2.0', false)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/CHANGELOG\.md has no '## 0\.2\.0' section/)

    const second = release('0.2.0')
    expect(second.status).toBe(0)
    const secondCommit = git('rev-parse', 'HEAD')
    expect([remoteTag('v0.2.0'), remoteTag('v0'), remoteTag('v0.1.0')]).toEqual([
      secondCommit,
      secondCommit,
      firstCommit
    ])
  })
})

describe('the README', () => {
  test("the pasted demo comment names no machine's own path", () => {
    const readme = read('README.md')
    const comment = readme.slice(
      readme.indexOf('<!-- demo-comment:start -->'),
      readme.indexOf('<!-- demo-comment:end -->')
    )
    expect(comment).toContain('some-cabal2nix · build')
    expect(comment).not.toContain(repoRoot)
    expect(comment).not.toMatch(/\.demo\b/)
  })
})

/** The runner images of the matrix example and the Nix systems they are. */
const RUNNER_SYSTEMS: Record<string, string> = {
  'ubuntu-latest': 'x86_64-linux',
  'macos-latest': 'aarch64-darwin'
}
const HOST_CONFIGS: Record<string, string> = {
  'x86_64-linux': 'x86_64-unknown-linux-gnu',
  'aarch64-darwin': 'aarch64-apple-darwin'
}
const COMPILERS: Record<string, string> = { ghc96: 'ghc-9.6.7', ghc98: 'ghc-9.8.4' }

describeWithNix('the matrix example is complete', () => {
  test('every entry of the matrix has its batch and its app in examples/matrix/flake.nix, for its own system and compiler', async () => {
    const workflow = load<Workflow>('examples/workflows/matrix.yml')
    const [job] = Object.values(workflow.jobs)
    const matrix = job.strategy?.matrix as { os: string[]; ghc: string[] }
    const ours = (job.steps ?? []).find(s => s.uses === 'some-cabal2nix/some-cabal2nix@v0')
    const build = (job.steps ?? []).find(s => /\bnix build\b/.test(s.run ?? ''))
    const attr = (text: string, ghc: string) =>
      /\.#(\S+)/.exec(text.replaceAll('${{ matrix.ghc }}', ghc))?.[1] ?? ''

    // The flake evaluated on a stand-in nixpkgs per system, with both compilers' package sets.
    const setFile = path.join(repoRoot, 'testing', 'nix', 'haskell-package-set.nix')
    const standIn = (system: string, ghc: string) =>
      `(import ${setFile} { allCabalHashes = "/nonexistent/all-cabal-hashes.tar.gz"; cabal2nix = "/c2n"; nodejs = "/node"; ` +
      `compilerName = "${COMPILERS[ghc]}"; hostConfig = "${HOST_CONFIGS[system]}"; system = "${system}"; })`
    const pkgsFor = (system: string) =>
      `(${standIn(system, 'ghc98')}.pkgs // { haskell = ${standIn(system, 'ghc98')}.pkgs.haskell // { packages = { ` +
      Object.keys(COMPILERS)
        .map(ghc => `${ghc} = ${standIn(system, ghc)}.haskellPackages;`)
        .join(' ') +
      ' }; }; })'
    const expr = `let
      nixpkgs = { legacyPackages = { ${Object.keys(HOST_CONFIGS)
        .map(system => `${system} = ${pkgsFor(system)};`)
        .join(' ')} }; };
      outputs = (import ${path.join(repoRoot, 'examples', 'matrix', 'flake.nix')}).outputs {
        self = outputs; inherit nixpkgs; some-cabal2nix = { lib = import ${path.join(repoRoot, 'nix')}; };
      };
    in builtins.mapAttrs (system: ps: builtins.mapAttrs (name: p:
      if builtins.substring 0 6 name == "batch-" then { inherit (p) drvPath compiler hostConfig system; } else "app") ps) outputs.packages`
    const ws = await createNixEnv(await tempDir('matrix-flake'))
    const result = await runNix(
      'nix-instantiate',
      ['--eval', '--strict', '--json', '--read-write-mode', '--expr', expr],
      { env: ws.env }
    )
    expect(result.code === 0 ? '' : result.stderr).toBe('')
    const packages = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>
    for (const os of matrix.os) {
      const system = RUNNER_SYSTEMS[os]
      expect({ os, system: system !== undefined }).toEqual({ os, system: true })
      for (const ghc of matrix.ghc) {
        const batch = packages[system]?.[attr(String(ours?.with?.installable ?? ''), ghc)]
        expect(batch).toMatchObject({
          drvPath: expect.stringMatching(/\.drv$/),
          compiler: COMPILERS[ghc],
          hostConfig: HOST_CONFIGS[system],
          system
        })
        expect(packages[system]?.[attr(build?.run ?? '', ghc)]).toBe('app')
      }
    }
  }, 120_000)
})

/**
 * actionlint checks more still (shellcheck on run: scripts, expression types). It is not in
 * Debian, so it runs as an extra where it is installed (on PATH, or ACTIONLINT=/path/to/actionlint);
 * GitHub's own parser above is the check that runs everywhere.
 */
function findActionlint(): string | undefined {
  const candidates = [process.env.ACTIONLINT, 'actionlint'].filter((c): c is string => Boolean(c))
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['-version'], { stdio: 'ignore' })
      return candidate
    } catch {
      // not this one
    }
  }
  return undefined
}

function runActionlint(bin: string, files: string[]): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    execFile(
      bin,
      ['-no-color', '-oneline', ...files],
      { cwd: repoRoot },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          output: `${stdout}${stderr}`
        })
      }
    )
  })
}

const actionlint = findActionlint()
if (actionlint) {
  describe(`actionlint (${actionlint})`, () => {
    test('every workflow passes actionlint', async () => {
      const result = await runActionlint(actionlint, WORKFLOWS)
      if (result.code !== 0) throw new Error(`actionlint found problems:\n${result.output}`)
    })

    test('actionlint rejects a broken workflow', async () => {
      const dir = await tempDir('actionlint')
      const file = path.join(dir, 'broken.yml')
      writeFileSync(
        file,
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n'
      )
      const result = await runActionlint(actionlint, [file])
      expect(result.code).not.toBe(0)
      expect(result.output).toMatch(/nope/)
    })
  })
}
