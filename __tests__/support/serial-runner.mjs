// Jest's own runner, told to run its project's test files one after another in the main process.
// Jest 30 has one `maxWorkers` for the whole run; a runner's `isSerial` is how a single project
// opts out of the workers, and jest runs one runner's files only after the other's are done.
import jestRunner from 'jest-runner'

export default class SerialTestRunner extends jestRunner.default {
  /** @override */
  isSerial = true
}
