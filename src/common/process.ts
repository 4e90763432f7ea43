import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'

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
  /** Feed this file to the child's stdin. */
  stdinFile?: string
  /** Write stdout to this file instead of collecting it (binary-safe, any size). */
  stdoutFile?: string
  /** Called with each complete stderr line as it arrives (live logs). */
  onStderrLine?: (line: string) => void
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
      stdio: [options.stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe']
    })
    if (options.stdinFile && child.stdin) {
      const input = createReadStream(options.stdinFile)
      input.on('error', error => child.kill('SIGKILL') && reject(error))
      child.stdin.on('error', () => undefined)
      input.pipe(child.stdin)
    }
    const stdoutFile = options.stdoutFile ? createWriteStream(options.stdoutFile) : undefined
    const stdoutClosed = stdoutFile
      ? new Promise<void>((done, fail) => stdoutFile.on('close', done).on('error', fail))
      : Promise.resolve()
    let partialLine = ''
    const forwardLines = (chunk: Buffer) => {
      if (!options.onStderrLine) return
      const lines = (partialLine + chunk.toString('utf8')).split('\n')
      partialLine = lines.pop() ?? ''
      for (const line of lines) options.onStderrLine(line)
    }
    const out: Buffer[] = []
    const err: Buffer[] = []
    let size = 0
    let timedOut = false
    const kill = () => child.kill('SIGKILL')
    const timer = options.timeoutMs
      ? setTimeout(() => ((timedOut = true), kill()), options.timeoutMs)
      : undefined
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) kill()
      else into.push(chunk)
    }
    const stdout = child.stdout as NodeJS.ReadableStream
    const stderr = child.stderr as NodeJS.ReadableStream
    if (stdoutFile) stdout.pipe(stdoutFile)
    else stdout.on('data', collect(out))
    stderr.on('data', collect(err))
    stderr.on('data', forwardLines)
    child.on('error', error => {
      if (timer) clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (partialLine && options.onStderrLine) options.onStderrLine(partialLine)
      stdoutClosed.then(
        () =>
          resolve({
            code,
            signal,
            stdout: Buffer.concat(out),
            stderr: Buffer.concat(err).toString('utf8'),
            timedOut
          }),
        reject
      )
    })
  })
}

/** Whether a program can be started at all (used to decide on optional Nix evaluation). */
export async function commandExists(
  command: string,
  args: readonly string[] = ['--version']
): Promise<boolean> {
  try {
    const result = await runCommand(command, args, { timeoutMs: 15000 })
    return result.code === 0
  } catch {
    return false
  }
}
