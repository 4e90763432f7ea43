// Word lists the generated packages are made of, roughly in Hackage's frequencies.

export const NAME_WORDS =
  `data text http json web servant lens yaml parser parsec monad stm async conduit pipes
streaming vector array hash crypto sql postgres mysql sqlite redis mongo aws amazonka google azure
cloud wai warp yesod snap scotty spock hspec tasty quickcheck test bench binary cereal bytes string
utf8 unicode time clock date random uuid uri url network socket tls xml html css blaze lucid markdown
pandoc template th generic generics deriving free comonad profunctor category algebra linear matrix
numeric math stats plot chart diagrams graphics gl opengl sdl gtk qt reflex dom jsaddle frontend api
client server rest graphql grpc proto protobuf thrift avro kafka amqp zmq mqtt log logging logger katip
config env options cli cmd shell process unix posix filepath directory fs io effect effects polysemy
fused eff extensible records vinyl row hkd barbies optics microlens units dimensional money decimal
scientific integer natural bits bitvec compact memo cache lru pool resource exceptions safe errors
either validation these semialign witherable containers map set graph tree trie heap queue deque
sequence list nonempty zipper stream fold foldl lazy strict deepseq parallel concurrent distributed
actor raft db persistent esqueleto beam opaleye selda hasql squeal migration schema codec compression
zlib lzma zstd bzip tar zip archive image juicy pixel color font audio midi music sound video game
engine physics neural tensor nlp language lang compiler interpreter llvm jit asm bytecode wasm js elm
idris agda smt sat sbv prover logic lambda calculus type types kind singletons dependent ghc cabal stack
hackage nix docker kubernetes github gitlab git darcs bot irc slack discord telegram email smtp imap
mime csv excel pdf latex svg png jpeg gif geo gis osm bio chem finance trading bitcoin ledger calendar
cron scheduler job worker retry timeout rate limit circuit metrics prometheus ekg tracing monitor health
dns websockets oauth jwt ldap auth password bcrypt sodium rsa aes sha blake murmur xxhash bloom sketch
histogram simd gpu cuda accelerate repa massive fft ode solver control transformers prelude classy
relude rio foundation extra utils util tools kit core common internal instances orphans compat lib
framework toolkit helpers plus simple tiny mini micro fast quick pure native bindings ffi hs haskell
arrow applicative functor traversable foldable semigroup monoid bifunctors contravariant distributive
kan adjunctions recursion schemes fix machines coroutine continuation cont reader writer state rws
bound unbound names syntax pretty printer doc ansi terminal vty brick tui curses readline haskeline
repl notebook ihaskell jupyter doctest hedgehog smallcheck leancheck validity genvalidity hunit golden
inspection weigh gauge criterion bench2 profiling prof heapview ghcide hls lsp ide hoogle haddock
stylish ormolu fourmolu hlint refactor rename exact print annotations source location span diff patch
merge ot crdt sync replication event sourcing cqrs saga workflow pipeline dag batch etl spark flink
hadoop hdfs parquet arrow2 orc feather hdf5 netcdf fits astro quantum qubit circuitq crypto2 hmac hkdf
pbkdf2 scram sasl kerberos tor onion p2p dht gossip torrent ipfs libp2p ssh sftp ftp telnet serial usb
bluetooth can modbus gpio i2c spi arduino raspberry embedded rtos kernel os boot uefi elf dwarf pe macho`
    .split(/\s+/)
    .filter(Boolean)

export const CAMEL_NAMES =
  `HTTP HUnit QuickCheck Cabal GLUT OpenGL HaXml HDBC HStringTemplate HaTeX Diff Glob
ListLike MissingH MonadRandom ObjectName SHA StateVar Win32 X11 Xauth AC BNFC Chart FontyFruity
GenericPretty HaRe HsOpenSSL HsYAML IfElse JuicyPixels LambdaHack MemoTrie NumInstances OpenAL
PSQueue RSA SafeSemaphore Stream TypeCompose ValueSupply YampaSynth Yampa attoparsecX cassava`
    .split(/\s+/)
    .filter(Boolean)

export const CORE_DEPS =
  `base bytestring text containers mtl transformers aeson vector unordered-containers deepseq
filepath directory time process hashable template-haskell lens stm async exceptions random network
http-client http-types attoparsec parsec megaparsec scientific primitive semigroups data-default
optparse-applicative array binary ghc-prim split safe conduit resourcet unliftio monad-control
transformers-base profunctors free tagged case-insensitive yaml wai warp servant utf8-string
base64-bytestring cryptonite memory zlib streaming-commons old-time pretty syb haskell-src-exts
blaze-builder blaze-html persistent microlens mmorph contravariant semigroupoids comonad bifunctors
th-abstraction generic-deriving uuid-types time-compat base-compat base-orphans integer-gmp
network-uri http-conduit tls x509 data-default-class vector-algorithms dlist hashtables parallel
QuickCheck`
    .split(/\s+/)
    .filter(Boolean)

export const TEST_DEPS = [
  'hspec',
  'QuickCheck',
  'tasty',
  'tasty-hunit',
  'tasty-quickcheck',
  'HUnit',
  'hedgehog',
  'doctest',
  'tasty-golden',
  'quickcheck-instances',
  'hspec-core',
  'temporary',
  'silently'
]
export const BENCH_DEPS = ['criterion', 'tasty-bench', 'gauge', 'deepseq', 'weigh']

export const WORDS =
  `the a of to and for is in this library that with package provides data type functions can be
an are as it on by which from types use using or not haskell you instance instances support also more
module class simple based implementation interface all its these other such values value used when
only into see function new example efficient if we has have one will than some may set well so each
time list support like string structure over high level pure fast safe monad monadic operations most
way both any supports common generic binding bindings allows parsing parser pretty printing network
protocol server client api web json encoding decoding format user users version versions compatible
compatibility under about between without provide written small large number error errors handling
make makes different same first two many our also make given provided defined representation
representations including includes code see documentation tutorial examples further information please
report bugs issue tracker github repository details changes changelog release notes build builds tests
testing test suite benchmark benchmarks performance memory streaming lazy strict text bytes sequence
map maps sets keys key arrays vector vectors matrix numeric numbers integer integers floating point
precision unicode utf characters character encoding file files directory paths path system process
processes thread threads concurrency concurrent parallel effects effect transformer transformers stack
stacks lift lifting class classes typeclass typeclasses deriving generics template derive record records
field fields lens lenses optics prism traversal fold folds applicative functor functors category theory
algebra algebraic law laws property properties check checking quickcheck random generation generator
generators shrinking configuration config options command line arguments environment variables logging
log messages output input reading writing reader writer state monads exception exceptions resource
resources safely handle handles socket sockets connection connections pool pooling database databases
query queries sql schema migrations table tables row rows column columns transaction transactions cache
caching hash hashing crypto cryptographic secure security key signature signatures certificate tls ssl
http https request requests response responses header headers body status routes routing handler
handlers middleware application applications framework frameworks wai warp servant type-level types
kinds constraint constraints dependent singletons proof proofs compile compiler compilation ghc plugin
plugins extension extensions language pragma pragmas syntax tree trees graph graphs node nodes edge
edges algorithm algorithms search sort sorting order ordering compare comparison equality hashable
serialization serialize deserialize binary cereal store storable pointer pointers foreign ffi c library
libraries wrapper wrappers low-level high-level idiomatic lightweight minimal complete full featured
experimental stable deprecated maintained unmaintained replacement alternative faster slower boxed
unboxed mutable immutable persistent ephemeral pure impure strictness laziness evaluation thunk
thunks space leak leaks profile profiling optimise optimised optimized inline inlining specialise
rewrite rules fusion stream streams chunk chunks incremental resumable backtracking combinators
combinator parsers lexer lexing tokens token grammar grammars abstract concrete syntax ast expression
expressions statement statements term terms variable variables binding scope scopes environment`
    .split(/\s+/)
    .filter(Boolean)

export const MODULE_WORDS =
  `Types Internal Class Instances Parser Pretty Lens TH Unsafe Util Utils Monad Trans Core Base
Common Config Options Server Client Handler Handlers API Encode Decode Builder Lazy Strict Text Char8
Stream Streaming Pure IO Effect Effects Error Errors Exception Exceptions Log Logger Time Random Hash
Map Set Seq Tree Graph Array Vector Mutable Unboxed Storable Primitive Generic Generics Deriving Orphans
Compat Prelude Syntax Lexer Token Eval Interpreter Compiler Optimise Codegen Backend Frontend Render
Style Layout Widget Event Events Signal Network Socket Connection Pool Query Schema Migration Table
Record Field Fields Version Unicode Encoding Serialise Binary Json Yaml Xml Html Css Url Http Request
Response Header Headers Status Route Routing Session Auth Token Crypto Cipher Key Sign Verify`
    .split(/\s+/)
    .filter(Boolean)

export const FIRST_NAMES =
  'Alice Bob Carol David Erik Fatima Gabriel Hana Ivan Julia Kenji Lars Maria Nikolai Olga Pedro Qing Rosa Sven Tomas Ulla Viktor Wei Ximena Yusuf Zoe Andres Bartosz Chiara Dmitri Emma Felix Greta Hiroshi Ines Jakub Kira Leon Mateo Nora Oskar Paula Rafael Sofia Theo'.split(
    ' '
  )
export const LAST_NAMES =
  'Anderson Bergstrom Castillo Dubois Eriksen Fischer Garcia Hoffmann Ivanov Jensen Kowalski Lindqvist Moreau Nakamura Olsen Petrov Quinn Rossi Schmidt Tanaka Urban Varga Weber Xu Yilmaz Zimmermann Novak Costa Horvat Kuznetsov Silva Brown Smith Wilson Taylor Martin Lefebvre Romano Sato Kim Park Chen Wang Li'.split(
    ' '
  )
export const LICENSES = [
  ['BSD3', 30],
  ['MIT', 22],
  ['BSD-3-Clause', 14],
  ['Apache-2.0', 5],
  ['GPL-3', 4],
  ['MIT', 4],
  ['GPL-2', 2],
  ['LGPL-2.1', 2],
  ['MPL-2.0', 2],
  ['ISC', 2],
  ['BSD2', 2],
  ['GPL-3.0-only', 2],
  ['PublicDomain', 1],
  ['AGPL-3', 1],
  ['OtherLicense', 1],
  ['LGPL-3', 1],
  ['BSD-2-Clause', 2]
]
/** Cabal 2.2 and later take SPDX expressions only; the legacy names above, as SPDX. */
export const SPDX_LICENSES = /** @type {Record<string, string>} */ ({
  BSD3: 'BSD-3-Clause',
  BSD2: 'BSD-2-Clause',
  'GPL-2': 'GPL-2.0-only',
  'GPL-3': 'GPL-3.0-only',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-3': 'LGPL-3.0-only',
  'AGPL-3': 'AGPL-3.0-only',
  PublicDomain: 'LicenseRef-PublicDomain',
  OtherLicense: 'LicenseRef-OtherLicense'
})
export const CATEGORIES =
  'Data Web Network Text Control Development Testing System Database Parsing Math Graphics Concurrency Cryptography Language Compilers/Interpreters Codec Console Game Sound Distributed Computing FFI Generics Algorithms Bioinformatics Finance Utils JSON Logging Streaming Template Haskell Types Serialization Natural Language Processing Machine Learning'.split(
    ' '
  )
export const EXTENSIONS =
  'OverloadedStrings ScopedTypeVariables TypeApplications DeriveGeneric DeriveFunctor LambdaCase RankNTypes FlexibleContexts FlexibleInstances MultiParamTypeClasses GADTs DataKinds KindSignatures TypeFamilies BangPatterns RecordWildCards TupleSections GeneralizedNewtypeDeriving DerivingStrategies DeriveAnyClass StandaloneDeriving ConstraintKinds PolyKinds DefaultSignatures CPP TemplateHaskell QuasiQuotes NamedFieldPuns MultiWayIf ViewPatterns PatternSynonyms'.split(
    ' '
  )
export const GHCS = [
  '7.0.4',
  '7.4.2',
  '7.6.3',
  '7.8.4',
  '7.10.3',
  '8.0.2',
  '8.2.2',
  '8.4.4',
  '8.6.5',
  '8.8.4',
  '8.10.7',
  '9.0.2',
  '9.2.8',
  '9.4.8',
  '9.6.6',
  '9.8.4',
  '9.10.1',
  '9.12.2'
]
