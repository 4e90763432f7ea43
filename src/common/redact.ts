/**
 * Credentials never reach a log line, a report or a comment, even when an error message quotes a
 * store URL or a token.
 */

/** `scheme://user:password@host` → `scheme://***@host`. */
const USER_INFO = /\/\/[^/@\s]*@/g

/** User info, `secret-key=…`-style query values and GitHub tokens, masked in any text. */
export function redactSecrets(text: string): string {
  return text
    .replace(USER_INFO, '//***@')
    .replace(/(secret-key|access-key|secret|token|password)=[^&\s]*/gi, '$1=***')
    .replace(/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, '$1***')
}

/** A store URL as shown in logs and reports: no user info and no query parameters at all. */
export function redactStoreUrl(target: string): string {
  return redactSecrets(target).replace(/\?.*$/, '')
}
