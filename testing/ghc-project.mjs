// A Haskell project for incremental builds with a real GHC: `chain-app`, an executable whose 29
// modules form one dependency chain (Chain.M01 imports Chain.Dep from the package `chain-dep`,
// Chain.Mk imports Chain.M(k-1), Main imports the top), so "1 of 30" and "30 of 30" compiled
// modules are visibly different. The project is a model: edits change the model, `writeProject`
// writes it, and `expectedOutput` says what the built program must print, computed here and not
// by GHC, so a build that reused a stale module prints something else.
//
// Used by __tests__/incremental-ghc.test.ts and bench/incremental.mjs.
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

const MODULUS = 1_000_003

/**
 * @typedef {{ name: string, offset: number, extraExport?: boolean }} ChainModule
 * @typedef {{
 *   modules: ChainModule[],
 *   depVersion: string,
 *   depValue: number,
 *   loudByDefault: boolean,
 *   greeting: string,
 *   weight: number,
 *   salt: string
 * }} ProjectModel
 */

/**
 * The project as first written: `chainLength` chain modules + Main. `weight` adds records with
 * derived instances to every chain module, so each takes real compile time (the benchmark), 0 keeps
 * the tests fast. `salt` goes into a comment of every file: a new salt is a project Nix has not
 * built yet, so a store kept from an earlier run cannot answer from its cache.
 * @returns {ProjectModel}
 */
/** @param {{ chainLength?: number, weight?: number, salt?: string }} [options] @returns {ProjectModel} */
export function initialModel({ chainLength = 29, weight = 0, salt = '' } = {}) {
  return {
    modules: Array.from({ length: chainLength }, (_, i) => ({
      name: `Chain.M${String(i + 1).padStart(2, '0')}`,
      offset: i + 1
    })),
    depVersion: '1.0',
    depValue: 7,
    loudByDefault: false,
    greeting: 'chain',
    weight,
    salt
  }
}

/** How many modules chain-app has (the chain and Main). */
/** @param {ProjectModel} model @returns {number} */
export function moduleCount(model) {
  return model.modules.length + 1
}

/** @param {ChainModule} module @returns {string} */
function valueName(module) {
  return `value${module.name.replace(/[^A-Za-z0-9]/g, '')}`
}

/** What the built `chain-app` prints for this model. */
/** @param {ProjectModel} model @returns {string} */
export function expectedOutput(model) {
  let value = model.depValue
  for (const m of model.modules) value = (value * 31 + m.offset) % MODULUS
  const lines = [`${model.greeting} ${value}`]
  if (model.loudByDefault) lines.push('LOUD')
  return lines.join('\n') + '\n'
}

/** @param {ProjectModel} model @param {number} index @returns {string} */
function chainModuleSource(model, index) {
  const m = model.modules[index]
  const below =
    index === 0
      ? { name: 'Chain.Dep', value: 'depValue' }
      : { name: model.modules[index - 1].name, value: valueName(model.modules[index - 1]) }
  const own = valueName(m)
  const records = Array.from({ length: model.weight }, (_, r) => {
    const t = `R${own}x${r}`
    const fields = Array.from(
      { length: 12 },
      (_, f) => `f${t}${f} :: ${f % 3 === 0 ? 'Int' : f % 3 === 1 ? 'String' : 'Maybe [Int]'}`
    )
    return `data ${t} = ${t} { ${fields.join(', ')} } deriving (Show, Read, Eq, Ord)\n`
  })
  const exports = [own, ...(m.extraExport ? [`extra${own}`] : [])]
  return [
    `-- ${model.salt}`,
    `module ${m.name} (${exports.join(', ')}) where`,
    '',
    `import ${below.name} (${below.value})`,
    '',
    `${own} :: Int`,
    `${own} = (${below.value} * 31 + ${m.offset}) \`mod\` ${MODULUS}`,
    ...(m.extraExport ? ['', `extra${own} :: Int`, `extra${own} = ${own} + 1`] : []),
    '',
    ...records,
    ''
  ].join('\n')
}

/** @param {ProjectModel} model @returns {string} */
function mainSource(model) {
  const top = model.modules[model.modules.length - 1]
  return [
    `-- ${model.salt}`,
    '{-# LANGUAGE CPP #-}',
    'module Main (main) where',
    '',
    `import ${top.name} (${valueName(top)})`,
    '',
    'main :: IO ()',
    'main = do',
    `  putStrLn ("${model.greeting} " ++ show ${valueName(top)})`,
    '#ifdef LOUD',
    '  putStrLn "LOUD"',
    '#endif',
    ''
  ].join('\n')
}

/** @param {ProjectModel} model @returns {string} */
function appCabal(model) {
  return [
    'cabal-version: 2.4',
    `-- ${model.salt}`,
    'name:          chain-app',
    'version:       1.0',
    'synopsis:      A chain of modules for incremental builds',
    'license:       MIT',
    'build-type:    Simple',
    '',
    'flag loud',
    '  description: print one more line',
    `  default:     ${model.loudByDefault ? 'True' : 'False'}`,
    '  manual:      True',
    '',
    'executable chain-app',
    '  main-is:          Main.hs',
    '  hs-source-dirs:   src',
    `  other-modules:    ${model.modules.map(m => m.name).join('\n                    ')}`,
    '  build-depends:    base >=4 && <5, chain-dep',
    '  default-language: Haskell2010',
    '  if flag(loud)',
    '    cpp-options:    -DLOUD',
    ''
  ].join('\n')
}

/** @param {ProjectModel} model @returns {string} */
function depCabal(model) {
  return [
    'cabal-version: 2.4',
    `-- ${model.salt}`,
    'name:          chain-dep',
    `version:       ${model.depVersion}`,
    'synopsis:      The dependency at the bottom of the chain',
    'license:       MIT',
    'build-type:    Simple',
    '',
    'library',
    '  exposed-modules:  Chain.Dep',
    '  hs-source-dirs:   src',
    '  build-depends:    base >=4 && <5',
    '  default-language: Haskell2010',
    ''
  ].join('\n')
}

/** Writes the whole project to `dir` (replacing what was there): overrides.nix and both packages. */
/** @param {string} dir @param {ProjectModel} model @returns {Promise<void>} */
export async function writeProject(dir, model) {
  await rm(dir, { recursive: true, force: true })
  const app = path.join(dir, 'chain-app')
  const dep = path.join(dir, 'chain-dep')
  await mkdir(path.join(app, 'src', 'Chain'), { recursive: true })
  await mkdir(path.join(dep, 'src', 'Chain'), { recursive: true })
  await writeFile(
    path.join(dir, 'overrides.nix'),
    '{\n  chain-app = ./chain-app;\n  chain-dep = ./chain-dep;\n}\n'
  )
  await writeFile(path.join(app, 'chain-app.cabal'), appCabal(model))
  await writeFile(path.join(app, 'src', 'Main.hs'), mainSource(model))
  for (let i = 0; i < model.modules.length; i++) {
    const file = path.join(app, 'src', ...model.modules[i].name.split('.')) + '.hs'
    await writeFile(file, chainModuleSource(model, i))
  }
  await writeFile(path.join(dep, 'chain-dep.cabal'), depCabal(model))
  await writeFile(
    path.join(dep, 'src', 'Chain', 'Dep.hs'),
    `-- ${model.salt}\nmodule Chain.Dep (depValue) where\n\ndepValue :: Int\ndepValue = ${model.depValue}\n`
  )
}

// ---- edits: each returns a new model --------------------------------------------------------

/** Main's text changes; nothing imports Main. */
/** @param {ProjectModel} model @returns {ProjectModel} */
export function editLeaf(model) {
  return { ...model, greeting: `${model.greeting}!` }
}

/** A chain module's exported value changes (and it exports one more), so its importers see a new interface. */
/** @param {ProjectModel} model @param {number} index @returns {ProjectModel} */
export function editInterface(model, index) {
  const modules = model.modules.map((m, i) =>
    i === index ? { ...m, offset: m.offset + 1000, extraExport: true } : m
  )
  return { ...model, modules }
}

/** A chain module gets another name (file, module header, its importer, the .cabal file). */
/** @param {ProjectModel} model @param {number} index @param {string} newName @returns {ProjectModel} */
export function renameModule(model, index, newName) {
  return {
    ...model,
    modules: model.modules.map((m, i) => (i === index ? { ...m, name: newName } : m))
  }
}

/** A chain module is removed; the next one imports the one before it. */
/** @param {ProjectModel} model @param {number} index @returns {ProjectModel} */
export function removeModule(model, index) {
  return { ...model, modules: model.modules.filter((_, i) => i !== index) }
}

/** The .cabal flag `loud` defaults the other way (CPP in Main). */
/** @param {ProjectModel} model @returns {ProjectModel} */
export function toggleFlag(model) {
  return { ...model, loudByDefault: !model.loudByDefault }
}

/** chain-dep gets a new version with another value. */
/** @param {ProjectModel} model @param {string} version @param {number} value @returns {ProjectModel} */
export function bumpDependency(model, version, value) {
  return { ...model, depVersion: version, depValue: value }
}
