// The seed of every fast-check property. Fixed unless asked otherwise, so a run (CI's included)
// can only fail through a change of code, never through the draw: FC_SEED=N repeats seed N,
// FC_SEED=random draws a new one to explore. Jest's globalSetup decides it once and prints it;
// the workers read it back from FC_SEED.
import { randomInt } from 'node:crypto'

export const DEFAULT_SEED = 20261206

/**
 * The seed for a value of FC_SEED.
 * @param {string | undefined} value
 * @returns {number}
 */
export function propertySeed(value) {
  if (value === undefined || value === '') return DEFAULT_SEED
  if (value === 'random') return randomInt(2 ** 31)
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value) | 0
  throw new Error(`FC_SEED=${value} is not a seed: use an integer, or 'random' to draw one`)
}

export default function decidePropertySeed() {
  const seed = propertySeed(process.env.FC_SEED)
  process.env.FC_SEED = String(seed)
  process.stdout.write(
    `\nProperty tests use fast-check seed ${seed} (FC_SEED=${seed} repeats it, FC_SEED=random draws another).\n`
  )
}
