/**
 * The Nix side of drop-in mode: evaluates a haskellPackages (or nixpkgs-level) overlay against
 * stand-ins and describes what each of its attributes calls. src/builder/overlay-plan.ts runs it
 * (see there for the protocol: names, then per-attribute descriptions, split up on failure).
 *
 * Why it is built like this:
 *  - The overlay is read with `scopedImport`, so `<nixpkgs>`, fetchers and `builtins.path` give
 *    stand-ins or the directory they name: nothing comes from NIX_PATH or the network, nothing is
 *    copied to the store (the evaluation also runs read-only).
 *  - Stand-ins are total where overlays read them: every identifier of the overlay (and of the Nix
 *    files beside it) is an attribute, flags (`isDarwin`, `isGhcjs`, …) are booleans, a stand-in
 *    applied to anything returns the package it was given (haskell.lib wrappers in both orders).
 *  - Values drop-in mode cannot know (flags, versions, arguments without a default) are traced when
 *    read; each attribute is evaluated with fresh stand-ins after a `some-cabal2nix-begin N` trace,
 *    so the planner knows which attribute read what.
 *  - Internal stand-in paths are recognised (a directory inside a fetched source) and never reach
 *    a message.
 * It is one Nix program, kept whole in one file (longer than our usual files for that reason); the
 * CLI runs it with `nix-instantiate --expr`, so it cannot import the library in nix/.
 */
export const EVALUATE_OVERLAY = `# request: JSON { mode = "names" | "describe" | "children"; addresses = [ [ attr … ] … ]; flag = bool; }
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
  # stand-ins, so \`super.foo.override { … }\` or \`pkgs.zlib\` evaluate without nixpkgs.
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

      # self: super: { … }, final: prev: { … }, { pkgs, … }: self: super: { … }, pkgs: self: super: …,
      # { haskellLib, self, super }: { … }, or lists of those (pkgs: [ … ] too).
      run =
        depth: f:
        if depth > 5 then
          throw "some-cabal2nix: the overlay is nested more than five functions deep"
        else if isList f then
          foldl' (acc: g: acc // run depth g) { } f
        else if isAttrs f && !(f ? __functor) then
          if depth == 0 then
            throw "some-cabal2nix: expected a haskellPackages overlay (self: super: { … }), found a set"
          else
            f
        else if !(isFunction f || isAttrs f) then
          throw "some-cabal2nix: expected a haskellPackages overlay (self: super: { … }), found a \${typeOf f}"
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
`
