// Raw tar records, byte by byte: tar-stream cannot write pax global headers or GNU long-name
// records, and hostile-archive tests need headers it would refuse to make.

export const FILE_MODE = 0o644
export const DIR_MODE = 0o755

/** @param {Buffer} buf @param {number} off @param {number} len @param {number} value */
function writeOctal(buf, off, len, value) {
  const s = value.toString(8).padStart(len - 1, '0')
  if (s.length > len - 1) throw new Error(`value ${value} does not fit a ${len}-byte tar field`)
  buf.write(s, off, 'ascii')
  buf[off + len - 1] = 0
}

const TYPEFLAGS = /** @type {Record<string, string>} */ ({
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
  'contiguous-file': '7',
  'pax-header': 'x',
  'pax-global-header': 'g',
  'gnu-long-path': 'L',
  'gnu-long-link-path': 'K'
})

/**
 * Encode one 512-byte ustar header block verbatim (no long-name handling: names over 100 bytes
 * are truncated, which is what GNU long-name records are for).
 * @param {{ name: string, size?: number, type?: string, mode?: number, mtime?: number,
 *   linkname?: string, uid?: number, gid?: number, uname?: string, gname?: string, gnu?: boolean,
 *   prefix?: string }} h
 *   prefix: the ustar prefix field (up to 155 bytes; readers join it to `name` with a `/`)
 * @returns {Buffer}
 */
export function tarHeader(h) {
  const buf = Buffer.alloc(512)
  Buffer.from(h.name, 'utf8').copy(buf, 0, 0, 100)
  if (h.prefix) Buffer.from(h.prefix, 'utf8').copy(buf, 345, 0, 155)
  writeOctal(buf, 100, 8, h.mode ?? (h.type === 'directory' ? DIR_MODE : FILE_MODE))
  writeOctal(buf, 108, 8, h.uid ?? 0)
  writeOctal(buf, 116, 8, h.gid ?? 0)
  writeOctal(buf, 124, 12, h.size ?? 0)
  writeOctal(buf, 136, 12, h.mtime ?? 0)
  buf.fill(0x20, 148, 156)
  const flag = TYPEFLAGS[h.type ?? 'file']
  if (!flag) throw new Error(`unknown tar entry type ${h.type}`)
  buf.write(flag, 156, 'ascii')
  if (h.linkname) Buffer.from(h.linkname, 'utf8').copy(buf, 157, 0, 100)
  if (h.gnu) buf.write('ustar  \0', 257, 'ascii')
  else buf.write('ustar\u000000', 257, 'ascii')
  buf.write(h.uname ?? 'root', 265, 'ascii')
  buf.write(h.gname ?? 'root', 297, 'ascii')
  writeOctal(buf, 329, 8, 0)
  writeOctal(buf, 337, 8, 0)
  return sealTarHeader(buf)
}

/**
 * Writes a header block's checksum (over the block with the checksum field as spaces), e.g.
 * after changing fields of a tarHeader() to make a hostile archive.
 * @param {Buffer} buf
 */
export function sealTarHeader(buf) {
  buf.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += buf[i]
  buf.write(sum.toString(8).padStart(6, '0'), 148, 'ascii')
  buf[154] = 0
  buf[155] = 0x20
  return buf
}

/** @param {number} n */
export function padding(n) {
  return Buffer.alloc((512 - (n % 512)) % 512)
}

/**
 * A pax record list (`"<len> key=value\n"`…) as tar wants it.
 * @param {Record<string, string>} fields
 */
export function paxRecords(fields) {
  let out = ''
  for (const [k, v] of Object.entries(fields)) {
    const body = ` ${k}=${v}\n`
    let len = Buffer.byteLength(body) + 1
    while (String(len).length + Buffer.byteLength(body) !== len) len++
    out += `${len}${body}`
  }
  return Buffer.from(out, 'utf8')
}

/**
 * The pax global header GitHub (git archive) puts first: `pax_global_header`, type `g`,
 * `comment=<commit>`.
 * @param {string} comment
 */
export function paxGlobalHeader(comment) {
  const body = paxRecords({ comment })
  return Buffer.concat([
    tarHeader({
      name: 'pax_global_header',
      type: 'pax-global-header',
      size: body.length,
      mode: 0o666
    }),
    body,
    padding(body.length)
  ])
}
