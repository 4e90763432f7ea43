/**
 * The archive pass's tar walk against tar-stream and GNU tar: for generated archives (random
 * names, sizes at block and chunk boundaries, ustar / pax / GNU headers, CRLF and binary bodies,
 * wanted sets with missing names, random chunking of the stream) all readers give the same
 * members and bytes; and on every hostile archive below the walk and tar-stream agree. The
 * properties draw from the seed support/property-seed.mjs decides (FC_SEED).
 */
import fc from 'fast-check'
import { sealTarHeader, tarHeader } from '../testing/archives.mjs'
import {
  encodeArchive,
  encodeMember,
  readWithGnuTar,
  readWithTarStream,
  readWithTarWalk,
  type HeaderStyle,
  type Reading,
  type TestMember
} from './support/tar-readers.js'
import { propertySeed } from './support/property-seed.mjs'

fc.configureGlobal({ seed: propertySeed(process.env.FC_SEED) })

const TOP = 'all-cabal-hashes-0123456789abcdef0123456789abcdef01234567'
const END = Buffer.alloc(1024)

const shortSegment = fc.stringMatching(/^[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,11}$/)
const longSegment = fc.stringMatching(/^[a-z0-9-]{30,70}$/)
const unicodeSegment = fc
  .tuple(shortSegment, fc.constantFrom('é', 'ü', 'λ', '日本', 'ß'))
  .map(([a, b]) => `${a}${b}`)
const segment = fc
  .oneof(
    { weight: 6, arbitrary: shortSegment },
    { weight: 2, arbitrary: longSegment },
    { weight: 1, arbitrary: unicodeSegment }
  )
  // Never `.` or `..`, and never a file's `.f` ending, so no file path is another's directory.
  .filter(s => s !== '.' && s !== '..' && !s.endsWith('.f'))

const boundarySize = fc.constantFrom(0, 1, 2, 511, 512, 513, 1023, 1024, 1025, 1536, 4096, 4097)
const binaryBody = fc.oneof(
  boundarySize.chain(n => fc.uint8Array({ minLength: n, maxLength: n })),
  fc.uint8Array({ maxLength: 3000 })
)
const crlfBody = fc
  .array(fc.stringMatching(/^[ -~]{0,60}$/), { maxLength: 40 })
  .map(lines => new TextEncoder().encode(lines.map(l => `${l}\r\n`).join('')))
const body = fc.oneof(binaryBody, crlfBody).map(bytes => Buffer.from(bytes))
const style = fc.constantFrom<HeaderStyle>('ustar', 'pax', 'gnu')

const fileMember = fc
  .record({
    dirs: fc.array(segment, { minLength: 1, maxLength: 4 }),
    leaf: segment,
    body,
    style,
    sizeInPax: fc.boolean(),
    contiguous: fc.boolean()
  })
  .map((m): TestMember => ({
    path: `${TOP}/${m.dirs.join('/')}/${m.leaf}.f`,
    type: m.contiguous && m.style !== 'gnu' ? 'contiguous-file' : 'file',
    body: m.body,
    style: m.style,
    sizeInPax: m.style === 'pax' && m.sizeInPax
  }))
const otherMember = fc
  .record({
    dirs: fc.array(segment, { minLength: 1, maxLength: 3 }),
    style,
    symlink: fc.boolean()
  })
  .map((m): TestMember =>
    m.symlink
      ? {
          path: `${TOP}/${m.dirs.join('/')}.link`,
          type: 'symlink',
          body: Buffer.alloc(0),
          style: m.style
        }
      : {
          path: `${TOP}/${m.dirs.join('/')}/`,
          type: 'directory',
          body: Buffer.alloc(0),
          style: m.style
        }
  )

/** Chunk sizes the stream is cut into: around block boundaries, and arbitrary. */
const pieceSizes = fc.array(
  fc.oneof(fc.constantFrom(1, 7, 511, 512, 513, 1024, 65536), fc.integer({ min: 1, max: 5000 })),
  { minLength: 1, maxLength: 6 }
)

const archive = fc
  .record({
    members: fc.array(
      fc.oneof({ weight: 4, arbitrary: fileMember }, { weight: 1, arbitrary: otherMember }),
      {
        maxLength: 25
      }
    ),
    globalComment: fc.option(fc.stringMatching(/^[0-9a-f]{40}$/), { nil: undefined }),
    wantedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    missing: fc.array(
      segment.map(s => `${TOP}/${s}/not-there.f`),
      { maxLength: 3 }
    ),
    pieces: pieceSizes
  })
  .map(a => {
    // One member per path: a repeated name would leave "which one" to each reader's taste.
    const unique = a.members.filter((m, i) => a.members.findIndex(o => o.path === m.path) === i)
    const files = unique.filter(m => m.type === 'file' || m.type === 'contiguous-file')
    const wanted = [
      ...files.filter((_m, i) => i < Math.ceil(files.length * a.wantedShare)).map(m => m.path),
      ...a.missing
    ]
    return {
      members: unique,
      bytes: encodeArchive(unique, a.globalComment),
      wanted,
      pieces: a.pieces
    }
  })

function expectSameReading(walk: Reading, reference: Reading): void {
  expect(walk.error).toBe(reference.error)
  expect(walk.members).toEqual(reference.members)
  expect(walk.bodies.map(([name]) => name)).toEqual(reference.bodies.map(([name]) => name))
  walk.bodies.forEach(([, bytes], i) => expect(bytes.equals(reference.bodies[i][1])).toBe(true))
}

describe('the tar walk reads what tar-stream reads', () => {
  test('generated archives: same members, types, sizes and wanted bytes, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(archive, async a => {
        const wanted = new Set(a.wanted)
        const walk = readWithTarWalk(a.bytes, wanted, a.pieces)
        const reference = await readWithTarStream(a.bytes, wanted, a.pieces)
        expectSameReading(walk, reference)
        // And both read what was written.
        expect(walk.error).toBeUndefined()
        expect(walk.members.map(m => m.path)).toEqual(a.members.map(m => m.path))
        for (const [name, bytes] of walk.bodies) {
          expect(bytes.equals(a.members.find(m => m.path === name)?.body as Buffer)).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  test('generated archives: GNU tar --files-from extracts the same bytes', () => {
    fc.assert(
      fc.property(archive, a => {
        const walk = readWithTarWalk(a.bytes, new Set(a.wanted), a.pieces)
        const gnu = readWithGnuTar(a.bytes, a.wanted)
        expect([...gnu.keys()].sort()).toEqual(walk.bodies.map(([name]) => name).sort())
        for (const [name, bytes] of walk.bodies)
          expect(bytes.equals(gnu.get(name) as Buffer)).toBe(true)
      }),
      { numRuns: 40 }
    )
  })

  test('every archive cut short anywhere: the same verdict and the same members so far', async () => {
    await fc.assert(
      fc.asyncProperty(archive, fc.double({ min: 0, max: 1, noNaN: true }), async (a, where) => {
        const cut = a.bytes.subarray(0, Math.floor(a.bytes.length * where))
        const wanted = new Set(a.wanted)
        expectSameReading(
          readWithTarWalk(cut, wanted, a.pieces),
          await readWithTarStream(cut, wanted, a.pieces)
        )
      }),
      { numRuns: 200 }
    )
  })

  test('any one byte changed in or near a header: the same verdict', async () => {
    await fc.assert(
      fc.asyncProperty(
        archive.filter(a => a.members.length > 0),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        async (a, which, at, value) => {
          // The archive is [global header] members… end blocks, so a member's offset is known
          // from the end; the byte is one of the first three blocks of that member.
          const encoded = a.members.map(encodeMember)
          const index = which % encoded.length
          const after = encoded.slice(index).reduce((n, m) => n + m.length, 0)
          const start = a.bytes.length - END.length - after
          const bytes = Buffer.from(a.bytes)
          bytes[start + (at % Math.min(encoded[index].length, 1536))] = value
          const wanted = new Set(a.wanted)
          expectSameReading(
            readWithTarWalk(bytes, wanted, a.pieces),
            await readWithTarStream(bytes, wanted, a.pieces)
          )
        }
      ),
      { numRuns: 300 }
    )
  })
})

/** A header with its checksum recomputed after `change`. */
function alteredHeader(
  fields: Parameters<typeof tarHeader>[0],
  change: (block: Buffer) => void
): Buffer {
  const block = tarHeader(fields)
  change(block)
  return sealTarHeader(block)
}

const file = (name: string, text: string): TestMember => ({
  path: `${TOP}/${name}`,
  type: 'file',
  body: Buffer.from(text),
  style: 'ustar'
})
const good = encodeMember(file('a/1/a.cabal', 'name: a\r\n'))
const paxHeader = (records: Buffer) =>
  Buffer.concat([
    tarHeader({ name: 'PaxHeaders/x', type: 'pax-header', size: records.length }),
    records,
    Buffer.alloc((512 - (records.length % 512)) % 512)
  ])

/** Hostile and broken tar streams, with the verdict both readers must give. */
const HOSTILE: { what: string; bytes: Buffer; error?: string }[] = [
  {
    what: 'a header with a wrong checksum',
    bytes: Buffer.concat([
      good,
      Buffer.from(tarHeader({ name: `${TOP}/x` })).fill(0x41, 0, 3),
      END
    ]),
    error: 'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?'
  },
  {
    what: 'a pre-POSIX (v7) header without the ustar magic',
    bytes: Buffer.concat([
      alteredHeader({ name: `${TOP}/x` }, block => block.fill(0, 257, 265)),
      END
    ]),
    error: 'Invalid tar header: unknown format.'
  },
  {
    what: 'a pax record claiming 5 MiB',
    bytes: Buffer.concat([
      tarHeader({ name: 'PaxHeaders/x', type: 'pax-header', size: 5 * 1024 * 1024 }),
      END
    ]),
    error: 'Header exceeds max size'
  },
  {
    what: 'a GNU long name claiming 5 MiB',
    bytes: Buffer.concat([
      tarHeader({ name: '././@LongLink', type: 'gnu-long-path', size: 5 * 1024 * 1024, gnu: true }),
      END
    ]),
    error: 'Header exceeds max size'
  },
  {
    what: 'a pax size that is not a number',
    bytes: Buffer.concat([
      paxHeader(Buffer.from('13 size=abc\n')),
      tarHeader({ name: `${TOP}/x`, size: 0 }),
      END
    ]),
    error: 'Invalid header'
  },
  {
    what: 'a negative base-256 size',
    bytes: Buffer.concat([
      alteredHeader({ name: `${TOP}/x` }, block => {
        block.fill(0xff, 124, 136)
        block[135] = 0xfe
      }),
      END
    ]),
    error: 'Invalid header'
  },
  {
    what: 'a base-256 size',
    bytes: Buffer.concat([
      alteredHeader({ name: `${TOP}/x` }, block => {
        block.fill(0, 124, 136)
        block[124] = 0x80
        block[135] = 3
      }),
      Buffer.from('abc'),
      Buffer.alloc(509),
      END
    ])
  },
  {
    what: 'a truncated last header',
    bytes: Buffer.concat([good, tarHeader({ name: `${TOP}/x` }).subarray(0, 100)]),
    error: 'Unexpected end of data'
  },
  {
    what: 'a body cut short',
    bytes: Buffer.concat([good, tarHeader({ name: `${TOP}/x`, size: 2000 }), Buffer.alloc(1000)]),
    error: 'Unexpected end of data'
  },
  {
    what: 'a pax record cut short',
    bytes: Buffer.concat([
      tarHeader({ name: 'PaxHeaders/x', type: 'pax-header', size: 700 }),
      Buffer.alloc(600)
    ]),
    error: 'Unexpected end of data'
  },
  {
    what: 'a lone zero block between members',
    bytes: Buffer.concat([good, Buffer.alloc(512), encodeMember(file('b/1/b.cabal', 'b')), END])
  },
  {
    what: 'no end-of-archive blocks',
    bytes: Buffer.concat([good, encodeMember(file('b/1/b.cabal', 'b'))])
  },
  {
    what: 'a malformed pax record list (ignored from the bad record on)',
    bytes: Buffer.concat([
      paxHeader(Buffer.from(`30 path=${TOP}/p\nxx garbage\n`)),
      tarHeader({ name: `${TOP}/y`, size: 0 }),
      END
    ])
  },
  {
    what: 'a pax global header with a path (only a default for later x headers)',
    bytes: Buffer.concat([
      tarHeader({ name: 'pax_global_header', type: 'pax-global-header', size: 512 }),
      Buffer.concat([
        Buffer.from(`${21 + TOP.length} path=${TOP}/global\n`),
        Buffer.alloc(512)
      ]).subarray(0, 512),
      tarHeader({ name: `${TOP}/plain`, size: 0 }),
      paxHeader(Buffer.from('15 comment=abc\n')),
      tarHeader({ name: `${TOP}/overridden`, size: 0 }),
      END
    ])
  },
  {
    what: 'a member of a typeflag tar does not define',
    bytes: Buffer.concat([alteredHeader({ name: `${TOP}/v` }, block => (block[156] = 0x56)), END])
  },
  {
    what: 'a directory whose size field is not 0 (its "body" read as the next header)',
    bytes: Buffer.concat([
      tarHeader({ name: `${TOP}/d/`, type: 'directory', size: 512 }),
      good,
      END
    ])
  },
  { what: 'only zero blocks', bytes: Buffer.alloc(10240) },
  { what: 'nothing at all', bytes: Buffer.alloc(0) }
]

describe('hostile and broken tar streams: the walk and tar-stream give the same verdict', () => {
  test.each(HOSTILE.map(h => [h.what, h] as const))('%s', async (_what, hostile) => {
    const wanted = new Set([`${TOP}/a/1/a.cabal`, `${TOP}/x`, `${TOP}/overridden`])
    for (const pieces of [[hostile.bytes.length || 1], [1], [511, 513], [100]]) {
      const walk = readWithTarWalk(hostile.bytes, wanted, pieces)
      expectSameReading(walk, await readWithTarStream(hostile.bytes, wanted, pieces))
      expect(walk.error).toBe(hostile.error)
    }
  })

  test('data after the end-of-archive blocks is not read (as GNU tar; tar-stream reads on)', async () => {
    const bytes = Buffer.concat([good, END, Buffer.from('trailing garbage'.repeat(64))])
    const wanted = new Set([`${TOP}/a/1/a.cabal`])
    const walk = readWithTarWalk(bytes, wanted, [bytes.length])
    expect(walk.error).toBeUndefined()
    expect(walk.bodies.map(([n, b]) => [n, b.toString()])).toEqual([
      [`${TOP}/a/1/a.cabal`, 'name: a\r\n']
    ])
    expect(
      readWithGnuTar(bytes, [...wanted])
        .get(`${TOP}/a/1/a.cabal`)
        ?.toString()
    ).toBe('name: a\r\n')
    expect((await readWithTarStream(bytes, wanted, [bytes.length])).error).toMatch(
      /Invalid tar header/
    )
  })
})

describe('numeric fields after leading whitespace or one NUL: read as GNU tar reads them', () => {
  // Older tars pad numeric fields with leading spaces, and GNU tar skips any isspace() byte there
  // (from_header in GNU tar's list.c); the walk does the same, and so does tar-stream's parseInt.
  // A fast-check run once drew a header whose checksum field began with a TAB.
  const name = `${TOP}/a/1/a.cabal`
  const body = 'name: a\r\n'
  /** The member with the first byte of one numeric field replaced; the number is unchanged. */
  const withLeading = (field: 'checksum' | 'size', byte: number): Buffer => {
    const header = tarHeader({ name, size: body.length })
    if (field === 'size') {
      header[124] = byte
      sealTarHeader(header)
    } else header[148] = byte // the checksum's leading '0': the sum over the block is the same
    const padded = Buffer.alloc(512)
    padded.write(body)
    return Buffer.concat([header, padded, END])
  }
  const spaces: [string, number][] = [
    ['TAB', 0x09],
    ['LF', 0x0a],
    ['VT', 0x0b],
    ['FF', 0x0c],
    ['CR', 0x0d],
    ['space', 0x20],
    // Not whitespace: GNU tar skips one leading NUL ("buggy tar of unknown vintage, which outputs
    // leading NUL if the previous field overflows", from_header), tar-stream skips NULs too.
    ['NUL', 0x00]
  ]

  test.each(
    spaces.flatMap(([what, byte]) => [
      ['checksum', what, byte] as const,
      ['size', what, byte] as const
    ])
  )(
    'a %s field starting with %s: the member is read, by the walk, tar-stream and GNU tar',
    async (field, _what, byte) => {
      const bytes = withLeading(field, byte)
      const wanted = new Set([name])
      const walk = readWithTarWalk(bytes, wanted, [bytes.length])
      expect(walk.error).toBeUndefined()
      expect(walk.bodies.map(([n, b]) => [n, b.toString()])).toEqual([[name, body]])
      expectSameReading(walk, await readWithTarStream(bytes, wanted, [bytes.length]))
      expect(readWithGnuTar(bytes, [name]).get(name)?.toString()).toBe(body)
    }
  )

  test('a checksum field starting with a letter: refused by the walk, tar-stream and GNU tar', async () => {
    const bytes = withLeading('checksum', 0x78)
    const wanted = new Set([name])
    const walk = readWithTarWalk(bytes, wanted, [bytes.length])
    expect(walk.error).toBe(
      'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?'
    )
    expectSameReading(walk, await readWithTarStream(bytes, wanted, [bytes.length]))
    expect(() => readWithGnuTar(bytes, [name])).toThrow(/does not look like a tar archive/)
  })
})
