/**
 * Drop-in mode: read the package list out of an existing haskellPackages overlay
 * (`self: super: { aeson = super.callHackage "aeson" "2.2.3.0" {}; foo = self.callCabal2nix "foo" ./foo {}; }`)
 * instead of an overrides file. Nix evaluates the overlay against permissive stand-ins for
 * `self`, `super`, `pkgs` and `haskell.lib`: the call functions record what they were asked for
 * and return a package stand-in that survives the usual wrappers (dontCheck, doJailbreak,
 * overrideCabal, `.override`, …). Paths come back as strings: nothing is copied to the store, and
 * the evaluation runs read-only. The result is the same PackagePlan as `planFromOverrides`, checked
 * by the same validateEntries, so errors read the same.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { BatchError } from '../common/errors.js'
import { findAttributeLine, type OverrideEntry } from './overrides.js'
import { nixEvaluationError } from '../common/nix-output.js'
import {
  checkInputFile,
  overridesError,
  relativePath,
  validateEntries,
  type PackagePlan
} from './plan.js'
import { commandExists, runCommand } from '../common/process.js'

export interface SkippedCall {
  /** The overlay attribute. */
  attribute: string
  /** The package the call was for, when known. */
  name?: string
  reason: string
}

/** A plan plus the calls the batch cannot stand in for (they stay with nixpkgs). */
export interface OverlayPlan extends PackagePlan {
  skipped: SkippedCall[]
}

export interface OverlayPlanOptions {
  /** The nix-instantiate to run (default: `nix-instantiate` from PATH). */
  nixInstantiate?: string
  timeoutMs?: number
}

/**
 * The evaluator. Every identifier in the overlay's text gets a stand-in in `self`, `super` and
 * `pkgs`, so `super.foo.override { … }` or `pkgs.zlib` evaluate without nixpkgs; every name in
 * `haskell.lib` (and unknown names in `lib`) is a function that hands back the first package
 * stand-in it is given, which covers both argument orders (`dontCheck drv`,
 * `overrideCabal drv f`, `compose.appendPatch p drv`): a package stand-in applied to anything
 * returns itself.
 */
export const EVALUATE_OVERLAY = `{ file }:
let
  inherit (builtins) isAttrs isFunction isList isPath isString typeOf;
  path = /. + file;
  text = builtins.readFile path;
  words = builtins.filter (w: isString w && builtins.match "[A-Za-z_][A-Za-z0-9_'-]*" w != null)
    (builtins.split "[^A-Za-z0-9_'-]+" text);
  forWords = value: builtins.listToAttrs (map (w: { name = w; value = value w; }) words);

  marker = "__someCabal2nixStandIn";
  isPackage = v: isAttrs v && v ? \${marker};
  # Unknown attributes of a stand-in are wrapper-like functions, so \`hlib.dontCheck drv\` works
  # whatever the overlay calls its haskell.lib.
  wordFunctions = forWords (_: generic);
  mkPackage = name: call:
    let
      self = wordFunctions // {
        \${marker} = true;
        inherit call;
        pname = name;
        name = name;
        version = "0";
        outPath = "/some-cabal2nix-stand-in/\${name}";
        passthru = { };
        meta = { };
        env = self;
        override = _: self;
        overrideAttrs = _: self;
        overrideDerivation = _: self;
        overrideScope = _: self;
        __functor = s: _: s;
      };
    in self;
  generic = a: if isPackage a then a else generic;

  hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
  isLocal = x: isPath x || (isString x && hasPrefix "/" x);
  hackage = name: version: mkPackage name { kind = "hackage"; inherit name version; };
  unsupported = name: reason: mkPackage name { kind = "unsupported"; inherit name reason; };
  local = name: src: opts:
    let
      options = if isString opts then opts else if isAttrs opts then opts.extraCabal2nixOptions or "" else "";
      dir =
        if isPath src then toString src
        else if isString src && !(builtins.hasContext src) && hasPrefix "/" src then src
        else if isAttrs src && src ? origSrc && (isPath src.origSrc || isString src.origSrc) then toString src.origSrc
        else null;
    in
    if options != "" then unsupported name "cabal2nix options (\${options}) are not passed to the batch"
    else if isAttrs opts && opts ? srcModifier then unsupported name "srcModifier is not applied by the batch"
    else if dir == null && isPackage src then unsupported name "its source is fetched or built, not a local directory; only Hackage versions and local paths are batched"
    else if dir == null then unsupported name "its source is not a local directory (a \${typeOf src}); only Hackage versions and local paths are batched"
    else mkPackage name { kind = "local"; inherit name; path = dir; };

  calls = {
    callHackage = name: version: _: hackage name version;
    callHackageDirect = { pkg, ver, ... }: _: hackage pkg ver;
    callCabal2nix = name: src: _: local name src "";
    callCabal2nixWithOptions = name: src: opts: _: local name src opts;
    callPackage = fn: _: mkPackage (if isPath fn then baseNameOf fn else "callPackage") null;
    packageSourceOverrides = packageSourceOverrides;
  };
  packageSourceOverrides = overrides: self: _:
    builtins.mapAttrs (n: v: if isLocal (if isAttrs v && v ? outPath then v.outPath else v)
      then self.callCabal2nix n v { } else self.callHackage n v { }) overrides;

  haskellLib = wordFunctions // {
    inherit packageSourceOverrides;
    compose = wordFunctions // { inherit packageSourceOverrides; };
  };
  packageSet = forWords (w: mkPackage w null) // calls // {
    ghc = mkPackage "ghc" null // { haskellCompilerName = "ghc-0"; };
  };

  composeExtensions = f: g: final: prev:
    let fApplied = f final prev; in fApplied // g final (prev // fApplied);
  lib = wordFunctions // builtins // {
    id = x: x;
    const = x: _: x;
    flip = f: a: b: f b a;
    pipe = builtins.foldl' (x: f: f x);
    optional = c: x: if c then [ x ] else [ ];
    optionals = c: xs: if c then xs else [ ];
    optionalAttrs = c: a: if c then a else { };
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    mapAttrs' = f: s: builtins.listToAttrs (map (n: f n s.\${n}) (builtins.attrNames s));
    nameValuePair = name: value: { inherit name value; };
    filterAttrs = p: s: builtins.listToAttrs (builtins.concatMap (n: if p n s.\${n} then [ { name = n; value = s.\${n}; } ] else [ ]) (builtins.attrNames s));
    foldr = op: nul: list: builtins.foldl' (acc: x: op x acc) nul (builtins.genList (i: builtins.elemAt list (builtins.length list - 1 - i)) (builtins.length list));
    recursiveUpdate = a: b: a // b;
    inherit composeExtensions;
    composeManyExtensions = builtins.foldl' composeExtensions (_: _: { });
    fix = f: let x = f x; in x;
    versionAtLeast = a: b: builtins.compareVersions a b >= 0;
    versionOlder = a: b: builtins.compareVersions a b < 0;
    # Source filters: the batch reads only *.cabal and package.yaml, so the directory is what counts.
    cleanSource = src: src;
    cleanSourceWith = { src, ... }: src;
    sourceByRegex = src: _: src;
    sourceFilesBySuffices = src: _: src;
  };
  pkgs = forWords (w: mkPackage w null) // {
    inherit lib;
    haskell = { lib = haskellLib; packages = forWords (_: packageSet); };
    haskellPackages = packageSet;
    stdenv = mkPackage "stdenv" null // { isLinux = true; isDarwin = false; };
    system = "x86_64-linux";
  };
  known = { inherit pkgs lib haskellLib; inherit (pkgs) haskell; self = packageSet; super = packageSet; };
  argsFor = formals: builtins.mapAttrs (n: _: known.\${n} or pkgs.\${n}) (builtins.removeAttrs formals
    (builtins.filter (n: formals.\${n} && !(known ? \${n})) (builtins.attrNames formals)));

  # self: super: { … }, { pkgs, … }: self: super: { … }, pkgs: self: super: { … }, or a list of them.
  run = depth: f:
    if depth > 4 then throw "some-cabal2nix: the overlay is nested more than four functions deep"
    else if isList f then builtins.foldl' (acc: g: acc // run depth g) { } f
    else if !(isFunction f) then throw "some-cabal2nix: expected a haskellPackages overlay (self: super: { … }), found a \${typeOf f}"
    else if builtins.functionArgs f != { } then run (depth + 1) (f (argsFor (builtins.functionArgs f)))
    else
      let r = f packageSet; in
      if !(isFunction r) then throw "some-cabal2nix: expected a haskellPackages overlay taking two arguments (self: super: { … })"
      else
        let r2 = r packageSet; in
        if isFunction r2 then run (depth + 1) (f pkgs) else r2;

  result = run 0 (import path);
  describe = attribute: value:
    let v = builtins.tryEval value; in
    if !v.success then { inherit attribute; kind = "unsupported"; reason = "evaluating it failed (throw or assert)"; }
    else if isPackage v.value && v.value.call != null then v.value.call // { inherit attribute; }
    else null;
in
if !(isAttrs result) then throw "some-cabal2nix: the overlay returned a \${typeOf result}, not an attribute set"
else builtins.filter (x: x != null) (builtins.attrValues (builtins.mapAttrs describe result))`

interface EvaluatedCall {
  attribute: string
  kind: 'hackage' | 'local' | 'unsupported'
  name?: string
  version?: string
  path?: string
  reason?: string
}

const UNDERSTOOD =
  'drop-in mode understands callHackage, callHackageDirect, callCabal2nix and haskell.lib wrappers; ' +
  'for anything else list the packages in an overrides file and use --overrides'

export async function evaluateOverlay(
  file: string,
  options: OverlayPlanOptions = {}
): Promise<EvaluatedCall[]> {
  const absolute = path.resolve(file)
  await checkInputFile(file, {
    name: 'overlay',
    missingHint: 'pass the haskellPackages overlay with --overlay FILE'
  })
  const nix = options.nixInstantiate ?? 'nix-instantiate'
  if (!(await commandExists(nix))) {
    throw new BatchError(
      'nix',
      `drop-in mode evaluates the overlay with Nix, and '${nix}' could not be run`,
      {
        hint: 'install Nix (nix-instantiate on PATH), or list the packages in an overrides file and use --overrides'
      }
    )
  }
  const timeoutMs = options.timeoutMs ?? 60_000
  const result = await runCommand(
    nix,
    [
      '--eval',
      '--strict',
      '--json',
      '--readonly-mode',
      // Newer Nix shows where an error happened only in the trace.
      '--show-trace',
      '--argstr',
      'file',
      absolute,
      '--expr',
      EVALUATE_OVERLAY
    ],
    { timeoutMs }
  )
  if (result.timedOut)
    throw overridesError(
      file,
      0,
      `Nix did not finish evaluating the overlay within ${Math.round(timeoutMs / 1000)} s`,
      UNDERSTOOD
    )
  // Check the exit code first: on an error the JSON on stdout can be partial.
  if (result.code !== 0) {
    const failure = nixEvaluationError(result.stderr, absolute)
    throw overridesError(
      file,
      failure.line,
      `Nix could not evaluate the overlay: ${failure.message}`,
      UNDERSTOOD
    )
  }
  return JSON.parse(result.stdout.toString('utf8')) as EvaluatedCall[]
}

/** Turns an overlay's calls into the plan (same type and checks as planFromOverrides). */
export async function planFromOverlay(
  file: string,
  options: OverlayPlanOptions = {}
): Promise<OverlayPlan> {
  const calls = await evaluateOverlay(file, options)
  const text = await readFile(file, 'utf8')
  const absolute = path.resolve(file)
  const skipped: SkippedCall[] = []
  // One entry per package; where an overlay builds two versions of one package, the batch takes
  // the one bound to the attribute of the same name and leaves the other to nixpkgs.
  const ordered = [...calls].sort(
    (a, b) => Number(b.attribute === b.name) - Number(a.attribute === a.name)
  )
  const chosen = new Map<string, EvaluatedCall>()
  for (const call of ordered) {
    if (call.kind === 'unsupported') {
      skipped.push({
        attribute: call.attribute,
        name: call.name,
        reason: call.reason ?? 'not supported'
      })
      continue
    }
    const name = call.name as string
    const previous = chosen.get(name)
    if (!previous) {
      chosen.set(name, call)
    } else if (previous.version !== call.version || previous.path !== call.path) {
      skipped.push({
        attribute: call.attribute,
        name,
        reason: `another ${name} (attribute '${previous.attribute}') is already in the batch`
      })
    }
  }
  if (chosen.size === 0) {
    throw overridesError(
      file,
      0,
      skipped.length > 0
        ? `no call in the overlay can be batched (${skipped.map(s => `${s.attribute}: ${s.reason}`).join('; ')})`
        : 'the overlay has no callHackage or callCabal2nix calls',
      UNDERSTOOD
    )
  }
  const entries: OverrideEntry[] = [...chosen.values()]
    .sort((a, b) => findAttributeLine(text, a.attribute) - findAttributeLine(text, b.attribute))
    .map(call => ({
      name: call.name as string,
      line: findAttributeLine(text, call.attribute),
      value:
        call.kind === 'hackage'
          ? { kind: 'version', version: String(call.version) }
          : { kind: 'path', path: relativePath(path.dirname(absolute), call.path as string) }
    }))
  skipped.sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0))
  const plan = await validateEntries(file, entries)
  return { ...plan, skipped }
}
