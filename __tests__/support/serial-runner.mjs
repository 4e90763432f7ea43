// Jest's own runner, told to run its project's test files one after another in the main process.
// Jest 30 has one `maxWorkers` for the whole run; a runner's `isSerial` is how a single project
// opts out of the workers, and jest runs one runner's files only after the other's are done.
import { createRequire } from 'node:module'

/** @type {typeof import('jest-runner').default} */
const TestRunner = createRequire(import.meta.url)('jest-runner').default

export default class SerialTestRunner extends TestRunner {
  /** @override */
  isSerial = true
}
