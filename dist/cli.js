#!/usr/bin/env node
import { createRequire as __scnCreateRequire } from 'node:module'; const require = __scnCreateRequire(import.meta.url);
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/common/errors.ts
function isBatchError(error) {
  return error instanceof BatchError;
}
function describeError(error) {
  if (!isBatchError(error)) {
    return `error: ${errorMessage(error)}`;
  }
  const lines = [`error: ${error.message}`];
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint) lines.push(`hint: ${error.hint}`);
  return lines.join("\n");
}
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
var BatchError;
var init_errors = __esm({
  "src/common/errors.ts"() {
    "use strict";
    BatchError = class extends Error {
      kind;
      hint;
      /** Extra lines (one per package, one per location) shown under the headline. */
      details;
      constructor(kind, message, options = {}) {
        super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
        this.name = "BatchError";
        this.kind = kind;
        this.hint = options.hint;
        this.details = options.details ?? [];
      }
    };
  }
});

// src/builder/hackage.ts
function isValidPackageName(name) {
  return name.length > 0 && name.length <= 255 && PACKAGE_NAME.test(name);
}
function isValidVersion(version) {
  return version.length <= 100 && VERSION.test(version);
}
function compareVersions(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
function nearestVersions(requested, existing, each = 3) {
  const sorted = [...new Set(existing)].filter(isValidVersion).sort(compareVersions);
  let at = sorted.findIndex((v) => compareVersions(v, requested) > 0);
  if (at < 0) at = sorted.length;
  return sorted.slice(Math.max(0, at - each), at + each);
}
function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
function similarPackageNames(requested, existing, max = 3) {
  const lower = requested.toLowerCase();
  const scored = [];
  for (const name of existing) {
    if (name === requested) continue;
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (distance <= Math.max(1, Math.min(3, Math.floor(requested.length / 4)))) {
      scored.push([distance, name]);
    }
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  return scored.slice(0, max).map(([, name]) => name);
}
var PACKAGE_NAME, VERSION;
var init_hackage = __esm({
  "src/builder/hackage.ts"() {
    "use strict";
    PACKAGE_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/;
    VERSION = /^(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8}))*$/;
  }
});

// src/common/process.ts
import { spawn } from "node:child_process";
import { createReadStream as createReadStream2, createWriteStream } from "node:fs";
function runCommand(command, args, options = {}) {
  const limit = options.maxOutputBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.stdinFile ? "pipe" : "ignore", "pipe", "pipe"]
    });
    if (options.stdinFile && child.stdin) {
      const input = createReadStream2(options.stdinFile);
      input.on("error", (error) => child.kill("SIGKILL") && reject(error));
      child.stdin.on("error", () => void 0);
      input.pipe(child.stdin);
    }
    const stdoutFile = options.stdoutFile ? createWriteStream(options.stdoutFile) : void 0;
    const stdoutClosed = stdoutFile ? new Promise((done, fail) => stdoutFile.on("close", done).on("error", fail)) : Promise.resolve();
    let partialLine = "";
    const forwardLines = (chunk) => {
      if (!options.onStderrLine) return;
      const lines = (partialLine + chunk.toString("utf8")).split("\n");
      partialLine = lines.pop() ?? "";
      for (const line of lines) options.onStderrLine(line);
    };
    const out = [];
    const err = [];
    let size = 0;
    let timedOut = false;
    const kill = () => child.kill("SIGKILL");
    const timer = options.timeoutMs ? setTimeout(() => (timedOut = true, kill()), options.timeoutMs) : void 0;
    const collect = (into) => (chunk) => {
      size += chunk.length;
      if (size > limit) kill();
      else into.push(chunk);
    };
    const stdout = child.stdout;
    const stderr = child.stderr;
    if (stdoutFile) stdout.pipe(stdoutFile);
    else stdout.on("data", collect(out));
    stderr.on("data", collect(err));
    stderr.on("data", forwardLines);
    child.on("error", (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partialLine && options.onStderrLine) options.onStderrLine(partialLine);
      stdoutClosed.then(
        () => resolve({
          code,
          signal,
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err).toString("utf8"),
          timedOut
        }),
        reject
      );
    });
  });
}
async function commandExists(command, args = ["--version"]) {
  try {
    const result = await runCommand(command, args, { timeoutMs: 15e3 });
    return result.code === 0;
  } catch {
    return false;
  }
}
var init_process = __esm({
  "src/common/process.ts"() {
    "use strict";
  }
});

// node_modules/jsonc-parser/lib/esm/impl/scanner.js
function createScanner(text, ignoreTrivia = false) {
  const len = text.length;
  let pos = 0, value = "", tokenOffset = 0, token = 16, lineNumber = 0, lineStartOffset = 0, tokenLineStartOffset = 0, prevTokenLineStartOffset = 0, scanError = 0;
  function scanHexDigits(count, exact) {
    let digits = 0;
    let value2 = 0;
    while (digits < count || !exact) {
      let ch = text.charCodeAt(pos);
      if (ch >= 48 && ch <= 57) {
        value2 = value2 * 16 + ch - 48;
      } else if (ch >= 65 && ch <= 70) {
        value2 = value2 * 16 + ch - 65 + 10;
      } else if (ch >= 97 && ch <= 102) {
        value2 = value2 * 16 + ch - 97 + 10;
      } else {
        break;
      }
      pos++;
      digits++;
    }
    if (digits < count) {
      value2 = -1;
    }
    return value2;
  }
  function setPosition(newPosition) {
    pos = newPosition;
    value = "";
    tokenOffset = 0;
    token = 16;
    scanError = 0;
  }
  function scanNumber() {
    let start = pos;
    if (text.charCodeAt(pos) === 48) {
      pos++;
    } else {
      pos++;
      while (pos < text.length && isDigit(text.charCodeAt(pos))) {
        pos++;
      }
    }
    if (pos < text.length && text.charCodeAt(pos) === 46) {
      pos++;
      if (pos < text.length && isDigit(text.charCodeAt(pos))) {
        pos++;
        while (pos < text.length && isDigit(text.charCodeAt(pos))) {
          pos++;
        }
      } else {
        scanError = 3;
        return text.substring(start, pos);
      }
    }
    let end = pos;
    if (pos < text.length && (text.charCodeAt(pos) === 69 || text.charCodeAt(pos) === 101)) {
      pos++;
      if (pos < text.length && text.charCodeAt(pos) === 43 || text.charCodeAt(pos) === 45) {
        pos++;
      }
      if (pos < text.length && isDigit(text.charCodeAt(pos))) {
        pos++;
        while (pos < text.length && isDigit(text.charCodeAt(pos))) {
          pos++;
        }
        end = pos;
      } else {
        scanError = 3;
      }
    }
    return text.substring(start, end);
  }
  function scanString() {
    let result = "", start = pos;
    while (true) {
      if (pos >= len) {
        result += text.substring(start, pos);
        scanError = 2;
        break;
      }
      const ch = text.charCodeAt(pos);
      if (ch === 34) {
        result += text.substring(start, pos);
        pos++;
        break;
      }
      if (ch === 92) {
        result += text.substring(start, pos);
        pos++;
        if (pos >= len) {
          scanError = 2;
          break;
        }
        const ch2 = text.charCodeAt(pos++);
        switch (ch2) {
          case 34:
            result += '"';
            break;
          case 92:
            result += "\\";
            break;
          case 47:
            result += "/";
            break;
          case 98:
            result += "\b";
            break;
          case 102:
            result += "\f";
            break;
          case 110:
            result += "\n";
            break;
          case 114:
            result += "\r";
            break;
          case 116:
            result += "	";
            break;
          case 117:
            const ch3 = scanHexDigits(4, true);
            if (ch3 >= 0) {
              result += String.fromCharCode(ch3);
            } else {
              scanError = 4;
            }
            break;
          default:
            scanError = 5;
        }
        start = pos;
        continue;
      }
      if (ch >= 0 && ch <= 31) {
        if (isLineBreak(ch)) {
          result += text.substring(start, pos);
          scanError = 2;
          break;
        } else {
          scanError = 6;
        }
      }
      pos++;
    }
    return result;
  }
  function scanNext() {
    value = "";
    scanError = 0;
    tokenOffset = pos;
    lineStartOffset = lineNumber;
    prevTokenLineStartOffset = tokenLineStartOffset;
    if (pos >= len) {
      tokenOffset = len;
      return token = 17;
    }
    let code = text.charCodeAt(pos);
    if (isWhiteSpace(code)) {
      do {
        pos++;
        value += String.fromCharCode(code);
        code = text.charCodeAt(pos);
      } while (isWhiteSpace(code));
      return token = 15;
    }
    if (isLineBreak(code)) {
      pos++;
      value += String.fromCharCode(code);
      if (code === 13 && text.charCodeAt(pos) === 10) {
        pos++;
        value += "\n";
      }
      lineNumber++;
      tokenLineStartOffset = pos;
      return token = 14;
    }
    switch (code) {
      // tokens: []{}:,
      case 123:
        pos++;
        return token = 1;
      case 125:
        pos++;
        return token = 2;
      case 91:
        pos++;
        return token = 3;
      case 93:
        pos++;
        return token = 4;
      case 58:
        pos++;
        return token = 6;
      case 44:
        pos++;
        return token = 5;
      // strings
      case 34:
        pos++;
        value = scanString();
        return token = 10;
      // comments
      case 47:
        const start = pos - 1;
        if (text.charCodeAt(pos + 1) === 47) {
          pos += 2;
          while (pos < len) {
            if (isLineBreak(text.charCodeAt(pos))) {
              break;
            }
            pos++;
          }
          value = text.substring(start, pos);
          return token = 12;
        }
        if (text.charCodeAt(pos + 1) === 42) {
          pos += 2;
          const safeLength = len - 1;
          let commentClosed = false;
          while (pos < safeLength) {
            const ch = text.charCodeAt(pos);
            if (ch === 42 && text.charCodeAt(pos + 1) === 47) {
              pos += 2;
              commentClosed = true;
              break;
            }
            pos++;
            if (isLineBreak(ch)) {
              if (ch === 13 && text.charCodeAt(pos) === 10) {
                pos++;
              }
              lineNumber++;
              tokenLineStartOffset = pos;
            }
          }
          if (!commentClosed) {
            pos++;
            scanError = 1;
          }
          value = text.substring(start, pos);
          return token = 13;
        }
        value += String.fromCharCode(code);
        pos++;
        return token = 16;
      // numbers
      case 45:
        value += String.fromCharCode(code);
        pos++;
        if (pos === len || !isDigit(text.charCodeAt(pos))) {
          return token = 16;
        }
      // found a minus, followed by a number so
      // we fall through to proceed with scanning
      // numbers
      case 48:
      case 49:
      case 50:
      case 51:
      case 52:
      case 53:
      case 54:
      case 55:
      case 56:
      case 57:
        value += scanNumber();
        return token = 11;
      // literals and unknown symbols
      default:
        while (pos < len && isUnknownContentCharacter(code)) {
          pos++;
          code = text.charCodeAt(pos);
        }
        if (tokenOffset !== pos) {
          value = text.substring(tokenOffset, pos);
          switch (value) {
            case "true":
              return token = 8;
            case "false":
              return token = 9;
            case "null":
              return token = 7;
          }
          return token = 16;
        }
        value += String.fromCharCode(code);
        pos++;
        return token = 16;
    }
  }
  function isUnknownContentCharacter(code) {
    if (isWhiteSpace(code) || isLineBreak(code)) {
      return false;
    }
    switch (code) {
      case 125:
      case 93:
      case 123:
      case 91:
      case 34:
      case 58:
      case 44:
      case 47:
        return false;
    }
    return true;
  }
  function scanNextNonTrivia() {
    let result;
    do {
      result = scanNext();
    } while (result >= 12 && result <= 15);
    return result;
  }
  return {
    setPosition,
    getPosition: () => pos,
    scan: ignoreTrivia ? scanNextNonTrivia : scanNext,
    getToken: () => token,
    getTokenValue: () => value,
    getTokenOffset: () => tokenOffset,
    getTokenLength: () => pos - tokenOffset,
    getTokenStartLine: () => lineStartOffset,
    getTokenStartCharacter: () => tokenOffset - prevTokenLineStartOffset,
    getTokenError: () => scanError
  };
}
function isWhiteSpace(ch) {
  return ch === 32 || ch === 9;
}
function isLineBreak(ch) {
  return ch === 10 || ch === 13;
}
function isDigit(ch) {
  return ch >= 48 && ch <= 57;
}
var CharacterCodes;
var init_scanner = __esm({
  "node_modules/jsonc-parser/lib/esm/impl/scanner.js"() {
    "use strict";
    (function(CharacterCodes2) {
      CharacterCodes2[CharacterCodes2["lineFeed"] = 10] = "lineFeed";
      CharacterCodes2[CharacterCodes2["carriageReturn"] = 13] = "carriageReturn";
      CharacterCodes2[CharacterCodes2["space"] = 32] = "space";
      CharacterCodes2[CharacterCodes2["_0"] = 48] = "_0";
      CharacterCodes2[CharacterCodes2["_1"] = 49] = "_1";
      CharacterCodes2[CharacterCodes2["_2"] = 50] = "_2";
      CharacterCodes2[CharacterCodes2["_3"] = 51] = "_3";
      CharacterCodes2[CharacterCodes2["_4"] = 52] = "_4";
      CharacterCodes2[CharacterCodes2["_5"] = 53] = "_5";
      CharacterCodes2[CharacterCodes2["_6"] = 54] = "_6";
      CharacterCodes2[CharacterCodes2["_7"] = 55] = "_7";
      CharacterCodes2[CharacterCodes2["_8"] = 56] = "_8";
      CharacterCodes2[CharacterCodes2["_9"] = 57] = "_9";
      CharacterCodes2[CharacterCodes2["a"] = 97] = "a";
      CharacterCodes2[CharacterCodes2["b"] = 98] = "b";
      CharacterCodes2[CharacterCodes2["c"] = 99] = "c";
      CharacterCodes2[CharacterCodes2["d"] = 100] = "d";
      CharacterCodes2[CharacterCodes2["e"] = 101] = "e";
      CharacterCodes2[CharacterCodes2["f"] = 102] = "f";
      CharacterCodes2[CharacterCodes2["g"] = 103] = "g";
      CharacterCodes2[CharacterCodes2["h"] = 104] = "h";
      CharacterCodes2[CharacterCodes2["i"] = 105] = "i";
      CharacterCodes2[CharacterCodes2["j"] = 106] = "j";
      CharacterCodes2[CharacterCodes2["k"] = 107] = "k";
      CharacterCodes2[CharacterCodes2["l"] = 108] = "l";
      CharacterCodes2[CharacterCodes2["m"] = 109] = "m";
      CharacterCodes2[CharacterCodes2["n"] = 110] = "n";
      CharacterCodes2[CharacterCodes2["o"] = 111] = "o";
      CharacterCodes2[CharacterCodes2["p"] = 112] = "p";
      CharacterCodes2[CharacterCodes2["q"] = 113] = "q";
      CharacterCodes2[CharacterCodes2["r"] = 114] = "r";
      CharacterCodes2[CharacterCodes2["s"] = 115] = "s";
      CharacterCodes2[CharacterCodes2["t"] = 116] = "t";
      CharacterCodes2[CharacterCodes2["u"] = 117] = "u";
      CharacterCodes2[CharacterCodes2["v"] = 118] = "v";
      CharacterCodes2[CharacterCodes2["w"] = 119] = "w";
      CharacterCodes2[CharacterCodes2["x"] = 120] = "x";
      CharacterCodes2[CharacterCodes2["y"] = 121] = "y";
      CharacterCodes2[CharacterCodes2["z"] = 122] = "z";
      CharacterCodes2[CharacterCodes2["A"] = 65] = "A";
      CharacterCodes2[CharacterCodes2["B"] = 66] = "B";
      CharacterCodes2[CharacterCodes2["C"] = 67] = "C";
      CharacterCodes2[CharacterCodes2["D"] = 68] = "D";
      CharacterCodes2[CharacterCodes2["E"] = 69] = "E";
      CharacterCodes2[CharacterCodes2["F"] = 70] = "F";
      CharacterCodes2[CharacterCodes2["G"] = 71] = "G";
      CharacterCodes2[CharacterCodes2["H"] = 72] = "H";
      CharacterCodes2[CharacterCodes2["I"] = 73] = "I";
      CharacterCodes2[CharacterCodes2["J"] = 74] = "J";
      CharacterCodes2[CharacterCodes2["K"] = 75] = "K";
      CharacterCodes2[CharacterCodes2["L"] = 76] = "L";
      CharacterCodes2[CharacterCodes2["M"] = 77] = "M";
      CharacterCodes2[CharacterCodes2["N"] = 78] = "N";
      CharacterCodes2[CharacterCodes2["O"] = 79] = "O";
      CharacterCodes2[CharacterCodes2["P"] = 80] = "P";
      CharacterCodes2[CharacterCodes2["Q"] = 81] = "Q";
      CharacterCodes2[CharacterCodes2["R"] = 82] = "R";
      CharacterCodes2[CharacterCodes2["S"] = 83] = "S";
      CharacterCodes2[CharacterCodes2["T"] = 84] = "T";
      CharacterCodes2[CharacterCodes2["U"] = 85] = "U";
      CharacterCodes2[CharacterCodes2["V"] = 86] = "V";
      CharacterCodes2[CharacterCodes2["W"] = 87] = "W";
      CharacterCodes2[CharacterCodes2["X"] = 88] = "X";
      CharacterCodes2[CharacterCodes2["Y"] = 89] = "Y";
      CharacterCodes2[CharacterCodes2["Z"] = 90] = "Z";
      CharacterCodes2[CharacterCodes2["asterisk"] = 42] = "asterisk";
      CharacterCodes2[CharacterCodes2["backslash"] = 92] = "backslash";
      CharacterCodes2[CharacterCodes2["closeBrace"] = 125] = "closeBrace";
      CharacterCodes2[CharacterCodes2["closeBracket"] = 93] = "closeBracket";
      CharacterCodes2[CharacterCodes2["colon"] = 58] = "colon";
      CharacterCodes2[CharacterCodes2["comma"] = 44] = "comma";
      CharacterCodes2[CharacterCodes2["dot"] = 46] = "dot";
      CharacterCodes2[CharacterCodes2["doubleQuote"] = 34] = "doubleQuote";
      CharacterCodes2[CharacterCodes2["minus"] = 45] = "minus";
      CharacterCodes2[CharacterCodes2["openBrace"] = 123] = "openBrace";
      CharacterCodes2[CharacterCodes2["openBracket"] = 91] = "openBracket";
      CharacterCodes2[CharacterCodes2["plus"] = 43] = "plus";
      CharacterCodes2[CharacterCodes2["slash"] = 47] = "slash";
      CharacterCodes2[CharacterCodes2["formFeed"] = 12] = "formFeed";
      CharacterCodes2[CharacterCodes2["tab"] = 9] = "tab";
    })(CharacterCodes || (CharacterCodes = {}));
  }
});

// node_modules/jsonc-parser/lib/esm/impl/string-intern.js
var cachedSpaces, maxCachedValues, cachedBreakLinesWithSpaces;
var init_string_intern = __esm({
  "node_modules/jsonc-parser/lib/esm/impl/string-intern.js"() {
    cachedSpaces = new Array(20).fill(0).map((_, index) => {
      return " ".repeat(index);
    });
    maxCachedValues = 200;
    cachedBreakLinesWithSpaces = {
      " ": {
        "\n": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\n" + " ".repeat(index);
        }),
        "\r": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\r" + " ".repeat(index);
        }),
        "\r\n": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\r\n" + " ".repeat(index);
        })
      },
      "	": {
        "\n": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\n" + "	".repeat(index);
        }),
        "\r": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\r" + "	".repeat(index);
        }),
        "\r\n": new Array(maxCachedValues).fill(0).map((_, index) => {
          return "\r\n" + "	".repeat(index);
        })
      }
    };
  }
});

// node_modules/jsonc-parser/lib/esm/impl/format.js
var init_format = __esm({
  "node_modules/jsonc-parser/lib/esm/impl/format.js"() {
    "use strict";
    init_scanner();
    init_string_intern();
  }
});

// node_modules/jsonc-parser/lib/esm/impl/parser.js
function parseTree(text, errors = [], options = ParseOptions.DEFAULT) {
  let currentParent = { type: "array", offset: -1, length: -1, children: [], parent: void 0 };
  function ensurePropertyComplete(endOffset) {
    if (currentParent.type === "property") {
      currentParent.length = endOffset - currentParent.offset;
      currentParent = currentParent.parent;
    }
  }
  function onValue(valueNode) {
    currentParent.children.push(valueNode);
    return valueNode;
  }
  const visitor = {
    onObjectBegin: (offset) => {
      currentParent = onValue({ type: "object", offset, length: -1, parent: currentParent, children: [] });
    },
    onObjectProperty: (name, offset, length) => {
      currentParent = onValue({ type: "property", offset, length: -1, parent: currentParent, children: [] });
      currentParent.children.push({ type: "string", value: name, offset, length, parent: currentParent });
    },
    onObjectEnd: (offset, length) => {
      ensurePropertyComplete(offset + length);
      currentParent.length = offset + length - currentParent.offset;
      currentParent = currentParent.parent;
      ensurePropertyComplete(offset + length);
    },
    onArrayBegin: (offset, length) => {
      currentParent = onValue({ type: "array", offset, length: -1, parent: currentParent, children: [] });
    },
    onArrayEnd: (offset, length) => {
      currentParent.length = offset + length - currentParent.offset;
      currentParent = currentParent.parent;
      ensurePropertyComplete(offset + length);
    },
    onLiteralValue: (value, offset, length) => {
      onValue({ type: getNodeType(value), offset, length, parent: currentParent, value });
      ensurePropertyComplete(offset + length);
    },
    onSeparator: (sep, offset, length) => {
      if (currentParent.type === "property") {
        if (sep === ":") {
          currentParent.colonOffset = offset;
        } else if (sep === ",") {
          ensurePropertyComplete(offset);
        }
      }
    },
    onError: (error, offset, length) => {
      errors.push({ error, offset, length });
    }
  };
  visit(text, visitor, options);
  const result = currentParent.children[0];
  if (result) {
    delete result.parent;
  }
  return result;
}
function getNodeValue(node) {
  switch (node.type) {
    case "array":
      return node.children.map(getNodeValue);
    case "object":
      const obj = /* @__PURE__ */ Object.create(null);
      for (let prop of node.children) {
        const valueNode = prop.children[1];
        if (valueNode) {
          obj[prop.children[0].value] = getNodeValue(valueNode);
        }
      }
      return obj;
    case "null":
    case "string":
    case "number":
    case "boolean":
      return node.value;
    default:
      return void 0;
  }
}
function visit(text, visitor, options = ParseOptions.DEFAULT) {
  const _scanner = createScanner(text, false);
  const _jsonPath = [];
  let suppressedCallbacks = 0;
  function toNoArgVisit(visitFunction) {
    return visitFunction ? () => suppressedCallbacks === 0 && visitFunction(_scanner.getTokenOffset(), _scanner.getTokenLength(), _scanner.getTokenStartLine(), _scanner.getTokenStartCharacter()) : () => true;
  }
  function toOneArgVisit(visitFunction) {
    return visitFunction ? (arg) => suppressedCallbacks === 0 && visitFunction(arg, _scanner.getTokenOffset(), _scanner.getTokenLength(), _scanner.getTokenStartLine(), _scanner.getTokenStartCharacter()) : () => true;
  }
  function toOneArgVisitWithPath(visitFunction) {
    return visitFunction ? (arg) => suppressedCallbacks === 0 && visitFunction(arg, _scanner.getTokenOffset(), _scanner.getTokenLength(), _scanner.getTokenStartLine(), _scanner.getTokenStartCharacter(), () => _jsonPath.slice()) : () => true;
  }
  function toBeginVisit(visitFunction) {
    return visitFunction ? () => {
      if (suppressedCallbacks > 0) {
        suppressedCallbacks++;
      } else {
        let cbReturn = visitFunction(_scanner.getTokenOffset(), _scanner.getTokenLength(), _scanner.getTokenStartLine(), _scanner.getTokenStartCharacter(), () => _jsonPath.slice());
        if (cbReturn === false) {
          suppressedCallbacks = 1;
        }
      }
    } : () => true;
  }
  function toEndVisit(visitFunction) {
    return visitFunction ? () => {
      if (suppressedCallbacks > 0) {
        suppressedCallbacks--;
      }
      if (suppressedCallbacks === 0) {
        visitFunction(_scanner.getTokenOffset(), _scanner.getTokenLength(), _scanner.getTokenStartLine(), _scanner.getTokenStartCharacter());
      }
    } : () => true;
  }
  const onObjectBegin = toBeginVisit(visitor.onObjectBegin), onObjectProperty = toOneArgVisitWithPath(visitor.onObjectProperty), onObjectEnd = toEndVisit(visitor.onObjectEnd), onArrayBegin = toBeginVisit(visitor.onArrayBegin), onArrayEnd = toEndVisit(visitor.onArrayEnd), onLiteralValue = toOneArgVisitWithPath(visitor.onLiteralValue), onSeparator = toOneArgVisit(visitor.onSeparator), onComment = toNoArgVisit(visitor.onComment), onError = toOneArgVisit(visitor.onError);
  const disallowComments = options && options.disallowComments;
  const allowTrailingComma = options && options.allowTrailingComma;
  function scanNext() {
    while (true) {
      const token = _scanner.scan();
      switch (_scanner.getTokenError()) {
        case 4:
          handleError(
            14
            /* ParseErrorCode.InvalidUnicode */
          );
          break;
        case 5:
          handleError(
            15
            /* ParseErrorCode.InvalidEscapeCharacter */
          );
          break;
        case 3:
          handleError(
            13
            /* ParseErrorCode.UnexpectedEndOfNumber */
          );
          break;
        case 1:
          if (!disallowComments) {
            handleError(
              11
              /* ParseErrorCode.UnexpectedEndOfComment */
            );
          }
          break;
        case 2:
          handleError(
            12
            /* ParseErrorCode.UnexpectedEndOfString */
          );
          break;
        case 6:
          handleError(
            16
            /* ParseErrorCode.InvalidCharacter */
          );
          break;
      }
      switch (token) {
        case 12:
        case 13:
          if (disallowComments) {
            handleError(
              10
              /* ParseErrorCode.InvalidCommentToken */
            );
          } else {
            onComment();
          }
          break;
        case 16:
          handleError(
            1
            /* ParseErrorCode.InvalidSymbol */
          );
          break;
        case 15:
        case 14:
          break;
        default:
          return token;
      }
    }
  }
  function handleError(error, skipUntilAfter = [], skipUntil = []) {
    onError(error);
    if (skipUntilAfter.length + skipUntil.length > 0) {
      let token = _scanner.getToken();
      while (token !== 17) {
        if (skipUntilAfter.indexOf(token) !== -1) {
          scanNext();
          break;
        } else if (skipUntil.indexOf(token) !== -1) {
          break;
        }
        token = scanNext();
      }
    }
  }
  function parseString(isValue) {
    const value = _scanner.getTokenValue();
    if (isValue) {
      onLiteralValue(value);
    } else {
      onObjectProperty(value);
      _jsonPath.push(value);
    }
    scanNext();
    return true;
  }
  function parseLiteral() {
    switch (_scanner.getToken()) {
      case 11:
        const tokenValue = _scanner.getTokenValue();
        let value = Number(tokenValue);
        if (isNaN(value)) {
          handleError(
            2
            /* ParseErrorCode.InvalidNumberFormat */
          );
          value = 0;
        }
        onLiteralValue(value);
        break;
      case 7:
        onLiteralValue(null);
        break;
      case 8:
        onLiteralValue(true);
        break;
      case 9:
        onLiteralValue(false);
        break;
      default:
        return false;
    }
    scanNext();
    return true;
  }
  function parseProperty() {
    if (_scanner.getToken() !== 10) {
      handleError(3, [], [
        2,
        5
        /* SyntaxKind.CommaToken */
      ]);
      return false;
    }
    parseString(false);
    if (_scanner.getToken() === 6) {
      onSeparator(":");
      scanNext();
      if (!parseValue()) {
        handleError(4, [], [
          2,
          5
          /* SyntaxKind.CommaToken */
        ]);
      }
    } else {
      handleError(5, [], [
        2,
        5
        /* SyntaxKind.CommaToken */
      ]);
    }
    _jsonPath.pop();
    return true;
  }
  function parseObject() {
    onObjectBegin();
    scanNext();
    let needsComma = false;
    while (_scanner.getToken() !== 2 && _scanner.getToken() !== 17) {
      if (_scanner.getToken() === 5) {
        if (!needsComma) {
          handleError(4, [], []);
        }
        onSeparator(",");
        scanNext();
        if (_scanner.getToken() === 2 && allowTrailingComma) {
          break;
        }
      } else if (needsComma) {
        handleError(6, [], []);
      }
      if (!parseProperty()) {
        handleError(4, [], [
          2,
          5
          /* SyntaxKind.CommaToken */
        ]);
      }
      needsComma = true;
    }
    onObjectEnd();
    if (_scanner.getToken() !== 2) {
      handleError(7, [
        2
        /* SyntaxKind.CloseBraceToken */
      ], []);
    } else {
      scanNext();
    }
    return true;
  }
  function parseArray() {
    onArrayBegin();
    scanNext();
    let isFirstElement = true;
    let needsComma = false;
    while (_scanner.getToken() !== 4 && _scanner.getToken() !== 17) {
      if (_scanner.getToken() === 5) {
        if (!needsComma) {
          handleError(4, [], []);
        }
        onSeparator(",");
        scanNext();
        if (_scanner.getToken() === 4 && allowTrailingComma) {
          break;
        }
      } else if (needsComma) {
        handleError(6, [], []);
      }
      if (isFirstElement) {
        _jsonPath.push(0);
        isFirstElement = false;
      } else {
        _jsonPath[_jsonPath.length - 1]++;
      }
      if (!parseValue()) {
        handleError(4, [], [
          4,
          5
          /* SyntaxKind.CommaToken */
        ]);
      }
      needsComma = true;
    }
    onArrayEnd();
    if (!isFirstElement) {
      _jsonPath.pop();
    }
    if (_scanner.getToken() !== 4) {
      handleError(8, [
        4
        /* SyntaxKind.CloseBracketToken */
      ], []);
    } else {
      scanNext();
    }
    return true;
  }
  function parseValue() {
    switch (_scanner.getToken()) {
      case 3:
        return parseArray();
      case 1:
        return parseObject();
      case 10:
        return parseString(true);
      default:
        return parseLiteral();
    }
  }
  scanNext();
  if (_scanner.getToken() === 17) {
    if (options.allowEmptyContent) {
      return true;
    }
    handleError(4, [], []);
    return false;
  }
  if (!parseValue()) {
    handleError(4, [], []);
    return false;
  }
  if (_scanner.getToken() !== 17) {
    handleError(9, [], []);
  }
  return true;
}
function getNodeType(value) {
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "string":
      return "string";
    case "object": {
      if (!value) {
        return "null";
      } else if (Array.isArray(value)) {
        return "array";
      }
      return "object";
    }
    default:
      return "null";
  }
}
var ParseOptions;
var init_parser = __esm({
  "node_modules/jsonc-parser/lib/esm/impl/parser.js"() {
    "use strict";
    init_scanner();
    (function(ParseOptions2) {
      ParseOptions2.DEFAULT = {
        allowTrailingComma: false
      };
    })(ParseOptions || (ParseOptions = {}));
  }
});

// node_modules/jsonc-parser/lib/esm/impl/edit.js
var init_edit = __esm({
  "node_modules/jsonc-parser/lib/esm/impl/edit.js"() {
    "use strict";
    init_format();
    init_parser();
  }
});

// node_modules/jsonc-parser/lib/esm/main.js
function printParseErrorCode(code) {
  switch (code) {
    case 1:
      return "InvalidSymbol";
    case 2:
      return "InvalidNumberFormat";
    case 3:
      return "PropertyNameExpected";
    case 4:
      return "ValueExpected";
    case 5:
      return "ColonExpected";
    case 6:
      return "CommaExpected";
    case 7:
      return "CloseBraceExpected";
    case 8:
      return "CloseBracketExpected";
    case 9:
      return "EndOfFileExpected";
    case 10:
      return "InvalidCommentToken";
    case 11:
      return "UnexpectedEndOfComment";
    case 12:
      return "UnexpectedEndOfString";
    case 13:
      return "UnexpectedEndOfNumber";
    case 14:
      return "InvalidUnicode";
    case 15:
      return "InvalidEscapeCharacter";
    case 16:
      return "InvalidCharacter";
  }
  return "<unknown ParseErrorCode>";
}
var ScanError, SyntaxKind, parseTree2, getNodeValue2, ParseErrorCode;
var init_main = __esm({
  "node_modules/jsonc-parser/lib/esm/main.js"() {
    "use strict";
    init_format();
    init_edit();
    init_scanner();
    init_parser();
    (function(ScanError2) {
      ScanError2[ScanError2["None"] = 0] = "None";
      ScanError2[ScanError2["UnexpectedEndOfComment"] = 1] = "UnexpectedEndOfComment";
      ScanError2[ScanError2["UnexpectedEndOfString"] = 2] = "UnexpectedEndOfString";
      ScanError2[ScanError2["UnexpectedEndOfNumber"] = 3] = "UnexpectedEndOfNumber";
      ScanError2[ScanError2["InvalidUnicode"] = 4] = "InvalidUnicode";
      ScanError2[ScanError2["InvalidEscapeCharacter"] = 5] = "InvalidEscapeCharacter";
      ScanError2[ScanError2["InvalidCharacter"] = 6] = "InvalidCharacter";
    })(ScanError || (ScanError = {}));
    (function(SyntaxKind2) {
      SyntaxKind2[SyntaxKind2["OpenBraceToken"] = 1] = "OpenBraceToken";
      SyntaxKind2[SyntaxKind2["CloseBraceToken"] = 2] = "CloseBraceToken";
      SyntaxKind2[SyntaxKind2["OpenBracketToken"] = 3] = "OpenBracketToken";
      SyntaxKind2[SyntaxKind2["CloseBracketToken"] = 4] = "CloseBracketToken";
      SyntaxKind2[SyntaxKind2["CommaToken"] = 5] = "CommaToken";
      SyntaxKind2[SyntaxKind2["ColonToken"] = 6] = "ColonToken";
      SyntaxKind2[SyntaxKind2["NullKeyword"] = 7] = "NullKeyword";
      SyntaxKind2[SyntaxKind2["TrueKeyword"] = 8] = "TrueKeyword";
      SyntaxKind2[SyntaxKind2["FalseKeyword"] = 9] = "FalseKeyword";
      SyntaxKind2[SyntaxKind2["StringLiteral"] = 10] = "StringLiteral";
      SyntaxKind2[SyntaxKind2["NumericLiteral"] = 11] = "NumericLiteral";
      SyntaxKind2[SyntaxKind2["LineCommentTrivia"] = 12] = "LineCommentTrivia";
      SyntaxKind2[SyntaxKind2["BlockCommentTrivia"] = 13] = "BlockCommentTrivia";
      SyntaxKind2[SyntaxKind2["LineBreakTrivia"] = 14] = "LineBreakTrivia";
      SyntaxKind2[SyntaxKind2["Trivia"] = 15] = "Trivia";
      SyntaxKind2[SyntaxKind2["Unknown"] = 16] = "Unknown";
      SyntaxKind2[SyntaxKind2["EOF"] = 17] = "EOF";
    })(SyntaxKind || (SyntaxKind = {}));
    parseTree2 = parseTree;
    getNodeValue2 = getNodeValue;
    (function(ParseErrorCode2) {
      ParseErrorCode2[ParseErrorCode2["InvalidSymbol"] = 1] = "InvalidSymbol";
      ParseErrorCode2[ParseErrorCode2["InvalidNumberFormat"] = 2] = "InvalidNumberFormat";
      ParseErrorCode2[ParseErrorCode2["PropertyNameExpected"] = 3] = "PropertyNameExpected";
      ParseErrorCode2[ParseErrorCode2["ValueExpected"] = 4] = "ValueExpected";
      ParseErrorCode2[ParseErrorCode2["ColonExpected"] = 5] = "ColonExpected";
      ParseErrorCode2[ParseErrorCode2["CommaExpected"] = 6] = "CommaExpected";
      ParseErrorCode2[ParseErrorCode2["CloseBraceExpected"] = 7] = "CloseBraceExpected";
      ParseErrorCode2[ParseErrorCode2["CloseBracketExpected"] = 8] = "CloseBracketExpected";
      ParseErrorCode2[ParseErrorCode2["EndOfFileExpected"] = 9] = "EndOfFileExpected";
      ParseErrorCode2[ParseErrorCode2["InvalidCommentToken"] = 10] = "InvalidCommentToken";
      ParseErrorCode2[ParseErrorCode2["UnexpectedEndOfComment"] = 11] = "UnexpectedEndOfComment";
      ParseErrorCode2[ParseErrorCode2["UnexpectedEndOfString"] = 12] = "UnexpectedEndOfString";
      ParseErrorCode2[ParseErrorCode2["UnexpectedEndOfNumber"] = 13] = "UnexpectedEndOfNumber";
      ParseErrorCode2[ParseErrorCode2["InvalidUnicode"] = 14] = "InvalidUnicode";
      ParseErrorCode2[ParseErrorCode2["InvalidEscapeCharacter"] = 15] = "InvalidEscapeCharacter";
      ParseErrorCode2[ParseErrorCode2["InvalidCharacter"] = 16] = "InvalidCharacter";
    })(ParseErrorCode || (ParseErrorCode = {}));
  }
});

// src/builder/overrides.ts
function tokenizeNix(text) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const beyond = (what) => {
    throw new SubsetStop(
      "beyond-subset",
      line,
      `uses ${what}, which the built-in reader does not evaluate`
    );
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "	" || c === "\r") {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const start = line;
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new SubsetStop("syntax", start, "unterminated /* comment");
      for (let k = i; k < end; k++) if (text[k] === "\n") line++;
      i = end + 2;
    } else if (c === "{" || c === "}" || c === "=" || c === ";") {
      if (c === "=" && text[i + 1] === "=") beyond("an expression (==)");
      tokens.push({ type: c, line });
      i++;
    } else if (c === '"') {
      const start = line;
      let value = "";
      i++;
      for (; ; ) {
        if (i >= text.length) throw new SubsetStop("syntax", start, "unterminated string");
        const d = text[i];
        if (d === '"') break;
        if (d === "$" && text[i + 1] === "{") beyond("string interpolation (${\u2026})");
        if (d === "\\") {
          const e = text[i + 1];
          value += e === "n" ? "\n" : e === "t" ? "	" : e === "r" ? "\r" : e ?? "";
          i += 2;
          continue;
        }
        if (d === "\n") line++;
        value += d;
        i++;
      }
      i++;
      tokens.push({ type: "string", text: value, line: start });
    } else if (c === "'" && text[i + 1] === "'") {
      beyond("an indented string ('')");
    } else if (c === "." && (text.startsWith("./", i) || text.startsWith("../", i)) || c === "/" && PATH_CHAR.test(text[i + 1] ?? "") && text[i + 1] !== "/") {
      let j = i;
      while (j < text.length && PATH_CHAR.test(text[j])) j++;
      const path8 = text.slice(i, j);
      if (path8.endsWith("/")) throw new SubsetStop("syntax", line, `path ${path8} ends with a slash`);
      tokens.push({ type: "path", text: path8, line });
      i = j;
    } else if (IDENT_START.test(c)) {
      let j = i;
      while (j < text.length && IDENT_CHAR.test(text[j])) j++;
      const word = text.slice(i, j);
      if (NIX_KEYWORDS.has(word)) beyond(`the Nix keyword '${word}'`);
      if (text[j] === "/" && /[A-Za-z0-9._-]/.test(text[j + 1] ?? ""))
        beyond("a path without ./ prefix");
      tokens.push({ type: "ident", text: word, line });
      i = j;
    } else {
      let j = i + 1;
      while (j < text.length && !/[\s{}=;"]/.test(text[j])) j++;
      tokens.push({ type: "other", text: text.slice(i, j), line });
      i = j;
    }
  }
  tokens.push({ type: "eof", line });
  return tokens;
}
function parseNixOverrides(text) {
  const header = FUNCTION_HEADER.exec(text);
  if (header) {
    return {
      ok: false,
      reason: "beyond-subset",
      line: header[0].split("\n").length,
      message: "is a function, which the built-in reader does not evaluate"
    };
  }
  try {
    const tokens = tokenizeNix(text);
    let at = 0;
    const next = () => tokens[at++];
    const peek = () => tokens[at];
    const describe = (t) => t.type === "eof" ? "end of file" : "text" in t ? `'${t.text}'` : `'${t.type}'`;
    const unexpected = (t, expected) => {
      if (t.type === "other" && !/^[)\]]/.test(t.text)) {
        throw new SubsetStop(
          "beyond-subset",
          t.line,
          `uses ${describe(t)}, which the built-in reader does not evaluate`
        );
      }
      throw new SubsetStop("syntax", t.line, `expected ${expected} but found ${describe(t)}`);
    };
    const expectToken = (type, expected, message, line) => {
      const t = next();
      if (t.type === type) return;
      if (t.type === "other") unexpected(t, expected);
      throw new SubsetStop("syntax", line ?? t.line, message(describe(t)));
    };
    const open2 = next();
    if (open2.type === "eof")
      throw new SubsetStop("syntax", open2.line, "the file has no attribute set");
    if (open2.type !== "{") unexpected(open2, "'{'");
    const entries = [];
    for (; ; ) {
      const t = next();
      if (t.type === "}") break;
      let name;
      if (t.type === "ident" || t.type === "string") name = t.text;
      else if (t.type === "eof")
        throw new SubsetStop("syntax", t.line, "missing '}' at the end of the attribute set");
      else return unexpected(t, "an attribute name or '}'");
      expectToken("=", "'='", (found) => `expected '=' after '${name}' but found ${found}`);
      const value = next();
      let parsed;
      if (value.type === "string") {
        parsed = value.text.startsWith("/") ? { kind: "path", path: value.text } : { kind: "version", version: value.text };
      } else if (value.type === "path") {
        parsed = { kind: "path", path: value.text };
      } else if (value.type === "eof" || value.type === ";" || value.type === "}") {
        throw new SubsetStop("syntax", value.line, `'${name}' has no value`);
      } else if (value.type === "ident") {
        throw new SubsetStop(
          "beyond-subset",
          value.line,
          `gives '${name}' the expression '${value.text}', which the built-in reader does not evaluate`
        );
      } else {
        return unexpected(value, "a version string or a path");
      }
      expectToken(";", "';'", () => `missing ';' after the value of '${name}'`, value.line);
      entries.push({ name, value: parsed, line: t.line });
    }
    const rest = peek();
    if (rest.type !== "eof") {
      if (rest.type === "other") unexpected(rest, "end of file");
      throw new SubsetStop(
        "syntax",
        rest.line,
        `unexpected ${describe(rest)} after the closing '}'`
      );
    }
    return { ok: true, entries };
  } catch (error) {
    if (error instanceof SubsetStop) {
      return { ok: false, reason: error.reason, line: error.line, message: error.message };
    }
    throw error;
  }
}
function lineAt(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
function planPackagesNode(root) {
  const properties = root.children ?? [];
  if (properties.length !== 1) return void 0;
  const [keyNode, valueNode] = properties[0].children ?? [];
  return keyNode?.value === "packages" && valueNode?.type === "array" ? valueNode : void 0;
}
function parsePlanJson(text, list) {
  const entries = [];
  for (const item of list.children ?? []) {
    const nameProperty = item.children?.find((c) => c.children?.[0]?.value === "name");
    const line = lineAt(text, (nameProperty ?? item).offset);
    const raw = getNodeValue2(item);
    const name = raw && typeof raw === "object" ? raw.name : void 0;
    if (typeof name !== "string" || typeof raw?.version !== "string" && typeof raw?.path !== "string") {
      return {
        ok: false,
        reason: "syntax",
        line,
        message: 'each package needs "name" and "version" or "path"'
      };
    }
    const value = typeof raw.version === "string" ? { kind: "version", version: raw.version } : { kind: "path", path: raw.path };
    entries.push({ name, value, line });
  }
  return { ok: true, entries };
}
function parseJsonOverrides(text) {
  const errors = [];
  const root = parseTree2(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const [first] = errors;
    return {
      ok: false,
      reason: "syntax",
      line: lineAt(text, first.offset),
      message: `invalid JSON: ${JSON_ERRORS[first.error] ?? printParseErrorCode(first.error)}`,
      hint: first.error === 10 ? JSON_COMMENT_HINT : "fix the JSON; nothing was built"
    };
  }
  if (!root || root.type !== "object") {
    return {
      ok: false,
      reason: "syntax",
      line: 1,
      message: "expected a JSON object of package name to version"
    };
  }
  const planList = planPackagesNode(root);
  if (planList) return parsePlanJson(text, planList);
  const entries = [];
  for (const property of root.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    const key = keyNode.value;
    const line = lineAt(text, keyNode.offset);
    const raw = valueNode ? getNodeValue2(valueNode) : void 0;
    let value;
    if (typeof raw === "string") {
      value = raw.startsWith("/") ? { kind: "path", path: raw } : { kind: "version", version: raw };
    } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
      const fields = raw;
      if (typeof fields.path === "string") value = { kind: "path", path: fields.path };
      else if (typeof fields.version === "string")
        value = { kind: "version", version: fields.version };
    }
    if (!value) {
      return {
        ok: false,
        reason: "syntax",
        line,
        message: `'${key}' must be a version string, {"version": "\u2026"} or {"path": "./dir"}`
      };
    }
    entries.push({ name: key, value, line });
  }
  return { ok: true, entries };
}
function findAttributeLine(text, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const match = new RegExp(`(^|[\\s{;])("${escaped}"|${escaped})\\s*=`, "m").exec(text);
  return match ? lineAt(text, match.index + match[1].length) : 0;
}
var SubsetStop, NIX_KEYWORDS, PATH_CHAR, IDENT_START, IDENT_CHAR, FUNCTION_HEADER, JSON_COMMENT_HINT, JSON_ERRORS;
var init_overrides = __esm({
  "src/builder/overrides.ts"() {
    "use strict";
    init_main();
    SubsetStop = class extends Error {
      constructor(reason, line, message) {
        super(message);
        this.reason = reason;
        this.line = line;
      }
      reason;
      line;
    };
    NIX_KEYWORDS = /* @__PURE__ */ new Set([
      "let",
      "in",
      "rec",
      "with",
      "inherit",
      "if",
      "then",
      "else",
      "assert",
      "or"
    ]);
    PATH_CHAR = /[A-Za-z0-9._+\-/]/;
    IDENT_START = /[A-Za-z_]/;
    IDENT_CHAR = /[A-Za-z0-9_'-]/;
    FUNCTION_HEADER = /^(?:\s|#[^\n]*\n)*(?:[A-Za-z_][\w'-]*\s*:(?!\/)|[A-Za-z_][\w'-]*\s*@\s*\{|\{[^{}=;]*\}\s*(?:@\s*[A-Za-z_][\w'-]*\s*)?:)/;
    JSON_COMMENT_HINT = "JSON has no comments: remove them, or write the overrides as a .nix file, where # comments are fine";
    JSON_ERRORS = {
      1: "invalid symbol",
      2: "invalid number",
      3: "expected a property name",
      4: "expected a value",
      5: "expected ':'",
      6: "expected ','",
      7: "expected '}'",
      8: "expected ']'",
      9: "expected end of file",
      10: "comments are not allowed in JSON",
      12: "unterminated string"
    };
  }
});

// src/common/nix-output.ts
function stripTerminalCodes(text) {
  return text.replace(TERMINAL_CODES, "");
}
function nixEvaluationError(stderr, file) {
  const lines = stripTerminalCodes(stderr).split("\n");
  let index = lines.findIndex((l) => /^\s*error:\s*\S/.test(l));
  if (index < 0) index = lines.findIndex((l) => l.trim() !== "" && !/^\s*error:\s*$/.test(l));
  const message = index >= 0 ? lines[index] : "unknown error";
  const at = new RegExp(`\\bat ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):\\d+`);
  const lineAt2 = (l) => Number(at.exec(l)?.[1] ?? 0);
  const after = lines.slice(Math.max(index, 0)).map(lineAt2).find((n) => n > 0);
  const before = lines.slice(0, Math.max(index, 0)).map(lineAt2).filter((n) => n > 0).pop();
  return {
    message: message.trim().replace(/^error:\s*/, "").replace(/^some-cabal2nix:\s*/, ""),
    line: after ?? before ?? 0
  };
}
var TERMINAL_CODES;
var init_nix_output = __esm({
  "src/common/nix-output.ts"() {
    "use strict";
    TERMINAL_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
  }
});

// src/builder/plan.ts
import { readFile as readFile3, readdir as readdir4, stat as stat4 } from "node:fs/promises";
import path4 from "node:path";
function hackagePackages(plan) {
  return plan.packages.flatMap(
    (p) => p.source === "hackage" ? [{ name: p.name, version: p.version }] : []
  );
}
function planToJson(plan) {
  return {
    packages: plan.packages.map(
      (p) => p.source === "hackage" ? { name: p.name, version: p.version } : { name: p.name, path: p.path }
    )
  };
}
function relativePath(fromDir, target) {
  const relative = path4.relative(fromDir, target).split(path4.sep).join("/");
  if (relative === "") return ".";
  return relative === ".." || relative.startsWith("../") ? relative : `./${relative}`;
}
function overridesError(file, line, message, hint) {
  return new BatchError("overrides", `${file}${line > 0 ? `:${line}` : ""}: ${message}`, { hint });
}
function firstInvalidUtf8Line(bytes) {
  let line = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10) line++;
    if (b < 128) continue;
    const length = b >= 240 && b < 245 ? 4 : b >= 224 ? 3 : b >= 194 && b < 224 ? 2 : 0;
    if (length === 0) return line;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 192) !== 128) return line;
    i += length - 1;
  }
  return line;
}
async function checkInputFile(file, what) {
  let info;
  try {
    info = await stat4(file);
  } catch {
    throw overridesError(file, 0, `${what.name} file not found`, what.missingHint);
  }
  if (!info.isFile()) throw overridesError(file, 0, "not a regular file");
  if (info.size > MAX_OVERRIDES_BYTES) {
    throw overridesError(
      file,
      0,
      `file is ${(info.size / 1048576).toFixed(1)} MB; an ${what.name} file is expected to be a few KB`,
      "is this the right file?"
    );
  }
}
async function readOverridesText(file) {
  await checkInputFile(file, {
    name: "overrides",
    missingHint: "pass the file with --overrides (or the action input overrides-file)"
  });
  const bytes = await readFile3(file);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw overridesError(
      file,
      firstInvalidUtf8Line(bytes),
      "the file is not valid UTF-8",
      "save it as UTF-8"
    );
  }
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "")
    throw overridesError(
      file,
      0,
      "the overrides file is empty",
      'write { package-name = "version"; } or the JSON form'
    );
  if (bytes[0] === 239 && bytes[1] === 187 && bytes[2] === 191 && !isJsonFile(file, text))
    throw overridesError(
      file,
      1,
      "the file starts with a byte order mark (BOM), which Nix cannot read",
      "save it as UTF-8 without a BOM"
    );
  return text;
}
function isJsonFile(file, text) {
  return file.endsWith(".json") || /^\s*\{\s*("|\}\s*$)/.test(text) && !/^\s*\{\s*"[^"]*"\s*=/.test(text);
}
async function evaluateWithNix(file, text, nixInstantiate) {
  const absolute = path4.resolve(file);
  const result = await runCommand(nixInstantiate, [
    "--eval",
    "--strict",
    "--json",
    // Newer Nix shows where an error happened only in the trace.
    "--show-trace",
    "--argstr",
    "file",
    absolute,
    "--expr",
    EVALUATE_OVERRIDES
  ]);
  if (result.code !== 0) {
    const failure = nixEvaluationError(result.stderr, absolute);
    return {
      ok: false,
      reason: "syntax",
      line: failure.line,
      message: `Nix could not evaluate it: ${failure.message}`
    };
  }
  const data = JSON.parse(result.stdout.toString("utf8"));
  const entries = [];
  for (const [name, raw] of Object.entries(data)) {
    const line = findAttributeLine(text, name);
    if (typeof raw === "string") {
      entries.push({
        name,
        line,
        value: raw.startsWith("/") ? { kind: "path", path: raw } : { kind: "version", version: raw }
      });
    } else if (raw && typeof raw === "object" && typeof raw.path === "string") {
      const nixPath = raw.path;
      entries.push({
        name,
        line,
        value: { kind: "path", path: relativePath(path4.dirname(absolute), nixPath) }
      });
    } else {
      const type = raw?.unsupported ?? typeof raw;
      return {
        ok: false,
        reason: "syntax",
        line,
        message: `'${name}' evaluates to a ${type}; expected a version string or a path`
      };
    }
  }
  return { ok: true, entries };
}
async function parseOverrides(file, text, options) {
  if (isJsonFile(file, text)) {
    const parsed2 = parseJsonOverrides(text);
    if (!parsed2.ok) throw overridesError(file, parsed2.line, parsed2.message, parsed2.hint);
    return parsed2.entries;
  }
  let parsed = parseNixOverrides(text);
  if (!parsed.ok && parsed.reason === "beyond-subset") {
    const nix = options.nixInstantiate ?? "nix-instantiate";
    if (nix && await commandExists(nix)) {
      parsed = await evaluateWithNix(file, text, nix);
    } else {
      throw overridesError(
        file,
        parsed.line,
        parsed.message,
        'write a plain attribute set ({ name = "1.2.3"; local = ./dir; }), or install Nix so the file can be evaluated'
      );
    }
  }
  if (!parsed.ok) {
    throw overridesError(
      file,
      parsed.line,
      parsed.message,
      'expected { package-name = "version"; local-package = ./path; }'
    );
  }
  return parsed.entries;
}
async function localPackageProblem(absolutePath) {
  let names;
  try {
    const info = await stat4(absolutePath);
    if (!info.isDirectory()) return "is not a directory";
    names = await readdir4(absolutePath);
  } catch {
    return "does not exist";
  }
  if (!names.some((n) => n.endsWith(".cabal") || n === "package.yaml"))
    return "has no .cabal file or package.yaml";
  return void 0;
}
async function validateEntries(file, entries) {
  const problems = [];
  const seen = /* @__PURE__ */ new Map();
  const packages = [];
  const baseDir = path4.dirname(path4.resolve(file));
  for (const entry of entries) {
    const where = (message) => problems.push({ line: entry.line, text: message });
    const previous = seen.get(entry.name);
    if (previous !== void 0) {
      where(`'${entry.name}' is listed twice${previous > 0 ? ` (first on line ${previous})` : ""}`);
      continue;
    }
    seen.set(entry.name, entry.line);
    if (!isValidPackageName(entry.name)) {
      where(
        `'${entry.name}' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)`
      );
      continue;
    }
    if (entry.value.kind === "version") {
      if (!isValidVersion(entry.value.version)) {
        where(
          `'${entry.name}': "${entry.value.version}" is not a valid version (numbers separated by dots, like "2.2.3.0")`
        );
        continue;
      }
      packages.push({ name: entry.name, source: "hackage", version: entry.value.version });
    } else {
      const absolutePath = path4.resolve(baseDir, entry.value.path);
      const problem = await localPackageProblem(absolutePath);
      if (problem) {
        where(`'${entry.name}': local package ${entry.value.path} ${problem}`);
        continue;
      }
      packages.push({ name: entry.name, source: "local", path: entry.value.path, absolutePath });
    }
  }
  if (problems.length > 0) {
    const [first, ...rest] = problems;
    throw new BatchError(
      "overrides",
      `${file}${first.line > 0 ? `:${first.line}` : ""}: ${first.text}`,
      {
        details: rest.map((p) => `${file}${p.line > 0 ? `:${p.line}` : ""}: ${p.text}`),
        hint: "fix the overrides file; nothing was built"
      }
    );
  }
  packages.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { overridesFile: file, packages };
}
async function planFromOverrides(file, options = {}) {
  const text = await readOverridesText(file);
  const entries = await parseOverrides(file, text, options);
  const plan = await validateEntries(file, entries);
  if (plan.packages.length === 0) throw noPackagesError(file);
  return plan;
}
function noPackagesError(file) {
  return overridesError(
    file,
    0,
    "no packages to build",
    'add at least one package, e.g. { aeson = "2.2.3.0"; }'
  );
}
var MAX_OVERRIDES_BYTES, EVALUATE_OVERRIDES;
var init_plan = __esm({
  "src/builder/plan.ts"() {
    "use strict";
    init_errors();
    init_hackage();
    init_overrides();
    init_nix_output();
    init_process();
    MAX_OVERRIDES_BYTES = 1024 * 1024;
    EVALUATE_OVERRIDES = `{ file }:
let
  value = import (/. + file);
  # A function header ({ pkgs }: { \u2026 }, pkgs: { \u2026 }): an argument the file really uses is an error
  # naming it; one it only declares costs nothing.
  missing = what: throw "the overrides file uses \${what}, which an overrides file read on its own does not have";
  formals = builtins.functionArgs value;
  args = builtins.mapAttrs (n: _: missing "its argument '\${n}'") (builtins.removeAttrs formals (builtins.filter (n: formals.\${n}) (builtins.attrNames formals)));
  attrs = if !(builtins.isFunction value) then value else if formals == { } then value (missing "its argument") else value args;
  describe = x:
    if builtins.isPath x then { path = toString x; }
    else if builtins.isString x then x
    else { unsupported = builtins.typeOf x; };
in builtins.mapAttrs (_: describe) attrs`;
  }
});

// src/builder/overlay-evaluator.ts
var EVALUATE_OVERLAY;
var init_overlay_evaluator = __esm({
  "src/builder/overlay-evaluator.ts"() {
    "use strict";
    EVALUATE_OVERLAY = `# request: JSON { mode = "names" | "describe" | "children"; addresses = [ [ attr \u2026 ] \u2026 ]; flag = bool; }
{ file, request }:
let
  inherit (builtins)
    attrNames
    concatMap
    elemAt
    filter
    foldl'
    functionArgs
    hasContext
    head
    isAttrs
    isFunction
    isList
    isPath
    isString
    length
    listToAttrs
    match
    stringLength
    substring
    tail
    trace
    tryEval
    typeOf
    ;
  req = builtins.fromJSON request;
  flagValue = req.flag or false;
  path = /. + file;
  dir = dirOf path;

  hasPrefix = p: s: substring 0 (stringLength p) s == p;
  hasSuffix =
    x: s:
    let
      n = stringLength s;
      m = stringLength x;
    in
    n >= m && substring (n - m) m s == x;

  # Identifiers of the overlay and the Nix files beside it: every one is an attribute of the
  # stand-ins, so \`super.foo.override { \u2026 }\` or \`pkgs.zlib\` evaluate without nixpkgs.
  siblings =
    let
      entries = builtins.readDir dir;
    in
    filter (n: entries.\${n} == "regular" && hasSuffix ".nix" n) (attrNames entries);
  texts = [ (builtins.readFile path) ] ++ map (n: builtins.readFile (dir + "/\${n}")) siblings;
  words = foldl' (acc: w: acc // { \${w} = null; }) { } (
    concatMap (
      text: filter (w: isString w && match "[A-Za-z_][A-Za-z0-9_'-]*" w != null) (builtins.split "[^A-Za-z0-9_'-]+" text)
    ) texts
  );
  forWords = f: builtins.mapAttrs (w: _: f w) words;

  # Path literals of the overlay, resolved: the directories "\${./foo}" may have been made from.
  literalDirs = filter (p: builtins.pathExists p) (
    map (m: dir + "/\${head m}") (
      filter isList (builtins.split "(\\\\.\\\\.?(/[A-Za-z0-9._+-]+)*/?)[[:space:];)}]" (head texts))
    )
  );

  # One evaluation of the overlay per attribute: fresh thunks, so every read of an unknown value
  # is reported for the attribute that made it.
  evaluationFor =
    _index:
    let
      # Values the overlay reads that drop-in mode cannot know: each read is reported (a trace line the
      # planner collects per attribute), so a plan that depends on one says so.
      unknown = label: value: trace "some-cabal2nix-read \${label}" value;
      isFlagName = w: match "(is|has|enable|use|with|do)[A-Z0-9].*" w != null;
      unknownNames = [
        "version"
        "system"
        "config"
        "haskellCompilerName"
        "compilerName"
      ];

      standInRoot = "/some-cabal2nix-stand-in";
      marker = "__someCabal2nixStandIn";
      isStandIn = v: isAttrs v && v ? \${marker};
      hasCall = v: isStandIn v && v.call != null;

      # A stand-in for anything of nixpkgs: every word is an attribute (itself a stand-in), flags read
      # as unknown booleans, and applied to anything it hands back the package it was given (or itself),
      # which covers haskell.lib wrappers in both argument orders (\`dontCheck drv\`,
      # \`overrideCabal drv f\`, \`compose.appendPatch p drv\`).
      mkStandIn =
        label: call:
        let
          self =
            forWords (
              w:
              if isFlagName w then
                unknown "\${label}.\${w}" flagValue
              else if builtins.elem w unknownNames then
                unknown "\${label}.\${w}" "0"
              else
                mkStandIn "\${label}.\${w}" null
            )
            // {
              \${marker} = true;
              inherit call;
              pname = label;
              name = label;
              outPath = "\${standInRoot}/\${label}";
              passthru = { };
              meta = { };
              env = self;
              override = _: self;
              overrideAttrs = _: self;
              overrideDerivation = _: self;
              __functor = s: a: if isStandIn a && (a.call != null || s.call == null) then a else s;
            };
        in
        self;

      fetcherOf =
        s:
        let
          rest = substring (stringLength standInRoot + 1) (stringLength s) s;
        in
        head (builtins.split "[/.]" rest);

      hackage = name: version: mkStandIn name { kind = "hackage"; inherit name version; };
      unsupported = name: reason: mkStandIn name { kind = "unsupported"; inherit name reason; };

      # "\${./foo}" is a store path with context: find the path literal it was made from.
      fromStore =
        s:
        let
          plain = builtins.unsafeDiscardStringContext s;
          storeDir = builtins.storeDir;
          afterStore = substring (stringLength storeDir + 1) (stringLength plain) plain;
          storePart = "\${storeDir}/\${head (builtins.split "/" afterStore)}";
          subPath = substring (stringLength storePart) (stringLength plain) plain;
          found = filter (d: "\${d}" == storePart) literalDirs;
        in
        if hasPrefix "\${storeDir}/" plain && found != [ ] then toString (head found) + subPath else null;

      local =
        name: src: opts:
        let
          options =
            if isString opts then
              opts
            else if isAttrs opts then
              opts.extraCabal2nixOptions or ""
            else
              "";
          source = if isAttrs src && !(isStandIn src) && src ? origSrc then src.origSrc else src;
          text = if isStandIn source then null else if isPath source then toString source else if isString source then source else null;
          dir =
            if text == null || hasPrefix standInRoot text then
              null
            else if hasContext text then
              fromStore text
            else if hasPrefix "/" text then
              text
            else
              null;
        in
        if options != "" then
          unsupported name "cabal2nix options (\${options}) are not passed to the batch"
        else if isAttrs opts && opts ? srcModifier then
          unsupported name "srcModifier is not applied by the batch"
        else if isStandIn source then
          unsupported name "its source is fetched or built (\${source.name}), not a local directory; only Hackage versions and local paths are batched"
        else if text != null && hasPrefix standInRoot text then
          unsupported name "its source is a directory inside a fetched source (\${fetcherOf text}), not a local directory; only Hackage versions and local paths are batched"
        else if dir == null && text != null && hasContext text then
          unsupported name "its source is a store path drop-in mode cannot trace back to a directory of the repository; only Hackage versions and local paths are batched"
        else if dir == null then
          unsupported name "its source is not a local directory (a \${typeOf src}); only Hackage versions and local paths are batched"
        else
          mkStandIn name {
            kind = "local";
            inherit name;
            path = dir;
          };

      # Source filters: the batch reads only *.cabal and package.yaml, so the directory is what counts.
      sources = {
        cleanSource = src: src;
        cleanSourceWith = { src, ... }: src;
        sourceByRegex = src: _: src;
        sourceFilesBySuffices = src: _: src;
        cleanSourceFilter = _: _: true;
      };
      fileset = {
        toSource = { root, ... }: root;
        unions = _: null;
        union = _: _: null;
        intersection = _: _: null;
        difference = _: _: null;
        maybeMissing = p: p;
        gitTracked = p: p;
        fileFilter = _: p: p;
        fromSource = p: p;
      };
      nix-gitignore = {
        gitignoreSource = _: src: src;
        gitignoreSourcePure = _: src: src;
        gitignoreFilter = _: _: _: true;
        gitignoreFilterPure = _: _: _: _: true;
      };

      composeExtensions =
        f: g: final: prev:
        let
          fApplied = f final prev;
        in
        fApplied // g final (prev // fApplied);
      lib =
        forWords (w: mkStandIn "lib.\${w}" null)
        // builtins
        // sources
        // {
          inherit sources fileset composeExtensions;
          id = x: x;
          const = x: _: x;
          flip =
            f: a: b:
            f b a;
          pipe = foldl' (x: f: f x);
          optional = c: x: if c then [ x ] else [ ];
          optionals = c: xs: if c then xs else [ ];
          optionalAttrs = c: a: if c then a else { };
          genAttrs =
            names: f:
            listToAttrs (
              map (n: {
                name = n;
                value = f n;
              }) names
            );
          mapAttrs' = f: s: listToAttrs (map (n: f n s.\${n}) (attrNames s));
          nameValuePair = name: value: { inherit name value; };
          filterAttrs =
            p: s:
            listToAttrs (
              concatMap (
                n:
                if p n s.\${n} then
                  [
                    {
                      name = n;
                      value = s.\${n};
                    }
                  ]
                else
                  [ ]
              ) (attrNames s)
            );
          foldr =
            op: nul: list:
            foldl' (acc: x: op x acc) nul (builtins.genList (i: elemAt list (length list - 1 - i)) (length list));
          recursiveUpdate = a: b: a // b;
          composeManyExtensions = foldl' composeExtensions (_: _: { });
          fix =
            f:
            let
              x = f x;
            in
            x;
          extends =
            f: rattrs: self:
            let
              super = rattrs self;
            in
            super // f self super;
          versionAtLeast = a: b: builtins.compareVersions a b >= 0;
          versionOlder = a: b: builtins.compareVersions a b < 0;
          attrByPath =
            p: d: s:
            if p == [ ] then
              s
            else if isAttrs s && s ? \${head p} then
              lib.attrByPath (tail p) d s.\${head p}
            else
              d;
          getAttrFromPath = p: s: lib.attrByPath p null s;
          mkDefault = x: x;
          mkForce = x: x;
        };

      # What the overlay may be handed: nixpkgs, its haskell package sets, haskell.lib. One value plays
      # pkgs, self and super alike, and a package set's override / extend / overrideScope records the
      # overlay it is given (a nixpkgs-level overlay that sets haskellPackages or haskell.packages.*).
      packageSetWith =
        inner:
        let
          overridesOf =
            a:
            let
              args = if isFunction a then a { overrides = _: _: { }; } else a;
            in
            if isAttrs args && args ? overrides then [ args.overrides ] else [ ];
        in
        base
        // {
          __someCabal2nixInnerOverlays = inner;
          override = a: packageSetWith (inner ++ overridesOf a);
          extend = g: packageSetWith (inner ++ [ g ]);
          overrideScope = g: packageSetWith (inner ++ [ g ]);
          "overrideScope'" = g: packageSetWith (inner ++ [ g ]);
        };
      world = packageSetWith [ ];

      haskellLib =
        forWords (w: mkStandIn "haskell.lib.\${w}" null)
        // {
          inherit packageSourceOverrides;
          compose = forWords (w: mkStandIn "haskell.lib.compose.\${w}" null) // {
            inherit packageSourceOverrides;
          };
        };
      packageSourceOverrides =
        overrides: self: _:
        builtins.mapAttrs (
          n: v:
          let
            p = if isAttrs v && v ? outPath then v.outPath else v;
          in
          if isPath p || (isString p && hasPrefix "/" p) then self.callCabal2nix n v { } else self.callHackage n v { }
        ) overrides;

      # callPackage with automatic arguments: nixpkgs' names from the stand-ins, defaults never needed.
      autoArgs = formals: builtins.mapAttrs (n: _: known.\${n} or world.\${n} or (mkStandIn n null)) formals;
      callPackage =
        fn: args:
        let
          f = if isFunction fn || (isAttrs fn && fn ? __functor) then fn else importStandIn fn;
        in
        if isFunction f then f (autoArgs (functionArgs f) // args) else f;

      calls = {
        callHackage = name: version: _: hackage name version;
        callHackageDirect = { pkg, ver, ... }: _: hackage pkg ver;
        callCabal2nix = name: src: _: local name src "";
        callCabal2nixWithOptions = name: src: opts: _: local name src opts;
        inherit callPackage packageSourceOverrides;
        mkDerivation = args: mkStandIn (args.pname or "package") null;
      };

      base =
        forWords (w: mkStandIn w null)
        // calls
        // {
          inherit lib nix-gitignore;
          haskell = {
            lib = haskellLib;
            packages = forWords (_: world);
            compiler = forWords (w: mkStandIn "haskell.compiler.\${w}" null);
            packageOverrides = _: _: { };
          };
          haskellPackages = world;
          buildPackages = world;
          pkgsBuildBuild = world;
          pkgsBuildHost = world;
          pkgs = world;
          gitignoreSource = src: src;
          ghc = mkStandIn "ghc" null;
          stdenv = mkStandIn "stdenv" null;
          system = unknown "system" "unknown-system";
        };

      # The overlay's file sees these instead of the real builtins: fetchers and <nixpkgs> give
      # stand-ins (nothing from NIX_PATH or the network), builtins.path keeps the directory it names,
      # and imports are read with the same scope.
      fetched = name: _: mkStandIn name null;
      foundMarker = "__someCabal2nixFound";
      importStandIn =
        x:
        if isAttrs x && x ? \${foundMarker} then
          (if x.\${foundMarker} == "lib" then lib else (_: world))
        else if isStandIn x then
          (_: world)
        else
          builtins.scopedImport scope x;
      scope = {
        import = importStandIn;
        __findFile = _: name: { \${foundMarker} = if hasSuffix "/lib" name then "lib" else name; };
        fetchTarball = fetched "fetchTarball";
        fetchGit = fetched "fetchGit";
        builtins = builtins // {
          import = importStandIn;
          path = { path, ... }: path;
          filterSource = _: src: src;
          fetchTarball = fetched "fetchTarball";
          fetchGit = fetched "fetchGit";
          fetchurl = fetched "fetchurl";
          fetchTree = fetched "fetchTree";
          getFlake = _: { outputs = world; };
        };
      };

      known = {
        inherit lib haskellLib nix-gitignore;
        inherit (world) haskell;
        pkgs = world;
        nixpkgs = world;
        self = world;
        super = world;
        final = world;
        prev = world;
        hself = world;
        hsuper = world;
        hlib = haskellLib;
        hl = haskellLib;
      };
      # Every formal gets a value, so no default is evaluated that is not needed; one that is neither
      # a known name nor has a default is an unknown value, reported where it is read.
      argsFor =
        formals:
        builtins.mapAttrs (
          n: hasDefault:
          known.\${n} or (
            if isFlagName n then unknown "argument \${n}" flagValue else unknown "argument \${n}" (mkStandIn n null)
          )
        ) (builtins.removeAttrs formals (filter (n: formals.\${n} && !(known ? \${n})) (attrNames formals)));

      # self: super: { \u2026 }, final: prev: { \u2026 }, { pkgs, \u2026 }: self: super: { \u2026 }, pkgs: self: super: \u2026,
      # { haskellLib, self, super }: { \u2026 }, or lists of those (pkgs: [ \u2026 ] too).
      run =
        depth: f:
        if depth > 5 then
          throw "some-cabal2nix: the overlay is nested more than five functions deep"
        else if isList f then
          foldl' (acc: g: acc // run depth g) { } f
        else if isAttrs f && !(f ? __functor) then
          if depth == 0 then
            throw "some-cabal2nix: expected a haskellPackages overlay (self: super: { \u2026 }), found a set"
          else
            f
        else if !(isFunction f || isAttrs f) then
          throw "some-cabal2nix: expected a haskellPackages overlay (self: super: { \u2026 }), found a \${typeOf f}"
        else if isFunction f && functionArgs f != { } then
          run (depth + 1) (f (argsFor (functionArgs f)))
        else
          run (depth + 1) (f world);

      overlay = importStandIn path;
      applied = run 0 overlay;

      # The overlays a nixpkgs-level attribute hands a haskell package set, if any.
      innerOverlaysOf =
        depth: v:
        if isAttrs v && v ? __someCabal2nixInnerOverlays then
          v.__someCabal2nixInnerOverlays
        else if depth < 3 && isAttrs v && !(isStandIn v) && !(v ? outPath) then
          (if v ? packageOverrides && isFunction v.packageOverrides then [ v.packageOverrides ] else [ ])
          ++ concatMap (n: if n == "packageOverrides" then [ ] else innerOverlaysOf (depth + 1) v.\${n}) (attrNames v)
        else
          [ ];
      innerAttributes = v: foldl' (acc: g: acc // run 1 g) { } (innerOverlaysOf 0 v);

      valueAt =
        address: foldl' (v: n: (innerAttributes v).\${n}) applied.\${head address} (tail address);

      describe =
        address:
        let
          attribute = builtins.concatStringsSep "." address;
          v = tryEval (valueAt address);
          inner = innerOverlaysOf 0 v.value;
        in
        if !v.success then
          [
            {
              inherit attribute;
              kind = "unsupported";
              reason = "evaluating it failed (throw or assert)";
            }
          ]
        else if hasCall v.value then
          [ (v.value.call // { inherit attribute; }) ]
        else if isAttrs v.value && inner != [ ] then
          concatMap (n: describe (address ++ [ n ])) (attrNames (innerAttributes v.value))
        else
          [ ];

    in
    {
      inherit applied valueAt innerAttributes describe;
    };

  described = foldl' (
    acc: address:
    let
      records = (evaluationFor (length acc)).describe address;
      caught = tryEval (builtins.deepSeq records records);
      result =
        if caught.success then
          { records = caught.value; }
        else
          {
            records = [
              {
                attribute = builtins.concatStringsSep "." address;
                kind = "unsupported";
                reason = "evaluating it failed (throw or assert)";
              }
            ];
          };
    in
    trace "some-cabal2nix-begin \${toString (length acc)}" (builtins.deepSeq result (acc ++ [ result ]))
  ) [ ] req.addresses;
in
let
  top = evaluationFor 0;
in
if req.mode == "names" then
  (if !(isAttrs top.applied) then throw "some-cabal2nix: the overlay returned a \${typeOf top.applied}, not an attribute set" else attrNames top.applied)
else if req.mode == "children" then
  map (address: attrNames (top.innerAttributes (top.valueAt address))) req.addresses
else
  described
`;
  }
});

// src/builder/overlay-plan.ts
var overlay_plan_exports = {};
__export(overlay_plan_exports, {
  evaluateOverlay: () => evaluateOverlay,
  planFromOverlay: () => planFromOverlay
});
import { readFile as readFile4 } from "node:fs/promises";
import path6 from "node:path";
function unique(values) {
  return [...new Set(values)];
}
function isFlagRead(label) {
  return /(^|[. ])(is|has|enable|use|with|do)[A-Z0-9][^.]*$/.test(label);
}
function describeRead(label) {
  const what = label.startsWith("argument ") ? `the argument '${label.slice(9)}'` : label;
  if (isFlagRead(label)) return `${what} (taken as false)`;
  if (label.startsWith("argument "))
    return `${what} (taken as equal to no value it is compared with)`;
  return `${what} (taken as "0")`;
}
function describeCalls(records) {
  const calls = records.filter((r) => r.kind !== "unsupported");
  if (calls.length === 0) return NO_CALL;
  return calls.map((r) => r.kind === "hackage" ? `${r.name} ${r.version}` : `${r.name} (local)`).join(", ");
}
async function evaluateOverlay(file, options = {}) {
  await checkInputFile(file, {
    name: "overlay",
    missingHint: "pass the haskellPackages overlay with --overlay FILE"
  });
  const nix = options.nixInstantiate ?? "nix-instantiate";
  if (!await commandExists(nix)) {
    throw new BatchError(
      "nix",
      `drop-in mode evaluates the overlay with Nix, and '${nix}' could not be run`,
      {
        hint: "install Nix (nix-instantiate on PATH), or list the packages in an overrides file and use --overrides"
      }
    );
  }
  const evaluator = new OverlayEvaluator(file, nix, options.timeoutMs ?? 6e4);
  const { names, reads } = await evaluator.names();
  const assumptions = reads.map((label) => ({
    attribute: "",
    text: `the whole overlay depends on ${describeRead(label)}`
  }));
  const overlayWide = new Set(reads);
  const outcomes = (await evaluator.describe(names.map((n) => [n]))).map((o) => ({
    ...o,
    reads: o.reads.filter((r) => !overlayWide.has(r))
  }));
  const calls = [];
  const dependent = outcomes.filter((o) => o.reads.length > 0 && o.records.length > 0);
  const flipped = new Map(
    (await evaluator.describe(
      dependent.filter((o) => o.reads.some(isFlagRead)).map((o) => o.address),
      true
    )).map((o) => [o.address.join("."), o])
  );
  for (const outcome of outcomes) {
    calls.push(...outcome.records);
    if (outcome.reads.length === 0 || outcome.records.length === 0) continue;
    const attribute = outcome.address.join(".");
    const other = flipped.get(attribute);
    const taken = describeCalls(outcome.records);
    const unknowns = outcome.reads.map(describeRead).join(", ");
    if (other ? describeCalls(other.records) === taken : taken === NO_CALL) continue;
    let text = `depends on ${unknowns}, which drop-in mode cannot know: the plan takes ${taken}`;
    if (other) {
      const known = new Set(outcome.records.map((r) => r.name));
      const added = other.records.filter(
        (r) => r.kind === "hackage" && r.name !== void 0 && !known.has(r.name)
      );
      calls.push(...added.map((r) => ({ ...r, attribute: `${attribute} (other branch)` })));
      text += added.length > 0 ? `; with the flags true it is ${describeCalls(other.records)}, also in the batch` : `; with the flags true it would be ${describeCalls(other.records)}, left to nixpkgs`;
    }
    assumptions.push({ attribute, text });
  }
  return { names, calls, assumptions };
}
async function planFromOverlay(file, options = {}) {
  const { names, calls, assumptions } = await evaluateOverlay(file, options);
  const text = await readFile4(file, "utf8");
  const lineOf = (attribute) => findAttributeLine(
    text,
    attribute.replace(/ \(other branch\)$/, "").split(".").pop() ?? attribute
  );
  const absolute = path6.resolve(file);
  const skipped = [];
  const ordered = [...calls].sort(
    (a, b) => Number(b.attribute === b.name) - Number(a.attribute === a.name)
  );
  const chosen = /* @__PURE__ */ new Map();
  for (const call of ordered) {
    if (call.kind === "unsupported") {
      skipped.push({
        attribute: call.attribute,
        name: call.name,
        reason: call.reason ?? "not supported"
      });
      continue;
    }
    const name = call.name;
    const previous = chosen.get(name);
    if (!previous) {
      chosen.set(name, call);
    } else if (previous.version !== call.version || previous.path !== call.path) {
      skipped.push({
        attribute: call.attribute,
        name,
        reason: `another ${name} (attribute '${previous.attribute}') is already in the batch`
      });
    }
  }
  if (chosen.size === 0) {
    throw overridesError(file, 0, noCallMessage(skipped, names), UNDERSTOOD);
  }
  const entries = [...chosen.values()].sort((a, b) => lineOf(a.attribute) - lineOf(b.attribute)).map((call) => ({
    name: call.name,
    line: lineOf(call.attribute),
    value: call.kind === "hackage" ? { kind: "version", version: String(call.version) } : { kind: "path", path: relativePath(path6.dirname(absolute), call.path) }
  }));
  skipped.sort((a, b) => a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0);
  const plan = await validateEntries(file, entries);
  return { ...plan, skipped, assumptions };
}
function noCallMessage(skipped, names) {
  const packageSets = names.filter((n) => n === "haskellPackages" || n === "haskell");
  if (skipped.length === 0 && packageSets.length > 0)
    return `the overlay sets ${packageSets.join(" and ")} but gives it no overlay with callHackage or callCabal2nix calls (haskellPackages.override { overrides = \u2026; }, .extend or haskell.packageOverrides)`;
  if (skipped.length === 0) return "the overlay has no callHackage or callCabal2nix calls";
  const byReason = /* @__PURE__ */ new Map();
  for (const s of skipped) byReason.set(s.reason, [...byReason.get(s.reason) ?? [], s.attribute]);
  const groups = [...byReason].map(([reason, attributes]) => `${reason}: ${attributes.join(", ")}`);
  return `no call in the overlay can be batched (${groups.join("; ")})`;
}
var UNDERSTOOD, BEGIN, READ, STAND_IN_PATH, OverlayEvaluator, NO_CALL;
var init_overlay_plan = __esm({
  "src/builder/overlay-plan.ts"() {
    "use strict";
    init_errors();
    init_overrides();
    init_nix_output();
    init_overlay_evaluator();
    init_plan();
    init_process();
    UNDERSTOOD = "drop-in mode understands callHackage, callHackageDirect, callCabal2nix and haskell.lib wrappers; for anything else list the packages in an overrides file and use --overrides";
    BEGIN = /^trace: some-cabal2nix-begin (\d+)$/;
    READ = /^trace: some-cabal2nix-read (.+)$/;
    STAND_IN_PATH = /\/some-cabal2nix-stand-in\/[^\s'"`]*/g;
    OverlayEvaluator = class {
      constructor(file, nix, timeoutMs) {
        this.file = file;
        this.nix = nix;
        this.timeoutMs = timeoutMs;
        this.absolute = path6.resolve(file);
      }
      file;
      nix;
      timeoutMs;
      absolute;
      async run(request) {
        const result = await runCommand(
          this.nix,
          [
            "--eval",
            "--strict",
            "--json",
            "--readonly-mode",
            // Newer Nix shows where an error happened only in the trace.
            "--show-trace",
            "--argstr",
            "file",
            this.absolute,
            "--argstr",
            "request",
            JSON.stringify(request),
            "--expr",
            EVALUATE_OVERLAY
          ],
          { timeoutMs: this.timeoutMs }
        );
        if (result.timedOut)
          throw overridesError(
            this.file,
            0,
            `Nix did not finish evaluating the overlay within ${Math.round(this.timeoutMs / 1e3)} s`,
            UNDERSTOOD
          );
        const stderr = stripTerminalCodes(result.stderr);
        const readsByIndex = /* @__PURE__ */ new Map();
        let index = -1;
        for (const line of stderr.split("\n")) {
          const begin = BEGIN.exec(line);
          const read = READ.exec(line);
          if (begin) index = Number(begin[1]);
          else if (read) readsByIndex.set(index, [...readsByIndex.get(index) ?? [], read[1]]);
        }
        if (result.code !== 0) return { ok: false, stderr, readsByIndex };
        return { ok: true, json: JSON.parse(result.stdout.toString("utf8")), stderr, readsByIndex };
      }
      failure(stderr) {
        const failure = nixEvaluationError(stderr, this.absolute);
        const message = failure.message.replace(/^(expected an? [\w ]+ but found an? \w+): .*$/, "$1").replace(STAND_IN_PATH, "a fetched source");
        return { ...failure, message };
      }
      /** The overlay's attribute names; a failure here is the whole overlay's. */
      async names() {
        const result = await this.run({ mode: "names" });
        if (!result.ok) {
          const failure = this.failure(result.stderr);
          throw overridesError(
            this.file,
            failure.line,
            `Nix could not evaluate the overlay: ${failure.message}`,
            UNDERSTOOD
          );
        }
        return {
          names: result.json,
          reads: unique([...result.readsByIndex.values()].flat())
        };
      }
      /**
       * Describes the attributes at `addresses`, all in one evaluation when it succeeds. An attribute
       * can fail in ways `builtins.tryEval` does not catch (a stand-in used as the wrong type), so a
       * failed evaluation is split in halves until the failing attribute stands alone: it then costs
       * only itself (or, for a package set a nixpkgs-level overlay sets, is read attribute by attribute).
       */
      async describe(addresses, flag = false) {
        if (addresses.length === 0) return [];
        const result = await this.run({ mode: "describe", addresses, flag });
        if (result.ok) {
          const described = result.json;
          return described.map((d, i) => ({
            address: addresses[i],
            records: d.records,
            reads: unique(result.readsByIndex.get(i) ?? [])
          }));
        }
        if (addresses.length > 1) {
          const half = Math.ceil(addresses.length / 2);
          return [
            ...await this.describe(addresses.slice(0, half), flag),
            ...await this.describe(addresses.slice(half), flag)
          ];
        }
        const [address] = addresses;
        const children = await this.run({ mode: "children", addresses });
        const names = children.ok ? children.json[0] : [];
        if (names.length > 0)
          return this.describe(
            names.map((n) => [...address, n]),
            flag
          );
        return [
          {
            address,
            records: [
              {
                attribute: address.join("."),
                kind: "unsupported",
                reason: `Nix could not evaluate it: ${this.failure(result.stderr).message}`
              }
            ],
            reads: unique(result.readsByIndex.get(0) ?? [])
          }
        ];
      }
    };
    NO_CALL = "no batched call";
  }
});

// src/cli.ts
import { realpathSync } from "node:fs";
import { writeFile as writeFile3 } from "node:fs/promises";
import path7 from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// src/builder/build.ts
import { mkdtemp as mkdtemp2, rm as rm2 } from "node:fs/promises";
import os2 from "node:os";
import path5 from "node:path";

// src/builder/archive.ts
init_errors();
import { createGunzip } from "node:zlib";

// src/builder/archive-directory.ts
init_errors();
import { readFile, readdir, stat as stat2 } from "node:fs/promises";
import path from "node:path";

// src/builder/archive-members.ts
init_errors();

// src/builder/archive-source.ts
init_errors();
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
function classifyArchiveSource(location) {
  if (/^https?:\/\//i.test(location)) return { kind: "url", location };
  return { kind: "tarball", location };
}
async function resolveArchiveSource(location) {
  const guess = classifyArchiveSource(location);
  if (guess.kind === "url") return guess;
  try {
    const info = await stat(location);
    return info.isDirectory() ? { kind: "directory", location } : guess;
  } catch {
    throw new BatchError("archive", `archive ${location} does not exist`, {
      hint: "pass --archive with a .tar.gz, an unpacked directory or an http(s) URL"
    });
  }
}
function archiveError(source, problem, hint) {
  return new BatchError("archive", `archive ${source.location} ${problem}`, {
    hint: hint ?? "fetch the all-cabal-hashes archive again; nothing was built"
  });
}
function describeStreamError(error) {
  const message = error.message;
  const code = error.code;
  if (code === "Z_BUF_ERROR" || /unexpected end of file/i.test(message) || /Unexpected end of data/.test(message)) {
    return "is truncated (it ends in the middle of the data)";
  }
  if (code === "Z_DATA_ERROR" && /header/i.test(message))
    return "is not a gzip file (incorrect header)";
  if (code === "Z_DATA_ERROR") return `is corrupt (gzip: ${message})`;
  if (/Invalid tar header|Unknown archive format|Invalid header/.test(message))
    return `is corrupt (not a valid tar stream: ${message})`;
  return `could not be read (${message})`;
}
async function openTarballStream(source) {
  if (source.kind === "url") {
    let response;
    try {
      response = await fetch(source.location);
    } catch (error) {
      throw archiveError(
        source,
        `could not be downloaded (${errorMessage(error)})`,
        "check the URL and the network"
      );
    }
    if (!response.ok || !response.body) {
      throw archiveError(
        source,
        `could not be downloaded (HTTP ${response.status})`,
        "check the URL"
      );
    }
    const length = Number(response.headers.get("content-length"));
    return {
      stream: Readable.fromWeb(
        response.body
      ),
      totalBytes: Number.isFinite(length) && length > 0 ? length : void 0
    };
  }
  const info = await stat(source.location);
  return {
    stream: createReadStream(source.location, { highWaterMark: 1024 * 1024 }),
    totalBytes: info.size
  };
}
async function refusePlainTar(source) {
  const handle = await open(source.location, "r");
  const head = Buffer.alloc(262);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(257, 262).toString("latin1") === "ustar") {
    throw archiveError(
      source,
      "is a plain tar file, not gzip-compressed",
      `gzip it (gzip -k ${source.location}), or unpack it (tar -xf) and pass the directory`
    );
  }
}

// src/builder/archive-members.ts
init_hackage();
var MAX_MEMBER_BYTES = 4 * 1024 * 1024;
function sha256FromJson(source, member, bytes) {
  let hash;
  try {
    const data = JSON.parse(bytes.toString("utf8"));
    hash = data["package-hashes"]?.SHA256;
  } catch {
    throw archiveError(source, `has a corrupt member ${member} (not JSON)`);
  }
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/i.test(hash)) {
    throw archiveError(source, `member ${member} has no package-hashes.SHA256`);
  }
  return hash.toLowerCase();
}
function missingPackagesError(missing, versionsSeen, packageNames, source, topLevel) {
  const names = [...packageNames];
  const details = missing.map(({ name, version }) => {
    const versions = versionsSeen.get(name);
    if (versions && versions.size > 0) {
      return `${name} ${version}: no such version; nearest that exist: ${nearestVersions(version, versions).join(", ")}`;
    }
    const similar = similarPackageNames(name, names);
    return `${name} ${version}: no package '${name}' in the archive${similar.length ? ` (did you mean ${similar.join(", ")}?)` : ""}`;
  });
  const headline = missing.length === 1 ? `${missing[0].name} ${missing[0].version} is not in ${topLevel}` : `${missing.length} packages are not in ${topLevel}`;
  return new BatchError("missing-packages", headline, {
    details: missing.length === 1 ? details.map((d) => d.slice(d.indexOf(":") + 2)) : details,
    hint: `fix the versions in the overrides file, or use a newer all-cabal-hashes than ${source.location}`
  });
}
function finish(wanted, found, source, topLevel, versionsSeen, packageNames) {
  const missing = wanted.filter((w) => !found.get(w.name)?.cabal);
  if (missing.length > 0)
    throw missingPackagesError(missing, versionsSeen, packageNames, source, topLevel);
  return wanted.map(({ name, version }) => {
    const entry = found.get(name);
    const jsonName = `${name}/${version}/${name}.json`;
    if (!entry.json)
      throw archiveError(source, `has ${name}/${version}/${name}.cabal but no ${jsonName}`);
    return {
      name,
      version,
      cabal: entry.cabal,
      sha256: sha256FromJson(source, jsonName, entry.json)
    };
  });
}

// src/builder/archive-directory.ts
async function looksLikeUnpackedArchive(root) {
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).slice(0, 20)) {
    const inside = await readdir(path.join(root, entry.name), { withFileTypes: true });
    if (inside.some((e) => e.name === "preferred-versions" || e.isDirectory())) return true;
  }
  return false;
}
async function findDirectoryRoot(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory());
  if (dirs.length === 1 && entries.length === 1) {
    const inner = path.join(dir, dirs[0].name);
    const innerEntries = await readdir(inner, { withFileTypes: true });
    if (innerEntries.some((e) => e.isDirectory())) return inner;
  }
  return dir;
}
async function readMember(source, file) {
  try {
    const info = await stat2(file);
    if (!info.isFile()) return void 0;
    if (info.size > MAX_MEMBER_BYTES) {
      throw archiveError(
        source,
        `member ${file} is ${info.size} bytes, far larger than any real .cabal or .json file`
      );
    }
    return await readFile(file);
  } catch (error) {
    if (error instanceof BatchError) throw error;
    return void 0;
  }
}
async function extractFromDirectory(source, wanted) {
  const root = await findDirectoryRoot(source.location);
  const found = /* @__PURE__ */ new Map();
  const versionsSeen = /* @__PURE__ */ new Map();
  for (const { name, version } of wanted) {
    const base = path.join(root, name, version, name);
    const cabal = await readMember(source, `${base}.cabal`);
    if (cabal) {
      found.set(name, { cabal, json: await readMember(source, `${base}.json`) });
    } else {
      const versions = await readdir(path.join(root, name)).catch(() => []);
      versionsSeen.set(name, new Set(versions.filter((v) => v !== "preferred-versions")));
    }
  }
  if (found.size === 0 && !await looksLikeUnpackedArchive(root)) {
    throw archiveError(
      source,
      "is a directory, but not an unpacked all-cabal-hashes (no <package>/<version>/<package>.cabal in it)",
      "pass --archive the all-cabal-hashes .tar.gz, or the directory it was unpacked into"
    );
  }
  const needNames = [...versionsSeen.values()].some((v) => v.size === 0);
  const packageNames = needNames ? await readdir(root) : [];
  const topLevel = path.basename(root);
  return {
    topLevel,
    packages: finish(wanted, found, source, topLevel, versionsSeen, packageNames),
    compressedBytesRead: 0,
    entriesSeen: wanted.length * 2,
    stoppedEarly: true
  };
}

// src/builder/tar-walk.ts
var TarFormatError = class extends Error {
  name = "TarFormatError";
};
var TAR_ERRORS = {
  checksum: "Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?",
  unknownFormat: "Invalid tar header: unknown format.",
  size: "Invalid header",
  recordTooLarge: "Header exceeds max size",
  truncated: "Unexpected end of data"
};
var BLOCK = 512;
var MAX_RECORD_BYTES = 4 * 1024 * 1024;
var EMPTY = Buffer.alloc(0);
var PAX = 120;
var PAX_GLOBAL = 103;
var GNU_LONG_PATH = 76;
var GNU_LONG_PATH_OLD = 78;
var GNU_LONG_LINK = 75;
var DIRECTORY = 53;
var TYPES = {
  0: "file",
  48: "file",
  49: "link",
  50: "symlink",
  51: "character-device",
  52: "block-device",
  53: "directory",
  54: "fifo",
  55: "contiguous-file"
};
function padding(size) {
  return BLOCK - (size & BLOCK - 1) & BLOCK - 1;
}
function fieldEnd(block, from, length) {
  const end = from + length;
  for (let i = from; i < end; i++) if (block[i] === 0) return i;
  return end;
}
function isSpace(byte) {
  return byte === 32 || byte >= 9 && byte <= 13;
}
function readNumber(block, from, length) {
  const end = from + length;
  if (block[from] & 128) {
    const positive = block[from] === 128;
    if (!positive && block[from] !== 255) return NaN;
    let value2 = 0;
    for (let i2 = from + 1; i2 < end; i2++)
      value2 = value2 * 256 + (positive ? block[i2] : 255 - block[i2]);
    return positive ? value2 : -value2;
  }
  let i = from;
  while (i < end && isSpace(block[i])) i++;
  let stop = i;
  while (stop < end && block[stop] !== 32) stop++;
  while (i < stop && block[i] === 0) i++;
  if (i === stop) return 0;
  let value = 0;
  let digits = 0;
  for (; i < stop; i++, digits++) {
    const digit = block[i] - 48;
    if (digit < 0 || digit > 7) break;
    value = value * 8 + digit;
  }
  return digits === 0 ? NaN : value;
}
function isUstar(block, at) {
  return block[at + 257] === 117 && block[at + 258] === 115 && block[at + 259] === 116 && block[at + 260] === 97 && block[at + 261] === 114;
}
function decodePaxRecords(records) {
  const result = /* @__PURE__ */ new Map();
  let rest = records;
  while (rest.length > 0) {
    let space = 0;
    while (space < rest.length && rest[space] !== 32) space++;
    const length = parseInt(rest.subarray(0, space).toString("utf8"), 10);
    if (!length) return result;
    const record = rest.subarray(space + 1, length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals === -1) return result;
    result.set(record.slice(0, equals), record.slice(equals + 1));
    rest = rest.subarray(length);
  }
  return result;
}
var TarWalk = class {
  /** The current member's path, bytes [0, pathLength); overwritten by the next member. */
  pathBytes = Buffer.alloc(1024);
  pathLength = 0;
  /** The current member's type; undefined for a typeflag tar does not define. */
  type;
  typeflag = 0;
  size = 0;
  membersSeen = 0;
  /** Two zero blocks were read: the archive is over, whatever follows. */
  endOfArchive = false;
  /** The visitor asked to stop. */
  stopped = false;
  visitor;
  skip = 0;
  body = null;
  bodyFilled = 0;
  /** The typeflag of the pax or GNU record being read into `body`, or 0 for a member's body. */
  recordType = 0;
  header = Buffer.alloc(BLOCK);
  /** A 32-bit view of the last chunk's memory, for the header checksum. */
  words = null;
  headerFilled = 0;
  zeroBlocks = 0;
  longPath = null;
  pax = null;
  paxGlobal = null;
  constructor(visitor) {
    this.visitor = visitor;
  }
  /** The current member's path as tar-stream would give it (UTF-8). */
  path() {
    return this.pathBytes.toString("utf8", 0, this.pathLength);
  }
  /** Feeds the next bytes of the tar stream; false once the walk is over (end or stop). */
  write(chunk) {
    const length = chunk.length;
    let at = 0;
    while (at < length && !this.stopped && !this.endOfArchive) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - at);
        this.skip -= n;
        at += n;
      } else if (this.body !== null) {
        const n = Math.min(this.body.length - this.bodyFilled, length - at);
        chunk.copy(this.body, this.bodyFilled, at, at + n);
        this.bodyFilled += n;
        at += n;
        if (this.bodyFilled === this.body.length) this.bodyDone();
      } else if (this.headerFilled === 0 && length - at >= BLOCK) {
        this.readHeader(chunk, at);
        at += BLOCK;
      } else {
        const n = Math.min(BLOCK - this.headerFilled, length - at);
        chunk.copy(this.header, this.headerFilled, at, at + n);
        this.headerFilled += n;
        at += n;
        if (this.headerFilled === BLOCK) {
          this.headerFilled = 0;
          this.readHeader(this.header, 0);
        }
      }
    }
    return !this.stopped && !this.endOfArchive;
  }
  /** The tar stream has no more bytes: throws if it stopped inside a header, record or body. */
  end() {
    if (this.stopped || this.endOfArchive) return;
    if (this.skip > 0 || this.body !== null || this.headerFilled > 0) {
      throw new TarFormatError(TAR_ERRORS.truncated);
    }
  }
  /** The unsigned byte sum of a header block, with the checksum field counted as spaces. */
  headerSum(block, at) {
    const address = block.byteOffset + at;
    if ((address & 3) === 0) {
      if (this.words === null || this.words.buffer !== block.buffer) {
        this.words = new Uint32Array(block.buffer, 0, block.buffer.byteLength >>> 2);
      }
      const words = this.words;
      const first = address >>> 2;
      let pairs = 0;
      for (let i = first; i < first + 37; i++) {
        const word = words[i];
        pairs += (word & 16711935) + (word >>> 8 & 16711935);
      }
      for (let i = first + 39; i < first + 128; i++) {
        const word = words[i];
        pairs += (word & 16711935) + (word >>> 8 & 16711935);
      }
      return 8 * 32 + (pairs & 65535) + (pairs >>> 16);
    }
    let sum = 8 * 32;
    for (let i = at; i < at + 148; i++) sum += block[i];
    for (let i = at + 156; i < at + BLOCK; i++) sum += block[i];
    return sum;
  }
  readHeader(block, at) {
    const sum = this.headerSum(block, at);
    if (sum === 8 * 32) {
      if (++this.zeroBlocks === 2) this.endOfArchive = true;
      return;
    }
    this.zeroBlocks = 0;
    if (sum !== readNumber(block, at + 148, 8)) throw new TarFormatError(TAR_ERRORS.checksum);
    const magic = block[at + 262];
    const posix = isUstar(block, at) && magic === 0;
    const gnu = isUstar(block, at) && magic === 32 && block[at + 263] === 32 && block[at + 264] === 0;
    if (!posix && !gnu) throw new TarFormatError(TAR_ERRORS.unknownFormat);
    const typeflag = block[at + 156];
    let size = readNumber(block, at + 124, 12);
    if (typeflag === PAX || typeflag === PAX_GLOBAL || typeflag === GNU_LONG_PATH || typeflag === GNU_LONG_PATH_OLD || typeflag === GNU_LONG_LINK) {
      if (!(size >= 0)) throw new TarFormatError(TAR_ERRORS.size);
      if (size > MAX_RECORD_BYTES) throw new TarFormatError(TAR_ERRORS.recordTooLarge);
      this.recordType = typeflag;
      this.startBody(size);
      return;
    }
    if (this.longPath !== null) {
      this.setPath(this.longPath);
      this.longPath = null;
    } else {
      let length = 0;
      const path8 = this.pathBytes;
      if (posix && block[at + 345] !== 0) {
        const prefixEnd = fieldEnd(block, at + 345, 155);
        for (let i = at + 345; i < prefixEnd; i++) path8[length++] = block[i];
        path8[length++] = 47;
      }
      const nameEnd = fieldEnd(block, at, 100);
      for (let i = at; i < nameEnd; i++) path8[length++] = block[i];
      this.pathLength = length;
    }
    if (this.pax !== null) {
      const paxPath = this.pax.get("path");
      if (paxPath) this.setPath(paxPath);
      const paxSize = this.pax.get("size");
      if (paxSize) size = parseInt(paxSize, 10);
      this.pax = null;
    }
    if (!(size >= 0)) throw new TarFormatError(TAR_ERRORS.size);
    this.typeflag = typeflag;
    this.type = TYPES[typeflag];
    this.size = size;
    this.membersSeen++;
    const wanted = this.visitor.member(this);
    if (size === 0 || typeflag === DIRECTORY) {
      if (wanted && !this.visitor.body(EMPTY)) this.stopped = true;
    } else if (wanted) {
      this.recordType = 0;
      this.startBody(size);
    } else {
      this.skip = size + padding(size);
    }
  }
  startBody(size) {
    this.body = size === 0 ? EMPTY : Buffer.allocUnsafe(size);
    this.bodyFilled = 0;
    if (size === 0) this.bodyDone();
  }
  bodyDone() {
    const body = this.body;
    this.body = null;
    this.skip = padding(body.length);
    switch (this.recordType) {
      case 0:
        if (!this.visitor.body(body)) this.stopped = true;
        return;
      case GNU_LONG_PATH:
      case GNU_LONG_PATH_OLD:
        this.longPath = body.toString("utf8", 0, fieldEnd(body, 0, body.length));
        break;
      case PAX_GLOBAL:
        this.paxGlobal = decodePaxRecords(body);
        break;
      case PAX:
        this.pax = new Map([...this.paxGlobal ?? [], ...decodePaxRecords(body)]);
        break;
    }
    this.recordType = 0;
  }
  setPath(path8) {
    const length = Buffer.byteLength(path8);
    if (length > this.pathBytes.length) this.pathBytes = Buffer.alloc(length);
    this.pathLength = this.pathBytes.write(path8, 0);
  }
};

// src/builder/archive.ts
var SLASH = 47;
var DOT = 46;
function bytesEqual(bytes, from, other) {
  for (let i = 0; i < other.length; i++) if (bytes[from + i] !== other[i]) return false;
  return true;
}
async function extractFromTarball(source, wanted, options) {
  const wantedVersion = new Map(wanted.map((w) => [w.name, w.version]));
  const found = /* @__PURE__ */ new Map();
  const versionsSeen = /* @__PURE__ */ new Map();
  const packageNames = /* @__PURE__ */ new Set();
  let remaining = wanted.length * 2;
  let topLevel;
  let prefix = Buffer.alloc(0);
  let lastPackage = Buffer.alloc(256);
  let lastPackageLength = 0;
  let lastVersion;
  let compressedBytesRead = 0;
  let bodyOf;
  const member = (walk2) => {
    const bytes = walk2.pathBytes;
    const length = walk2.pathLength;
    const start = length >= 2 && bytes[0] === DOT && bytes[1] === SLASH ? 2 : 0;
    if (topLevel === void 0) {
      const name2 = walk2.path().slice(start);
      const top = name2.split("/")[0];
      if (name2.startsWith("/") || top === ".." || top === "." || top === "") {
        throw archiveError(source, `starts with an unsafe member name '${walk2.path()}'`);
      }
      topLevel = top;
      prefix = Buffer.from(`${top}/`);
    }
    if (length - start < prefix.length || !bytesEqual(bytes, start, prefix)) {
      const name2 = walk2.path().slice(start);
      if (name2 === topLevel) return false;
      throw archiveError(
        source,
        `has more than one top-level directory ('${topLevel}/' and '${name2.split("/")[0]}/')`,
        "expected the all-cabal-hashes layout all-cabal-hashes-<rev>/<pkg>/<ver>/<pkg>.cabal"
      );
    }
    const pkgStart = start + prefix.length;
    let pkgEnd = pkgStart;
    while (pkgEnd < length && bytes[pkgEnd] !== SLASH) pkgEnd++;
    const pkgLength = pkgEnd - pkgStart;
    if (pkgLength !== lastPackageLength || !bytesEqual(bytes, pkgStart, lastPackage.subarray(0, pkgLength))) {
      if (pkgLength > lastPackage.length) lastPackage = Buffer.alloc(pkgLength);
      bytes.copy(lastPackage, 0, pkgStart, pkgEnd);
      lastPackageLength = pkgLength;
      const pkg2 = bytes.toString("utf8", pkgStart, pkgEnd);
      lastVersion = wantedVersion.get(pkg2);
      if (pkg2 !== "") packageNames.add(pkg2);
    }
    const version = lastVersion;
    if (version === void 0 || pkgEnd === length) return false;
    const name = walk2.path().slice(start);
    const pkg = name.slice(prefix.length, prefix.length + pkgLength);
    const slash = prefix.length + pkgLength;
    const versionEnd = name.indexOf("/", slash + 1);
    if (versionEnd > 0) {
      let seen = versionsSeen.get(pkg);
      if (!seen) versionsSeen.set(pkg, seen = /* @__PURE__ */ new Set());
      seen.add(name.slice(slash + 1, versionEnd));
    }
    const memberName = name.slice(prefix.length);
    const base = `${pkg}/${version}/${pkg}`;
    const which = memberName === `${base}.cabal` ? "cabal" : memberName === `${base}.json` ? "json" : void 0;
    if (!which) return false;
    if (walk2.type !== "file" && walk2.type !== "contiguous-file") {
      const type = walk2.type ?? `member of unknown type '${String.fromCharCode(walk2.typeflag)}'`;
      throw archiveError(
        source,
        `member ${memberName} is a ${type}, not a regular file; refusing it`
      );
    }
    if (walk2.size > MAX_MEMBER_BYTES) {
      throw archiveError(
        source,
        `member ${memberName} is ${walk2.size} bytes, far larger than any real ${which} file; refusing it`
      );
    }
    bodyOf = { pkg, which };
    return true;
  };
  const body = (bytes) => {
    const { pkg, which } = bodyOf;
    const slot = found.get(pkg) ?? {};
    if (slot[which] === void 0) remaining--;
    slot[which] = bytes;
    found.set(pkg, slot);
    return remaining > 0;
  };
  if (source.kind === "tarball") await refusePlainTar(source);
  const { stream, totalBytes } = await openTarballStream(source);
  const progressStep = totalBytes ? Math.ceil(totalBytes / 10) : 8 * 1024 * 1024;
  let nextProgress = totalBytes !== void 0 && totalBytes < 16 * 1024 * 1024 ? Infinity : progressStep;
  stream.on("data", (chunk) => {
    compressedBytesRead += chunk.length;
    if (options.onProgress && compressedBytesRead >= nextProgress) {
      nextProgress += progressStep;
      options.onProgress({ compressedBytesRead, totalBytes });
    }
  });
  const gunzip = createGunzip({
    chunkSize: 1024 * 1024,
    readableHighWaterMark: 8 * 1024 * 1024
  });
  stream.on("error", (error) => gunzip.destroy(error));
  const walk = new TarWalk({ member, body });
  try {
    for await (const chunk of stream.pipe(gunzip)) {
      if (!walk.write(chunk)) break;
    }
    walk.end();
  } catch (error) {
    if (error instanceof BatchError) throw error;
    throw archiveError(source, describeStreamError(error));
  } finally {
    stream.destroy();
    gunzip.destroy();
  }
  if (topLevel === void 0) throw archiveError(source, "is empty (no members)");
  return {
    topLevel,
    packages: finish(wanted, found, source, topLevel, versionsSeen, packageNames),
    compressedBytesRead,
    entriesSeen: walk.membersSeen,
    stoppedEarly: walk.stopped
  };
}
async function extractMembers(source, wanted, options = {}) {
  if (source.kind === "directory") return extractFromDirectory(source, wanted);
  return extractFromTarball(source, wanted, options);
}

// src/builder/batch.ts
init_errors();
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile as readFile2,
  readdir as readdir2,
  rename,
  rm,
  rmdir,
  stat as stat3,
  writeFile
} from "node:fs/promises";
import path2 from "node:path";
var MANIFEST_FORMAT = 1;
function renderManifest(manifest) {
  return JSON.stringify(manifest, null, 2) + "\n";
}
async function readManifest(dir) {
  const file = path2.join(dir, "manifest.json");
  let data;
  try {
    data = JSON.parse(await readFile2(file, "utf8"));
  } catch (error) {
    throw new BatchError("output", `${file} is missing or not JSON (${error.message})`);
  }
  if (data.format !== MANIFEST_FORMAT || !Array.isArray(data.packages)) {
    throw new BatchError(
      "output",
      `${file} is not a some-cabal2nix manifest of format ${MANIFEST_FORMAT}`
    );
  }
  return data;
}
var OUT_HINT = "pass --out a new path, an empty directory or a previous batch (a directory with its manifest.json)";
async function outputProblem(target) {
  let info;
  try {
    info = await stat3(target);
  } catch {
    return void 0;
  }
  if (!info.isDirectory()) return "is a file, not a batch directory";
  const entries = await readdir2(target, { withFileTypes: true });
  if (entries.length === 0) return void 0;
  const notOurs = "holds files that are not a some-cabal2nix batch";
  if (!entries.some((e) => e.name === "manifest.json")) return notOurs;
  try {
    await readManifest(target);
  } catch {
    return notOurs;
  }
  for (const entry of entries) {
    if (entry.name === "manifest.json") continue;
    if (!entry.isDirectory()) return notOurs;
    const inside = await readdir2(path2.join(target, entry.name));
    if (inside.some((name) => name !== "default.nix")) return notOurs;
  }
  return void 0;
}
async function makeDirectories(dir) {
  const missing = [];
  for (let at = dir; ; at = path2.dirname(at)) {
    try {
      await lstat(at);
      break;
    } catch (error) {
      if (error.code !== "ENOENT" || path2.dirname(at) === at) throw error;
      missing.unshift(at);
    }
  }
  const made = [];
  try {
    for (const directory of missing) {
      await mkdir(directory);
      made.push(directory);
    }
  } catch (error) {
    await removeDirectories(made);
    throw Object.assign(error, { refusedIn: path2.dirname(missing[made.length]) });
  }
  return made;
}
async function removeDirectories(made) {
  for (const directory of [...made].reverse()) await rmdir(directory).catch(() => void 0);
}
async function prepareOutput(outDir) {
  const target = path2.resolve(outDir);
  const problem = await outputProblem(target);
  if (problem) {
    throw new BatchError("output", `--out ${outDir} ${problem}; refusing to replace it`, {
      hint: OUT_HINT
    });
  }
  let made = [];
  try {
    made = await makeDirectories(path2.dirname(target));
    return await mkdtemp(`${target}.partial-`);
  } catch (error) {
    await removeDirectories(made);
    const { code, message, refusedIn } = error;
    const why = code === "EACCES" || code === "EPERM" || code === "EROFS" ? `${refusedIn ?? path2.dirname(target)} is not writable` : code === "ENOENT" ? `no directory can be made in ${refusedIn ?? path2.dirname(target)} (ENOENT)` : `${refusedIn ?? path2.dirname(target)} cannot be written (${code ?? message})`;
    throw new BatchError("output", `--out ${outDir}: ${why}`, {
      hint: "pass --out a path in a directory you can write to; nothing was built"
    });
  }
}
async function discardOutput(staging) {
  await rm(staging, { recursive: true, force: true });
}
async function writeBatch(outDir, staging, manifest, expressions) {
  const target = path2.resolve(outDir);
  try {
    for (const { name, expression } of [...expressions].sort(
      (a, b) => a.name < b.name ? -1 : 1
    )) {
      await mkdir(path2.join(staging, name), { mode: 493 });
      await writeFile(path2.join(staging, name, "default.nix"), expression, { mode: 420 });
    }
    await writeFile(path2.join(staging, "manifest.json"), renderManifest(manifest), { mode: 420 });
    await chmod(staging, 493);
    const problem = await outputProblem(target);
    if (problem) throw new Error(`${target} ${problem}`);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (error) {
    await discardOutput(staging);
    throw new BatchError(
      "output",
      `could not write the batch to ${target}: ${error.message}`,
      { hint: OUT_HINT }
    );
  }
}

// src/builder/build.ts
init_errors();

// src/builder/generate.ts
import { copyFile, mkdir as mkdir2, readdir as readdir3, writeFile as writeFile2 } from "node:fs/promises";
import os from "node:os";
import path3 from "node:path";

// node_modules/yocto-queue/index.js
var Node = class {
  value;
  next;
  constructor(value) {
    this.value = value;
  }
};
var Queue = class {
  #head;
  #tail;
  #size;
  constructor() {
    this.clear();
  }
  enqueue(value) {
    const node = new Node(value);
    if (this.#head) {
      this.#tail.next = node;
      this.#tail = node;
    } else {
      this.#head = node;
      this.#tail = node;
    }
    this.#size++;
  }
  dequeue() {
    const current = this.#head;
    if (!current) {
      return;
    }
    this.#head = this.#head.next;
    this.#size--;
    if (!this.#head) {
      this.#tail = void 0;
    }
    return current.value;
  }
  peek() {
    if (!this.#head) {
      return;
    }
    return this.#head.value;
  }
  clear() {
    this.#head = void 0;
    this.#tail = void 0;
    this.#size = 0;
  }
  get size() {
    return this.#size;
  }
  *[Symbol.iterator]() {
    let current = this.#head;
    while (current) {
      yield current.value;
      current = current.next;
    }
  }
  *drain() {
    while (this.#head) {
      yield this.dequeue();
    }
  }
};

// node_modules/p-limit/index.js
function pLimit(concurrency) {
  let rejectOnClear = false;
  if (typeof concurrency === "object") {
    ({ concurrency, rejectOnClear = false } = concurrency);
  }
  validateConcurrency(concurrency);
  if (typeof rejectOnClear !== "boolean") {
    throw new TypeError("Expected `rejectOnClear` to be a boolean");
  }
  const queue = new Queue();
  let activeCount = 0;
  const resumeNext = () => {
    if (activeCount < concurrency && queue.size > 0) {
      activeCount++;
      queue.dequeue().run();
    }
  };
  const next = () => {
    activeCount--;
    resumeNext();
  };
  const run = async (function_, resolve, arguments_) => {
    const result = (async () => function_(...arguments_))();
    resolve(result);
    try {
      await result;
    } catch {
    }
    next();
  };
  const enqueue = (function_, resolve, reject, arguments_) => {
    const queueItem = { reject };
    new Promise((internalResolve) => {
      queueItem.run = internalResolve;
      queue.enqueue(queueItem);
    }).then(run.bind(void 0, function_, resolve, arguments_));
    if (activeCount < concurrency) {
      resumeNext();
    }
  };
  const generator = (function_, ...arguments_) => new Promise((resolve, reject) => {
    enqueue(function_, resolve, reject, arguments_);
  });
  Object.defineProperties(generator, {
    activeCount: {
      get: () => activeCount
    },
    pendingCount: {
      get: () => queue.size
    },
    clearQueue: {
      value() {
        if (!rejectOnClear) {
          queue.clear();
          return;
        }
        const abortError = AbortSignal.abort().reason;
        while (queue.size > 0) {
          queue.dequeue().reject(abortError);
        }
      }
    },
    concurrency: {
      get: () => concurrency,
      set(newConcurrency) {
        validateConcurrency(newConcurrency);
        concurrency = newConcurrency;
        queueMicrotask(() => {
          while (activeCount < concurrency && queue.size > 0) {
            resumeNext();
          }
        });
      }
    },
    map: {
      async value(iterable, function_) {
        const promises = [];
        try {
          Array.from(iterable, (value, index) => {
            const promise = generator(function_, value, index);
            promises.push(promise);
            return promise;
          });
        } catch (error) {
          for (const promise of promises) {
            promise.catch(() => {
            });
          }
          throw error;
        }
        return Promise.all(promises);
      }
    }
  });
  return generator;
}
function validateConcurrency(concurrency) {
  if (!((Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) && concurrency > 0)) {
    throw new TypeError("Expected `concurrency` to be a number from 1 and up");
  }
}

// src/builder/generate.ts
init_errors();
init_process();
var DEFAULT_TIMEOUT_MS = 12e4;
function defaultJobs() {
  return Math.max(1, Math.min(16, os.availableParallelism()));
}
function defaultSystem() {
  const cpu = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  return process.platform === "darwin" ? `${cpu}-apple-darwin` : `${cpu}-unknown-linux-gnu`;
}
function cabal2nixEnv(home) {
  return { ...process.env, HOME: home, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
}
async function cabal2nixVersion(command) {
  let result;
  try {
    result = await runCommand(command, ["--version"], { timeoutMs: 3e4 });
  } catch (error) {
    throw new BatchError(
      "cabal2nix",
      `cannot run cabal2nix '${command}' (${errorMessage(error)})`,
      {
        hint: "install cabal2nix or pass its path with --cabal2nix"
      }
    );
  }
  const line = result.stdout.toString("utf8").split("\n")[0].trim();
  if (result.code !== 0 || line === "") {
    throw new BatchError(
      "cabal2nix",
      `'${command} --version' failed: ${result.stderr.trim() || `exit ${result.code}`}`
    );
  }
  return line;
}
function looksLikeCabal2nixOutput(text) {
  return /^\s*\{[^{}]*\}\s*:\s*\n?\s*mkDerivation\s*\{/.test(text);
}
async function stageHackagePackage(input, workDir) {
  const dir = path3.join(workDir, "hackage", `${input.name}-${input.version}`);
  await mkdir2(dir, { recursive: true });
  const cabalFile = path3.join(dir, `${input.name}.cabal`);
  await writeFile2(cabalFile, input.cabal);
  return { cwd: dir, args: [`--sha256=${input.sha256}`, cabalFile] };
}
async function stageLocalPackage(input, workDir) {
  const dir = path3.join(workDir, "local", input.name);
  await mkdir2(dir, { recursive: true });
  for (const file of await readdir3(input.absolutePath)) {
    if (file.endsWith(".cabal") || file === "package.yaml") {
      await copyFile(path3.join(input.absolutePath, file), path3.join(dir, file));
    }
  }
  return { cwd: dir, args: ["."] };
}
function failureDetail(name, reason) {
  return `${name}: ${reason}`;
}
async function generateExpressions(inputs, settings, workDir) {
  const home = path3.join(workDir, "home");
  await mkdir2(home, { recursive: true });
  const env = cabal2nixEnv(home);
  const command = settings.command.includes("/") ? path3.resolve(settings.command) : settings.command;
  const limit = pLimit(Math.max(1, settings.jobs));
  const failures = [];
  const results = await Promise.all(
    inputs.map(
      (input) => limit(async () => {
        const staged = input.source === "hackage" ? await stageHackagePackage(input, workDir) : await stageLocalPackage(input, workDir);
        const args = [
          `--compiler=${settings.compiler}`,
          `--system=${settings.system}`,
          ...staged.args
        ];
        let result;
        try {
          result = await runCommand(command, args, {
            cwd: staged.cwd,
            env,
            timeoutMs: settings.timeoutMs
          });
        } catch (error) {
          failures.push(
            failureDetail(input.name, `cannot run '${settings.command}': ${errorMessage(error)}`)
          );
          return void 0;
        }
        const label = input.source === "hackage" ? `${input.name} ${input.version}` : `${input.name} (local)`;
        if (result.timedOut) {
          failures.push(
            failureDetail(
              label,
              `cabal2nix did not finish within ${Math.round(settings.timeoutMs / 1e3)} s`
            )
          );
          return void 0;
        }
        if (result.code !== 0) {
          const stderr = result.stderr.trim().split("\n").slice(-5).join(" | ");
          failures.push(
            failureDetail(
              label,
              `cabal2nix exited with ${result.code ?? result.signal}: ${stderr || "(no output)"}`
            )
          );
          return void 0;
        }
        const expression = result.stdout.toString("utf8");
        if (!looksLikeCabal2nixOutput(expression)) {
          const start = JSON.stringify(expression.slice(0, 60));
          failures.push(
            failureDetail(
              label,
              `cabal2nix printed something that is not a package function: ${start}`
            )
          );
          return void 0;
        }
        return { name: input.name, expression };
      })
    )
  );
  if (failures.length > 0) {
    failures.sort();
    throw new BatchError(
      "cabal2nix",
      failures.length === 1 ? `cabal2nix failed for ${failures[0]}` : `cabal2nix failed for ${failures.length} packages`,
      {
        details: failures.length === 1 ? [] : failures,
        hint: "no batch was written; fix or drop the package(s) named above"
      }
    );
  }
  return results;
}
var DEFAULT_COMPILER = "ghc-9.8.4";

// src/builder/build.ts
init_plan();

// src/common/version.ts
var TOOL_VERSION = "0.1.0";
var TOOL_NAME = "some-cabal2nix";

// src/builder/build.ts
function manifestPackages(plan, pass) {
  const hashes = new Map(pass?.packages.map((p) => [p.name, p.sha256]));
  return plan.packages.map(
    (p) => p.source === "hackage" ? { name: p.name, version: p.version, sha256: hashes.get(p.name) } : (
      // The expression was generated in `./<name>` (src = ./.;), as in the Nix-built batch:
      // where the source lives is not part of the batch, so a committed copy stays byte-identical.
      { name: p.name, path: `./${p.name}` }
    )
  );
}
async function buildBatch(plan, settings) {
  if (plan.packages.length === 0) throw noPackagesError(plan.overridesFile);
  const staging = await prepareOutput(settings.out);
  let written = false;
  try {
    const outcome = await generateBatch(plan, settings, staging);
    written = true;
    return outcome;
  } finally {
    if (!written) await discardOutput(staging);
  }
}
async function generateBatch(plan, settings, staging) {
  const version = await cabal2nixVersion(settings.command);
  const wanted = hackagePackages(plan);
  let archivePass;
  const startArchive = performance.now();
  if (wanted.length > 0) {
    if (!settings.archive) {
      throw new BatchError("usage", "Hackage packages need the all-cabal-hashes archive", {
        hint: "pass --archive PATH|URL"
      });
    }
    const source = await resolveArchiveSource(settings.archive);
    archivePass = await extractMembers(source, wanted, { onProgress: settings.onArchiveProgress });
  }
  const archiveMs = performance.now() - startArchive;
  const workDir = await mkdtemp2(path5.join(os2.tmpdir(), "some-cabal2nix-"));
  try {
    const startGenerate = performance.now();
    const extracted = new Map(archivePass?.packages.map((p) => [p.name, p]));
    const inputs = plan.packages.map((p) => {
      if (p.source === "local")
        return { source: "local", name: p.name, absolutePath: p.absolutePath };
      const member = extracted.get(p.name);
      if (!member) throw new BatchError("archive", `internal: ${p.name} was not extracted`);
      return {
        source: "hackage",
        name: p.name,
        version: p.version,
        cabal: member.cabal,
        sha256: member.sha256
      };
    });
    const expressions = await generateExpressions(inputs, settings, workDir);
    const cabal2nixMs = performance.now() - startGenerate;
    const startWrite = performance.now();
    const manifest = {
      format: 1,
      generator: `${TOOL_NAME} ${TOOL_VERSION}`,
      archive: archivePass?.topLevel ?? null,
      cabal2nix: version,
      compiler: settings.compiler,
      system: settings.system,
      packages: manifestPackages(plan, archivePass)
    };
    await writeBatch(settings.out, staging, manifest, expressions);
    return {
      manifest,
      archivePass,
      timings: { archiveMs, cabal2nixMs, writeMs: performance.now() - startWrite }
    };
  } finally {
    await rm2(workDir, { recursive: true, force: true });
  }
}

// src/cli.ts
init_errors();
init_plan();
function usage(system = defaultSystem()) {
  return `usage:
  ${TOOL_NAME} plan  --overrides FILE [--json] [--output FILE]
  ${TOOL_NAME} plan  --overlay FILE [--json] [--output FILE]
  ${TOOL_NAME} build --overrides FILE --archive PATH|URL --out DIR [options]
  ${TOOL_NAME} --version | --help

plan prints the package list; --json prints it as JSON, which is an overrides file too.
  --overlay FILE          drop-in mode: read the callHackage / callCabal2nix calls of a
                          haskellPackages overlay; calls left to nixpkgs are listed as
                          "# left to nixpkgs: \u2026" (on stderr with --json or --output)
  --output FILE           write the JSON to FILE, local paths relative to FILE's directory
                          (default: stdout, paths relative to the overrides or overlay file)

build writes DIR/<name>/default.nix per package and DIR/manifest.json; DIR must be new, empty
or a previous batch.
  --archive PATH|URL      all-cabal-hashes: the .tar.gz, an unpacked copy or an http(s) URL
  --cabal2nix CMD         default: cabal2nix from PATH
  --compiler ghc-X.Y.Z    default: ${DEFAULT_COMPILER}
  --system CONFIG         cabal2nix --system; default: this machine's (${system})
  --jobs N                parallel cabal2nix runs; default: the CPU count (at most 16)
  --timeout SECONDS       per cabal2nix run; default: ${DEFAULT_TIMEOUT_MS / 1e3}
  --timings-file FILE     also write the phase timings (archiveMs, cabal2nixMs, writeMs) as JSON

FILE is a Nix attrset as passed to packageSourceOverrides ({ aeson = "2.2.3.0"; my-lib = ./my-lib; })
or JSON ({ "aeson": "2.2.3.0", "my-lib": { "path": "./my-lib" } }).
Exit codes: 0 done, 1 an error you can fix (one line and a hint), 2 usage.`;
}
function usageError(message) {
  return new BatchError("usage", message, { hint: `run '${TOOL_NAME} --help'` });
}
function formatSeconds(ms) {
  return `${(ms / 1e3).toFixed(2)} s`;
}
function formatPlan(plan) {
  return plan.packages.map((p) => p.source === "hackage" ? `${p.name} ${p.version}` : `${p.name} ${p.path} (local)`).join("\n");
}
function positiveInteger(flag, value, fallback) {
  if (value === void 0) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${flag} takes a whole number above 0, not '${value}'`);
  return n;
}
function planJson(plan, baseDir) {
  const json = planToJson(plan);
  if (baseDir === void 0) return JSON.stringify(json, null, 2);
  const packages = plan.packages.map(
    (p, i) => p.source === "hackage" ? json.packages[i] : { name: p.name, path: relativePath(baseDir, p.absolutePath) }
  );
  return JSON.stringify({ packages }, null, 2);
}
function parseFlags(args, options) {
  const withHelp = { ...options, help: { type: "boolean", short: "h", default: false } };
  return parseArgs({ args, options: withHelp, strict: true }).values;
}
async function runPlan(args, { write, log }) {
  const values = parseFlags(args, {
    overrides: { type: "string" },
    overlay: { type: "string" },
    json: { type: "boolean", default: false },
    output: { type: "string" }
  });
  if (values.help) return write(usage());
  if (values.overrides && values.overlay)
    throw usageError("plan takes --overrides FILE or --overlay FILE, not both");
  let plan;
  let notes = [];
  if (values.overlay) {
    const { planFromOverlay: planFromOverlay2 } = await Promise.resolve().then(() => (init_overlay_plan(), overlay_plan_exports));
    const overlayPlan = await planFromOverlay2(values.overlay);
    notes = [
      ...overlayPlan.skipped.map((s) => `# left to nixpkgs: ${s.attribute} (${s.reason})`),
      ...overlayPlan.assumptions.map(
        (a) => `# assumed: ${a.attribute === "" ? "the overlay" : a.attribute} ${a.text}`
      )
    ];
    plan = overlayPlan;
  } else if (values.overrides) {
    plan = await planFromOverrides(values.overrides);
  } else {
    throw usageError("plan needs --overrides FILE (or --overlay FILE)");
  }
  if (values.output) {
    const output = values.output;
    const text = planJson(plan, path7.dirname(path7.resolve(output))) + "\n";
    await writeFile3(output, text).catch((error) => {
      throw new BatchError(
        "output",
        `--output ${output} cannot be written (${error.code ?? error.message})`,
        {
          hint: "pass --output a file in a directory you can write to"
        }
      );
    });
    for (const note of notes) log(note);
    log(`wrote ${output}: ${plan.packages.length} packages`);
    return;
  }
  if (values.json) {
    write(planJson(plan));
    for (const note of notes) log(note);
    return;
  }
  write([formatPlan(plan), ...notes].join("\n"));
}
async function runBuild(args, { write, log }) {
  const values = parseFlags(args, {
    overrides: { type: "string" },
    archive: { type: "string" },
    out: { type: "string" },
    cabal2nix: { type: "string", default: "cabal2nix" },
    compiler: { type: "string", default: DEFAULT_COMPILER },
    system: { type: "string" },
    jobs: { type: "string" },
    timeout: { type: "string" },
    "timings-file": { type: "string" }
  });
  if (values.help) return write(usage());
  if (!values.overrides) throw usageError("build needs --overrides FILE");
  if (!values.out) throw usageError("build needs --out DIR");
  if (!/^ghc-\d+(\.\d+)*$/.test(values.compiler)) {
    throw usageError(
      `--compiler takes ghc-X.Y.Z (nixpkgs' haskellCompilerName), not '${values.compiler}'`
    );
  }
  const jobs = positiveInteger("--jobs", values.jobs, defaultJobs());
  const timeoutMs = positiveInteger("--timeout", values.timeout, DEFAULT_TIMEOUT_MS / 1e3) * 1e3;
  const plan = await planFromOverrides(values.overrides);
  const outcome = await buildBatch(plan, {
    archive: values.archive,
    out: values.out,
    command: values.cabal2nix,
    compiler: values.compiler,
    system: values.system ?? defaultSystem(),
    jobs,
    timeoutMs,
    onArchiveProgress: ({ compressedBytesRead, totalBytes }) => log(
      `archive pass: ${(compressedBytesRead / 1048576).toFixed(0)} MB` + (totalBytes ? ` of ${(totalBytes / 1048576).toFixed(0)} MB` : "")
    )
  });
  const { timings, manifest, archivePass } = outcome;
  const timingsFile = values["timings-file"];
  if (timingsFile) await writeFile3(timingsFile, `${JSON.stringify(timings)}
`);
  write(
    `wrote ${values.out}: ${manifest.packages.length} packages (archive pass ${formatSeconds(timings.archiveMs)}` + (archivePass ? `, ${archivePass.entriesSeen} entries${archivePass.stoppedEarly ? ", stopped early" : ""}` : "") + `; cabal2nix ${formatSeconds(timings.cabal2nixMs)}; write ${formatSeconds(timings.writeMs)})`
  );
}
async function runCli(argv, io = {
  write: (text) => process.stdout.write(`${text}
`),
  log: (text) => process.stderr.write(`${text}
`)
}) {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "plan":
        await runPlan(rest, io);
        return 0;
      case "build":
        await runBuild(rest, io);
        return 0;
      case "--version":
      case "version":
        io.write(`${TOOL_NAME} ${TOOL_VERSION}`);
        return 0;
      case void 0:
      case "--help":
      case "-h":
      case "help":
        io.write(usage());
        return command === void 0 ? 2 : 0;
      default:
        throw usageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (isBatchError(error)) {
      io.log(describeError(error));
      return error.kind === "usage" ? 2 : 1;
    }
    const code = error.code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      io.log(describeError(usageError(errorMessage(error))));
      return 2;
    }
    io.log(`internal error: ${error.stack ?? String(error)}`);
    return 3;
  }
}
function invokedDirectly() {
  try {
    return process.argv[1] !== void 0 && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
export {
  runCli,
  usage
};
