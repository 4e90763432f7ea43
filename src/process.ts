import { spawn } from 'node:child_process'

export interface CommandResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: Buffer
  stderr: string
  timedOut: boolean
}

export interface CommandOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  /** Give up on output beyond this many bytes (a runaway child must not exhaust memory). */
  maxOutputBytes?: number
}

/** Runs a program without a shell and collects its output; never throws for a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {}
): Promise<CommandResult> {
  const limit = options.maxOutputBytes ?? 64 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let size = 0
    let timedOut = false
    const kill = () => child.kill('SIGKILL')
    const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), options.timeoutMs) : undefined
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) kill()
      else into.push(chunk)
    }
    child.stdout.on('data', collect(out))
    child.stderr.on('data', collect(err))
    child.on('error', error => {
      if (timer) clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut })
    })
  })
}

/** Whether a program can be started at all (used to decide on optional Nix evaluation). */
export async function commandExists(command: string, args: readonly string[] = ['--version']): Promise<boolean> {
  try {
    const result = await runCommand(command, args, { timeoutMs: 15000 })
    return result.code === 0
  } catch {
    return false
  }
}
