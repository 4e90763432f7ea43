/**
 * Multi-user Nix for the tests: Debian's `nix-daemon` (nix-bin) started by the test itself on a
 * socket of its own (NIX_DAEMON_SOCKET_PATH) with a private nix.conf (NIX_CONF_DIR), log
 * directory and cache. It serves the machine's /nix store, like a runner's daemon; clients reach
 * it with NIX_REMOTE=unix://SOCKET, so the single-user tests (root, the store opened directly)
 * and any other daemon are untouched. Runner users are made with useradd when missing, which,
 * like starting the daemon, needs root (CI runs as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface TestUser {
  name: string
  uid: number
  gid: number
}

/** Why the daemon tests cannot run here, or undefined when they can. */
export function daemonUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'they start nix-daemon and switch users, which needs root'
  for (const tool of ['nix-daemon', 'useradd']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' })
    if (found.status !== 0) return `${tool} is not on PATH`
  }
  return undefined
}

/** The user, made with useradd (a system user without a home) if it does not exist yet. */
export function ensureUser(name: string): TestUser {
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' })
  if (id('-u').status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
      { encoding: 'utf8' }
    )
    // Another test file may have made it meanwhile.
    if (made.status !== 0 && id('-u').status !== 0)
      throw new Error(`useradd ${name} failed: ${made.stderr}`)
  }
  return { name, uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) }
}

/** chown -R, for the directories a runner user works in. */
export async function chownTree(dir: string, user: TestUser): Promise<void> {
  await chown(dir, user.uid, user.gid)
  if (!(await stat(dir)).isDirectory()) return
  for (const name of await readdir(dir)) await chownTree(path.join(dir, name), user)
}

export interface DaemonOptions {
  trustedUsers: string[]
  trustedPublicKeys?: string[]
  /** Substituters a user outside trusted-users may still ask for. */
  trustedSubstituters?: string[]
  /**
   * The daemon's own substituters. A client's nix.conf does not reach the daemon on Nix 2.8
   * (only command-line options do), so on a runner they are the daemon's configuration.
   */
  substituters?: string[]
}

export interface NixDaemon {
  socket: string
  logDir: string
  /**
   * The environment of a job as `user`: the daemon as its store, a nix.conf of its own (the new
   * CLI, no substituters unless `extraConf` names some), HOME and XDG_CACHE_HOME it owns.
   */
  clientEnv(user: TestUser, dir: string, extraConf?: string): Promise<Record<string, string>>
  stop(): Promise<void>
}

const QUIET_CACHES = ['narinfo-cache-negative-ttl = 0', 'narinfo-cache-positive-ttl = 0']

export async function startDaemon(root: string, options: DaemonOptions): Promise<NixDaemon> {
  const confDir = path.join(root, 'daemon-conf')
  const logDir = path.join(root, 'daemon-log')
  const socket = path.join(root, 'daemon', 'socket')
  // Every user reaches the socket; only root writes the daemon's configuration.
  await chmod(root, 0o755)
  for (const dir of [confDir, logDir, path.dirname(socket), path.join(root, 'daemon-cache')])
    await mkdir(dir, { recursive: true, mode: 0o755 })
  await writeFile(
    path.join(confDir, 'nix.conf'),
    [
      'experimental-features = nix-command flakes',
      // The test builders use host tools; builds run as the daemon's user (root).
      'sandbox = false',
      'build-users-group =',
      `substituters = ${(options.substituters ?? []).join(' ')}`,
      `trusted-users = ${['root', ...options.trustedUsers].join(' ')}`,
      'allowed-users = *',
      `trusted-public-keys = ${(options.trustedPublicKeys ?? []).join(' ')}`,
      `trusted-substituters = ${(options.trustedSubstituters ?? []).join(' ')}`,
      ...QUIET_CACHES,
      ''
    ].join('\n')
  )
  const child: ChildProcess = spawn('nix-daemon', [], {
    env: {
      PATH: process.env.PATH,
      NIX_CONF_DIR: confDir,
      NIX_DAEMON_SOCKET_PATH: socket,
      NIX_LOG_DIR: logDir,
      XDG_CACHE_HOME: path.join(root, 'daemon-cache'),
      HOME: root
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', chunk => (stderr += String(chunk)))
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  for (let i = 0; !existsSync(socket); i++) {
    if (child.exitCode !== null || i > 300)
      throw new Error(`nix-daemon did not start (socket ${socket}): ${stderr}`)
    await sleep(50)
  }
  return {
    socket,
    logDir,
    async clientEnv(user, dir, extraConf = '') {
      const conf = path.join(dir, 'nix-conf')
      const home = path.join(dir, 'home')
      await mkdir(conf, { recursive: true })
      await mkdir(path.join(home, '.cache'), { recursive: true })
      await writeFile(
        path.join(conf, 'nix.conf'),
        [
          'experimental-features = nix-command flakes',
          'build-users-group =',
          'substituters =',
          ...QUIET_CACHES,
          extraConf,
          ''
        ].join('\n')
      )
      await chownTree(dir, user)
      return {
        // root's own tool directories are not the user's.
        PATH: (process.env.PATH ?? '')
          .split(':')
          .filter(dir => !dir.startsWith('/root'))
          .join(':'),
        NIX_REMOTE: `unix://${socket}`,
        NIX_CONF_DIR: conf,
        NIX_LOG_DIR: logDir,
        HOME: home,
        XDG_CACHE_HOME: path.join(home, '.cache')
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}
