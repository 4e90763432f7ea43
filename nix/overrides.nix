# Reading and checking overrides, in plain Nix (builtins only, so it evaluates without nixpkgs).
#
# Accepted forms, the same as the CLI's `--overrides FILE`:
#   - an attribute set:            { aeson = "2.2.3.0"; my-lib = ./my-lib; }
#   - a Nix file holding one:      ./overrides.nix   (a function is called with { })
#   - a JSON file:                 ./overrides.json  { "aeson": "2.2.3.0", "my-lib": { "path": "./my-lib" } }
#   - the CLI's plan JSON:         { "packages": [ { "name": …, "version": … } | { "name": …, "path": … } ] }
# A value is a version string, or a local package: a Nix path, a string starting with "/", or
# (Nix only) a derivation or other attribute set with an outPath, such as a fetched source.
#
# Problems are reported with the CLI's wording (src/builder/plan.ts, validateEntries), so a bad file
# reads the same whether `some-cabal2nix plan`, the Action or `nix build` finds it.
let
  inherit (builtins)
    attrNames
    concatStringsSep
    filter
    foldl'
    genList
    head
    isAttrs
    isList
    isPath
    isString
    length
    listToAttrs
    match
    replaceStrings
    split
    stringLength
    substring
    tail
    typeOf
    ;

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
  hasSuffix =
    suffix: s:
    let
      n = stringLength s;
      m = stringLength suffix;
    in
    n >= m && substring (n - m) m s == suffix;

  # Hackage naming rules, as src/builder/hackage.ts.
  packageNameRegex = "[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*";
  versionRegex = "(0|[1-9][0-9]{0,8})([.](0|[1-9][0-9]{0,8}))*";
  isValidPackageName = name: stringLength name > 0 && stringLength name <= 255 && match packageNameRegex name != null;
  isValidVersion = version: stringLength version <= 100 && match versionRegex version != null;

  lines = text: filter isString (split "\n" text);

  # 1-based line of the first line matching `regex`, 0 when none does.
  firstLineMatching =
    regex: text:
    let
      ls = lines text;
      found = foldl' (
        acc: line:
        if acc.found != 0 then
          acc
        else
          {
            at = acc.at + 1;
            found = if match regex line != null then acc.at + 1 else 0;
          }
      ) { at = 0; found = 0; } ls;
    in
    found.found;

  countNewlines = s: length (filter isList (split "\n" s));

  # U+FEFF, the byte order mark some editors put at the start of a UTF-8 file.
  bom = builtins.fromJSON "\"\\ufeff\"";

  # The CLI's words (src/builder/plan.ts) for a JSON file with comments.
  jsonCommentHint = "JSON has no comments: remove them, or write the overrides as a .nix file, where # comments are fine";

  # Nix text with comments blanked out, newlines kept (so line numbers stay right).
  withoutComments =
    text:
    concatStringsSep "" (
      map (piece: if isList piece then concatStringsSep "" (map (_: "\n") (genList (x: x) (countNewlines (head piece)))) else piece) (
        split "(#[^\n]*|/[*]([^*]|[*]+[^*/])*[*]+/)" text
      )
    );

  # Running totals [ 0 x0 (x0+x1) … ] of a list of numbers, in halves: a fold that appends to its
  # accumulator copies it at every step.
  exclusiveSums =
    xs:
    let
      go =
        from: count:
        if count == 0 then
          {
            sums = [ ];
            total = 0;
          }
        else if count == 1 then
          {
            sums = [ 0 ];
            total = builtins.elemAt xs from;
          }
        else
          let
            half = count / 2;
            left = go from half;
            right = go (from + half) (count - half);
          in
          {
            sums = left.sums ++ map (s: s + left.total) right.sums;
            total = left.total + right.total;
          };
    in
    (go 0 (length xs)).sums;

  # Where the package keys are in the text: `name = ` (Nix), `"name":` (JSON) or `"name": "name"`
  # (plan JSON), as the CLI reads them (src/builder/overrides.ts). For each pattern, `whole` are the
  # groups that together are the whole match, `key` the group holding the name (a second one for
  # Nix's unquoted names), `lead` the group before the key (its newlines are not the key's line).
  keyPatterns = {
    # The last group takes `==` (a comparison, not a key) whole, so it cannot hide a key after it.
    nix = {
      regex = "([[:space:]{;])(\"([^\"]*)\"|([A-Za-z_][A-Za-z0-9_'-]*))([[:space:]]*=)(=?)";
      whole = [ 0 1 4 5 ];
      key = 2;
      bareKey = 3;
      lead = 0;
      skip = groups: builtins.elemAt groups 5 == "=";
    };
    json = jsonKeyPattern "(\"(([^\"\\\\]|\\\\.)*)\"[[:space:]]*:)";
    plan = jsonKeyPattern "(\"name\"[[:space:]]*:[[:space:]]*\"(([^\"\\\\]|\\\\.)*)\")";
  };
  # JSON keys: one group is the whole match, the next the name inside the quotes.
  jsonKeyPattern = regex: {
    inherit regex;
    whole = [ 0 ];
    key = 1;
    bareKey = 1;
    lead = null;
    skip = _: false;
  };

  # name → the 1-based lines of its keys, in file order; one pass over the text for every name.
  keyLines =
    source:
    let
      pattern =
        if !source.isJson then
          keyPatterns.nix
        else if source.isPlan then
          keyPatterns.plan
        else
          keyPatterns.json;
      pieces = map (piece: if isList piece then map (g: if g == null then "" else g) piece else piece) (
        split pattern.regex "\n${source.scanText}"
      );
      group = groups: k: builtins.elemAt groups k;
      newlinesOf =
        piece:
        if isString piece then countNewlines piece else countNewlines (concatStringsSep "" (map (group piece) pattern.whole));
      linesBefore = exclusiveSums (map newlinesOf pieces);
      keys = builtins.concatLists (
        genList (
          i:
          let
            groups = builtins.elemAt pieces i;
            quoted = group groups pattern.key;
          in
          if isString groups || pattern.skip groups then
            [ ]
          else
            [
              {
                name = if quoted != "" || pattern.key == pattern.bareKey then quoted else group groups pattern.bareKey;
                line = builtins.elemAt linesBefore i + (if pattern.lead == null then 0 else countNewlines (group groups pattern.lead));
              }
            ]
        ) (length pieces)
      );
    in
    builtins.mapAttrs (_: map (k: k.line)) (builtins.groupBy (k: k.name) keys);

  occurrences = source: name: source.keyLines.${name} or [ ];

  attributeLine =
    source: name:
    let
      o = occurrences source name;
    in
    if o == [ ] then 0 else head o;

  # 'name' is listed twice, at every occurrence after the first (as validateEntries in src/builder/plan.ts).
  duplicateProblems =
    source: names:
    let
      counts = builtins.mapAttrs (_: length) (builtins.groupBy (n: n) names);
      problemsOf =
        n:
        let
          o = occurrences source n;
          times = if counts.${n} > length o then counts.${n} else length o;
          first = if o == [ ] then 0 else head o;
          lineOf = k: if k < length o then builtins.elemAt o k else 0;
        in
        genList (k: {
          line = lineOf (k + 1);
          text = "'${n}' is listed twice${if first > 0 then " (first on line ${toString first})" else ""}";
        }) (times - 1);
    in
    builtins.concatMap problemsOf (attrNames counts);

  # The plain attribute set the CLI reads without Nix (src/builder/overrides.ts), read from the text:
  # `keys` in file order (empty when the file is more than that subset), for the duplicates Nix itself
  # would only report as a syntax error; and `entries`, the name-value pairs when every key has a
  # plain value (else null), so that such a file still gets every other problem reported.
  plainSubset =
    source:
    let
      text = source.scanText;
      oneLine = replaceStrings [ "\n" ] [ " " ] text;
      keys = map (m: replaceStrings [ "\"" ] [ "" ] (builtins.elemAt m 1)) (
        filter isList (split "([[:space:]{;])(\"[^\"]*\"|[A-Za-z_][A-Za-z0-9_'-]*)[[:space:]]*=[^=]" "\n${text}")
      );
      pairs = filter isList (
        split "[[:space:]{;](\"([^\"]*)\"|([A-Za-z_][A-Za-z0-9_'-]*))[[:space:]]*=[[:space:]]*(\"([^\"\\\\]*)\"|([.][.]?/[A-Za-z0-9._+/-]*|/[A-Za-z0-9._+-][A-Za-z0-9._+/-]*))[[:space:]]*;" "\n${text}"
      );
      entry =
        groups:
        let
          g = builtins.elemAt groups;
          path = g 5;
        in
        {
          name = if g 1 != null then g 1 else g 2;
          value =
            if path == null then
              g 4
            else if hasPrefix "/" path then
              /. + path
            else
              source.dir + "/${path}";
        };
      plain =
        length (filter isList (split "[{]" text)) == 1
        && length (split "(^|[^A-Za-z0-9_'-])(let|rec|inherit|with|import)([^A-Za-z0-9_'-]|$)" oneLine) == 1
        && length (split "[$][{]" text) == 1;
    in
    {
      keys = if plain then keys else [ ];
      entries = if plain && length keys == length pairs then map entry pairs else null;
    };

  # JSON by extension or by content, like isJsonFile in src/builder/plan.ts.
  looksLikeJson =
    file: text:
    let
      start = replaceStrings [ "\n" "\r" "\t" ] [ " " " " " " ] (substring 0 512 text);
    in
    hasSuffix ".json" (toString file)
    || (
      match "[[:space:]]*[{][[:space:]]*(\"[^\"]*\"[[:space:]]*:.*|[}][[:space:]]*)" start != null
      && match "[[:space:]]*[{][[:space:]]*\"[^\"]*\"[[:space:]]*=.*" start == null
    );

  isFileArgument = x: isPath x || isString x || (isAttrs x && x ? outPath);

  # { label, dir, text, isJson, value }: what the overrides came from.
  load =
    overrides:
    if isAttrs overrides && !(overrides ? outPath) then
      {
        label = null;
        dir = null;
        text = null;
        isJson = false;
        isPlan = false;
        keyLines = { };
        duplicates = [ ];
        value = overrides;
      }
    else if isFileArgument overrides then
      let
        file = if isString overrides && !(hasPrefix "/" overrides) then throw "some-cabal2nix: overrides file '${overrides}' is not an absolute path; pass a Nix path such as ./overrides.nix" else overrides;
        label = toString file;
        raw = builtins.readFile file;
        hasBom = substring 0 3 raw == bom;
        text = if hasBom then substring 3 (stringLength raw) raw else raw;
        isJson = looksLikeJson file text;
        scanned = {
          inherit text isJson;
          dir = dirOf file;
          isPlan = isJson && match "[[:space:]]*[{][[:space:]]*\"packages\"[[:space:]]*:.*" (replaceStrings [ "\n" ] [ " " ] text) != null;
          scanText = if isJson then text else withoutComments text;
        };
        located = scanned // { keyLines = keyLines scanned; };
        plain = if isJson then { keys = [ ]; entries = null; } else plainSubset located;
        nixDuplicates = duplicateProblems located plain.keys;
        jsonComment = firstLineMatching "([^\"]*\"[^\"]*\")*[^\"]*(//|/[*]).*" text;
        imported =
          if match "[[:space:]]*" text != null then
            throw "${label}: the overrides file is empty\nhint: write { package-name = \"version\"; } or the JSON form"
          else if hasBom && !isJson then
            throw "${label}:1: the file starts with a byte order mark (BOM), which Nix cannot read\nhint: save it as UTF-8 without a BOM"
          else if isJson && jsonComment > 0 then
            throw "${label}:${toString jsonComment}: invalid JSON: comments are not allowed in JSON\nhint: ${jsonCommentHint}"
          else if nixDuplicates != [ ] && plain.entries == null then
            throw (problemsMessage { inherit label; } (byLine nixDuplicates))
          else if nixDuplicates != [ ] then
            # Nix would stop at the repeated name; the entries read from the text go on to be checked.
            builtins.listToAttrs plain.entries
          else if isJson then
            builtins.fromJSON text
          else
            import file;
        formals = builtins.functionArgs imported;
      in
      located
      // {
        inherit label;
        duplicates = nixDuplicates;
        # A function header ({ pkgs }: { … }): an argument the file uses is an error naming it, as in
        # the CLI (src/builder/plan.ts); one it only declares costs nothing.
        value =
          if builtins.isFunction imported then
            imported (
              builtins.mapAttrs (
                n: _: throw "${label}: the overrides file uses its argument '${n}', which an overrides file read on its own does not have"
              ) (builtins.removeAttrs formals (builtins.filter (n: formals.${n}) (builtins.attrNames formals)))
            )
          else
            imported;
      }
    else
      throw "some-cabal2nix: overrides must be an attribute set or the path of an overrides file, not a ${typeOf overrides}";

  # The CLI's plan JSON ({ "packages": [ … ] }) as ordinary entries.
  rawEntries =
    source:
    let
      v = source.value;
    in
    if !(isAttrs v) then
      throw "some-cabal2nix: ${if source.label == null then "overrides" else source.label}: expected an attribute set of package name to version, not a ${typeOf v}"
    else if source.isJson && attrNames v == [ "packages" ] && isList v.packages then
      map (p: {
        name = p.name;
        value = if p ? path then { inherit (p) path; } else p.version;
      }) v.packages
    else
      map (name: {
        inherit name;
        value = v.${name};
      }) (attrNames v);

  resolveJsonPath =
    source: p:
    if hasPrefix "/" p then
      p
    else if isPath source.dir then
      source.dir + "/${p}"
    else
      toString source.dir + "/${p}";

  # Shown path of a local package: as written when known, else relative to the overrides file.
  displayPath =
    source: p:
    let
      s = toString p;
      base = if source.dir == null then null else toString source.dir + "/";
    in
    if base != null && hasPrefix base s then "./${substring (stringLength base) (stringLength s) s}" else s;

  # One entry → { name, line, kind = "hackage"|"local"|"invalid", version?, src?, shown?, problem? }.
  classify =
    source: raw:
    let
      inherit (raw) name value;
      line = attributeLine source name;
      local = src: shown: {
        inherit name line src shown;
        kind = "local";
      };
      invalid = problem: {
        inherit name line problem;
        kind = "invalid";
      };
    in
    if isString value then
      if hasPrefix "/" value then
        local value value
      else
        {
          inherit name line;
          kind = "hackage";
          version = value;
        }
    else if isPath value then
      local value (displayPath source value)
    else if isAttrs value && value ? outPath then
      local value (toString value)
    else if source.isJson && isAttrs value && isString (value.path or null) then
      local (resolveJsonPath source value.path) value.path
    else if source.isJson && isAttrs value && isString (value.version or null) then
      {
        inherit name line;
        kind = "hackage";
        version = value.version;
      }
    else if source.isJson then
      invalid "'${name}' must be a version string, {\"version\": \"…\"} or {\"path\": \"./dir\"}"
    else
      invalid "'${name}' evaluates to a ${typeOf value}; expected a version string or a path";

  # Local directories that Nix can look at now (not derivation outputs) are checked like the CLI does.
  localProblem =
    entry:
    let
      src = entry.src;
      checkable = isPath src || (isString src && !(builtins.hasContext src));
      p = if isPath src then src else /. + src;
      parentEntries = builtins.readDir (dirOf p);
      type = parentEntries.${baseNameOf p} or null;
      names = attrNames (builtins.readDir p);
    in
    if !checkable then
      null
    else if !(builtins.pathExists p) then
      "does not exist"
    else if type != "directory" && type != "symlink" then
      "is not a directory"
    else if !(builtins.any (n: hasSuffix ".cabal" n || n == "package.yaml") names) then
      "has no .cabal file or package.yaml"
    else
      null;

  problemOf =
    entry:
    if entry.kind == "invalid" then
      entry.problem
    else if !(isValidPackageName entry.name) then
      "'${entry.name}' is not a valid Hackage package name (letters, digits and single dashes; no word all digits)"
    else if entry.kind == "hackage" then
      if isValidVersion entry.version then null else "'${entry.name}': \"${entry.version}\" is not a valid version (numbers separated by dots, like \"2.2.3.0\")"
    else
      let
        problem = localProblem entry;
      in
      if problem == null then null else "'${entry.name}': local package ${entry.shown} ${problem}";

  where = source: line: "${if source.label == null then "overrides" else source.label}${if line > 0 then ":${toString line}" else ""}";

  sortEntries = builtins.sort (a: b: a.name < b.name);

  byLine = builtins.sort (a: b: a.line < b.line);

  # Every problem at once, the first in the file as the headline (as validateEntries does).
  problemsMessage =
    source: problems:
    concatStringsSep "\n" (
      [ "${where source (head problems).line}: ${(head problems).text}" ]
      ++ map (p: "  ${where source p.line}: ${p.text}") (tail problems)
      ++ [ "hint: fix the overrides file; nothing was built" ]
    );

  # overrides → { label, entries = [ { name, kind, version | src } … ] (sorted by name) }, or a
  # throw with the CLI's message. As in the CLI, a value of the wrong type stops reading at once
  # (the first one: alphabetical for Nix, as evaluated; in file order for JSON); otherwise every
  # problem is listed, the first in the file as the headline.
  read =
    overrides:
    let
      source = load overrides;
      classified = map (classify source) (rawEntries source);
      invalid = builtins.filter (e: e.kind == "invalid") classified;
      firstInvalid = head (if source.isJson then byLine invalid else invalid);
      # Nix keeps the first of a repeated name (see load), JSON only one of them.
      problems = byLine (
        (if source.isJson then duplicateProblems source (map (e: e.name) (rawEntries source)) else source.duplicates)
        ++ builtins.concatMap (
          e:
          let
            p = problemOf e;
          in
          if p == null then [ ] else [ { inherit (e) line; text = p; } ]
        ) classified
      );
      entries = sortEntries classified;
    in
    if invalid != [ ] then
      throw (
        "${where source firstInvalid.line}: ${firstInvalid.problem}"
        + (if source.isJson then "" else "\nhint: expected { package-name = \"version\"; local-package = ./path; }")
      )
    else if problems != [ ] then
      throw (problemsMessage source problems)
    else if entries == [ ] then
      throw "${where source 0}: no packages to build\nhint: add at least one package, e.g. { aeson = \"2.2.3.0\"; }"
    else
      {
        inherit (source) label;
        inherit entries;
      };
in
{
  inherit
    read
    isValidPackageName
    isValidVersion
    hasPrefix
    hasSuffix
    ;
}
