/**
 * Every action.yml (the action's own and the composite example) and every workflow (examples/ and
 * .github/workflows/) is checked:
 * - against the SchemaStore schemas, with @action-validator/core (a deliberately broken file must
 *   be rejected too, or the check proves nothing);
 * - for what a schema cannot see: inputs given to our action exist in action.yml, outputs read from
 *   it exist, the composite example passes every input through and re-exports every output, and the
 *   project's own workflows do what they are for;
 * - with actionlint, when it is installed (it is not packaged for Debian 12; see below).
 */
import { describe, expect, test } from '@jest/globals'
import { validateAction, validateWorkflow, type ValidationState } from '@action-validator/core'
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { repoRoot, tempDir } from './support/files.js'

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

  test('the files are there: 3 example workflows, the 3 project workflows, 2 actions', () => {
    expect(WORKFLOWS).toEqual([
      'examples/workflows/build.yml',
      'examples/workflows/composite.yml',
      'examples/workflows/matrix.yml',
      '.github/workflows/check-dist.yml',
      '.github/workflows/ci.yml',
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
        const ours = steps.findIndex(s => s.uses === 'some-cabal2nix/some-cabal2nix@v1')
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
    const ours = (job.steps ?? []).find(s => s.uses === 'some-cabal2nix/some-cabal2nix@v1')
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

/**
 * actionlint catches what schemas cannot (expression types, shellcheck on run: scripts). It is not
 * in Debian 12, so it runs only where it is installed (on PATH, or ACTIONLINT=/path/to/actionlint).
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

const actionlint = findActionlint()
if (!actionlint) {
  console.warn(
    '\n*** workflows.test.ts: actionlint is NOT installed, so the actionlint checks are SKIPPED. ***\n' +
      '*** Put actionlint on PATH (or set ACTIONLINT=/path/to/actionlint) to run them.          ***\n'
  )
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

const withActionlint = actionlint ? describe : describe.skip
withActionlint(`actionlint (${actionlint ?? 'not installed: skipped'})`, () => {
  test('every workflow passes actionlint', async () => {
    const result = await runActionlint(actionlint as string, WORKFLOWS)
    if (result.code !== 0) throw new Error(`actionlint found problems:\n${result.output}`)
  })

  test('actionlint rejects a broken workflow', async () => {
    const dir = await tempDir('actionlint')
    const file = path.join(dir, 'broken.yml')
    writeFileSync(
      file,
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n'
    )
    const result = await runActionlint(actionlint as string, [file])
    expect(result.code).not.toBe(0)
    expect(result.output).toMatch(/nope/)
  })
})
