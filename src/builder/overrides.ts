/**
 * Reads an overrides file into raw entries with line numbers. Two formats:
 *  - the Nix attrset people pass to `packageSourceOverrides` (a plain subset is parsed here,
 *    without Nix: attribute names, string versions, path literals, comments);
 *  - JSON: `{ "aeson": "2.2.3.0", "my-lib": { "path": "./my-lib" } }` (`{ "version": … }` too).
 * Anything beyond the Nix subset is reported as `beyond-subset`, so the planner can fall back to
 * real evaluation when Nix is present.
 */
import {
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError
} from 'jsonc-parser'

export type OverrideValue = { kind: 'version'; version: string } | { kind: 'path'; path: string }

export interface OverrideEntry {
  name: string
  value: OverrideValue
  /** 1-based line of the attribute name, 0 when unknown (values produced by evaluation). */
  line: number
}

export type OverridesParse =
  | { ok: true; entries: OverrideEntry[] }
  | {
      ok: false
      reason: 'syntax' | 'beyond-subset'
      line: number
      message: string
      hint?: string
    }

type Token =
  | { type: '{' | '}' | '=' | ';'; line: number }
  | { type: 'ident'; text: string; line: number }
  | { type: 'string'; text: string; line: number }
  | { type: 'path'; text: string; line: number }
  | { type: 'other'; text: string; line: number }
  | { type: 'eof'; line: number }

class SubsetStop extends Error {
  constructor(
    readonly reason: 'syntax' | 'beyond-subset',
    readonly line: number,
    message: string
  ) {
    super(message)
  }
}

const NIX_KEYWORDS = new Set([
  'let',
  'in',
  'rec',
  'with',
  'inherit',
  'if',
  'then',
  'else',
  'assert',
  'or'
])
const PATH_CHAR = /[A-Za-z0-9._+\-/]/
const IDENT_START = /[A-Za-z_]/
const IDENT_CHAR = /[A-Za-z0-9_'-]/

function tokenizeNix(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  const beyond = (what: string): never => {
    throw new SubsetStop(
      'beyond-subset',
      line,
      `uses ${what}, which the built-in reader does not evaluate`
    )
  }
  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const start = line
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new SubsetStop('syntax', start, 'unterminated /* comment')
      for (let k = i; k < end; k++) if (text[k] === '\n') line++
      i = end + 2
    } else if (c === '{' || c === '}' || c === '=' || c === ';') {
      if (c === '=' && text[i + 1] === '=') beyond('an expression (==)')
      tokens.push({ type: c, line })
      i++
    } else if (c === '"') {
      const start = line
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) throw new SubsetStop('syntax', start, 'unterminated string')
        const d = text[i]
        if (d === '"') break
        if (d === '$' && text[i + 1] === '{') beyond('string interpolation (${…})')
        if (d === '\\') {
          const e = text[i + 1]
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '')
          i += 2
          continue
        }
        if (d === '\n') line++
        value += d
        i++
      }
      i++
      tokens.push({ type: 'string', text: value, line: start })
    } else if (c === "'" && text[i + 1] === "'") {
      beyond("an indented string ('')")
    } else if (
      (c === '.' && (text.startsWith('./', i) || text.startsWith('../', i))) ||
      (c === '/' && PATH_CHAR.test(text[i + 1] ?? '') && text[i + 1] !== '/')
    ) {
      let j = i
      while (j < text.length && PATH_CHAR.test(text[j])) j++
      const path = text.slice(i, j)
      if (path.endsWith('/')) throw new SubsetStop('syntax', line, `path ${path} ends with a slash`)
      tokens.push({ type: 'path', text: path, line })
      i = j
    } else if (IDENT_START.test(c)) {
      let j = i
      while (j < text.length && IDENT_CHAR.test(text[j])) j++
      const word = text.slice(i, j)
      if (NIX_KEYWORDS.has(word)) beyond(`the Nix keyword '${word}'`)
      if (text[j] === '/' && /[A-Za-z0-9._-]/.test(text[j + 1] ?? ''))
        beyond('a path without ./ prefix')
      tokens.push({ type: 'ident', text: word, line })
      i = j
    } else {
      let j = i + 1
      while (j < text.length && !/[\s{}=;"]/.test(text[j])) j++
      tokens.push({ type: 'other', text: text.slice(i, j), line })
      i = j
    }
  }
  tokens.push({ type: 'eof', line })
  return tokens
}

// `{ pkgs, ... }:`, `{ pkgs ? null }@args:`, `args@{ … }:` or `pkgs:` before the attribute set.
const FUNCTION_HEADER =
  /^(?:\s|#[^\n]*\n)*(?:[A-Za-z_][\w'-]*\s*:(?!\/)|[A-Za-z_][\w'-]*\s*@\s*\{|\{[^{}=;]*\}\s*(?:@\s*[A-Za-z_][\w'-]*\s*)?:)/

/** Parse the plain-attrset subset of Nix that overrides files are written in. */
export function parseNixOverrides(text: string): OverridesParse {
  const header = FUNCTION_HEADER.exec(text)
  if (header) {
    return {
      ok: false,
      reason: 'beyond-subset',
      line: header[0].split('\n').length,
      message: 'is a function, which the built-in reader does not evaluate'
    }
  }
  try {
    const tokens = tokenizeNix(text)
    let at = 0
    const next = (): Token => tokens[at++]
    const peek = (): Token => tokens[at]
    const describe = (t: Token): string =>
      t.type === 'eof' ? 'end of file' : 'text' in t ? `'${t.text}'` : `'${t.type}'`
    const unexpected = (t: Token, expected: string): never => {
      // Operators and function syntax are valid Nix we do not evaluate; the rest is a typo.
      if (t.type === 'other' && !/^[)\]]/.test(t.text)) {
        throw new SubsetStop(
          'beyond-subset',
          t.line,
          `uses ${describe(t)}, which the built-in reader does not evaluate`
        )
      }
      throw new SubsetStop('syntax', t.line, `expected ${expected} but found ${describe(t)}`)
    }

    // The next token must be `type`; Nix syntax beyond the subset is named as such, anything else
    // is a syntax error, reported on `line` (default: the token's own) with `message(found)`.
    const expectToken = (
      type: Token['type'],
      expected: string,
      message: (found: string) => string,
      line?: number
    ): void => {
      const t = next()
      if (t.type === type) return
      if (t.type === 'other') unexpected(t, expected)
      throw new SubsetStop('syntax', line ?? t.line, message(describe(t)))
    }

    const open = next()
    if (open.type === 'eof')
      throw new SubsetStop('syntax', open.line, 'the file has no attribute set')
    if (open.type !== '{') unexpected(open, "'{'")
    const entries: OverrideEntry[] = []
    for (;;) {
      const t = next()
      if (t.type === '}') break
      let name: string
      if (t.type === 'ident' || t.type === 'string') name = t.text
      else if (t.type === 'eof')
        throw new SubsetStop('syntax', t.line, "missing '}' at the end of the attribute set")
      else return unexpected(t, "an attribute name or '}'")
      expectToken('=', "'='", found => `expected '=' after '${name}' but found ${found}`)
      const value = next()
      let parsed: OverrideValue
      if (value.type === 'string') {
        parsed = value.text.startsWith('/')
          ? { kind: 'path', path: value.text }
          : { kind: 'version', version: value.text }
      } else if (value.type === 'path') {
        parsed = { kind: 'path', path: value.text }
      } else if (value.type === 'eof' || value.type === ';' || value.type === '}') {
        throw new SubsetStop('syntax', value.line, `'${name}' has no value`)
      } else if (value.type === 'ident') {
        // A variable or attribute (`v`, `pkgs.foo`): valid Nix that only evaluation can resolve.
        throw new SubsetStop(
          'beyond-subset',
          value.line,
          `gives '${name}' the expression '${value.text}', which the built-in reader does not evaluate`
        )
      } else {
        return unexpected(value, 'a version string or a path')
      }
      expectToken(';', "';'", () => `missing ';' after the value of '${name}'`, value.line)
      entries.push({ name, value: parsed, line: t.line })
    }
    const rest = peek()
    if (rest.type !== 'eof') {
      if (rest.type === 'other') unexpected(rest, 'end of file')
      throw new SubsetStop(
        'syntax',
        rest.line,
        `unexpected ${describe(rest)} after the closing '}'`
      )
    }
    return { ok: true, entries }
  } catch (error) {
    if (error instanceof SubsetStop) {
      return { ok: false, reason: error.reason, line: error.line, message: error.message }
    }
    throw error
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** The same words as nix/overrides.nix. */
export const JSON_COMMENT_HINT =
  'JSON has no comments: remove them, or write the overrides as a .nix file, where # comments are fine'

const JSON_ERRORS: Record<number, string> = {
  1: 'invalid symbol',
  2: 'invalid number',
  3: 'expected a property name',
  4: 'expected a value',
  5: "expected ':'",
  6: "expected ','",
  7: "expected '}'",
  8: "expected ']'",
  9: 'expected end of file',
  10: 'comments are not allowed in JSON',
  12: 'unterminated string'
}

/** The `packages` array of the plan JSON that `plan --json` prints, if that is what this is. */
function planPackagesNode(root: JsonNode): JsonNode | undefined {
  const properties = root.children ?? []
  if (properties.length !== 1) return undefined
  const [keyNode, valueNode] = properties[0].children ?? []
  return keyNode?.value === 'packages' && valueNode?.type === 'array' ? valueNode : undefined
}

/** `{"packages": [{"name", "version"} | {"name", "path"}]}`: plan output is valid input too. */
function parsePlanJson(text: string, list: JsonNode): OverridesParse {
  const entries: OverrideEntry[] = []
  for (const item of list.children ?? []) {
    // The line of `"name": …`, which the Nix library finds too (nix/overrides.nix).
    const nameProperty = item.children?.find(c => c.children?.[0]?.value === 'name')
    const line = lineAt(text, (nameProperty ?? item).offset)
    const raw = getNodeValue(item) as Record<string, unknown> | null
    const name = raw && typeof raw === 'object' ? raw.name : undefined
    if (
      typeof name !== 'string' ||
      (typeof raw?.version !== 'string' && typeof raw?.path !== 'string')
    ) {
      return {
        ok: false,
        reason: 'syntax',
        line,
        message: 'each package needs "name" and "version" or "path"'
      }
    }
    const value: OverrideValue =
      typeof raw.version === 'string'
        ? { kind: 'version', version: raw.version }
        : { kind: 'path', path: raw.path as string }
    entries.push({ name, value, line })
  }
  return { ok: true, entries }
}

export function parseJsonOverrides(text: string): OverridesParse {
  const errors: ParseError[] = []
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
  if (errors.length > 0) {
    const [first] = errors
    return {
      ok: false,
      reason: 'syntax',
      line: lineAt(text, first.offset),
      message: `invalid JSON: ${JSON_ERRORS[first.error] ?? printParseErrorCode(first.error)}`,
      hint: first.error === 10 ? JSON_COMMENT_HINT : 'fix the JSON; nothing was built'
    }
  }
  if (!root || root.type !== 'object') {
    return {
      ok: false,
      reason: 'syntax',
      line: 1,
      message: 'expected a JSON object of package name to version'
    }
  }
  const planList = planPackagesNode(root)
  if (planList) return parsePlanJson(text, planList)
  const entries: OverrideEntry[] = []
  for (const property of root.children ?? []) {
    const [keyNode, valueNode] = property.children ?? []
    const key = keyNode.value as string
    const line = lineAt(text, keyNode.offset)
    const raw: unknown = valueNode ? getNodeValue(valueNode) : undefined
    let value: OverrideValue | undefined
    if (typeof raw === 'string') {
      value = raw.startsWith('/') ? { kind: 'path', path: raw } : { kind: 'version', version: raw }
    } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const fields = raw as Record<string, unknown>
      if (typeof fields.path === 'string') value = { kind: 'path', path: fields.path }
      else if (typeof fields.version === 'string')
        value = { kind: 'version', version: fields.version }
    }
    if (!value) {
      return {
        ok: false,
        reason: 'syntax',
        line,
        message: `'${key}' must be a version string, {"version": "…"} or {"path": "./dir"}`
      }
    }
    entries.push({ name: key, value, line })
  }
  return { ok: true, entries }
}

/** Best-effort line of `name = ` in a Nix file, for entries that came from evaluation. */
export function findAttributeLine(text: string, name: string): number {
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
  const match = new RegExp(`(^|[\\s{;])("${escaped}"|${escaped})\\s*=`, 'm').exec(text)
  return match ? lineAt(text, match.index + match[1].length) : 0
}
