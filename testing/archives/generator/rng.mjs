/** sfc32 seeded through splitmix32: small, fast, and identical on every platform. */
export class Rng {
  /** @param {number} seed */
  constructor(seed) {
    let s = seed >>> 0
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split()
    this.b = split()
    this.c = split()
    this.d = split()
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  float() {
    return this.u32() / 4294967296
  }

  /** @param {number} n */
  int(n) {
    return Math.floor(this.float() * n)
  }

  /** @param {number} p */
  chance(p) {
    return this.float() < p
  }

  /** @template T @param {readonly T[]} arr @returns {T} */
  pick(arr) {
    return arr[this.int(arr.length)]
  }

  /** Biased towards the front of `arr` (word-frequency-like). @template T @param {readonly T[]} arr @param {number} [skew] @returns {T} */
  zipf(arr, skew = 2.2) {
    return arr[Math.floor(arr.length * Math.pow(this.float(), skew))]
  }

  normal() {
    const u = 1 - this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** @param {number} mu @param {number} sigma */
  lognormal(mu, sigma) {
    return Math.exp(mu + sigma * this.normal())
  }
}
