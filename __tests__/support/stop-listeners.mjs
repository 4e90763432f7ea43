// Jest's globalTeardown. A test that runs the main step without the post step (most of them)
// leaves the job's listener (dist/observer.js) running, as a runner would until the job ends; it
// would stop by itself only after its 6 h bound. On a Nix that observes (2.34 in CI) that is one
// idle process per such test, so this checkout's listeners whose socket is under the temporary
// directory the tests use are stopped here, as the runner's end of job would.
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The pids of this checkout's listeners started by tests.
 * @returns {number[]}
 */
export function testListeners() {
  const observer = path.join(repoRoot, 'dist', 'observer.js')
  const tmp = `${os.tmpdir()}${path.sep}scn-`
  return readdirSync('/proc')
    .filter(name => /^\d+$/.test(name))
    .filter(pid => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        return argv.includes(observer) && argv.some(a => a.startsWith(tmp))
      } catch {
        return false // the process ended while we looked
      }
    })
    .map(Number)
}

export default function stopListeners() {
  for (const pid of testListeners()) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
}
