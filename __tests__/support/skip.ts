/**
 * A skipped suite says so on stderr. Not with console.warn: jest does not print the console output
 * of a test file whose tests were all skipped, so the warning would vanish exactly when it matters.
 */
export function warnSkipped(what: string, why: string): void {
  process.stderr.write(`SKIPPING "${what}": ${why}\n`)
}
