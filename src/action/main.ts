/**
 * The Action's main step: plan → evaluate → key → restore → import → build only if needed → push → save →
 * outputs and report. Thin: every stage lives in its own module; this file wires them and decides
 * which failures are warnings (cache, comment) and which fail the step (bad input, a failed build).
 */
import * as core from '@actions/core'
import os from 'node:os'
import path from 'node:path'
import { actionsCacheAvailable, restoreBatch, saveBatch, type RestoreOutcome } from './cache.js'
import { entryPublicKeys, importCacheEntry, writeCacheEntry } from './cache-entry.js'
import { batchCacheKey, restoreKeyPrefix } from './cache-key.js'
import { readConfig, type ActionConfig } from './config.js'
import { BatchError, describeError, errorMessage, isBatchError } from '../common/errors.js'
import { Outputs } from './names.js'
import { checkMaterialized, type MaterializationCheck } from './materialization.js'
import { diffPackages, summarizeDiff, type PackageDiff } from './package-diff.js'
import {
  planFromOverrides,
  planToJson,
  type PackagePlan,
  type PlanJsonEntry
} from '../builder/plan.js'
import { pushToBinaryCaches, type PushResult } from './push.js'
import { verdictLine } from './report/facts.js'
import { materializationSummary } from './report/materialization-text.js'
import type { BatchRunReport, BatchSource } from './report/model.js'
import { PhaseTimer } from './report/phase-timer.js'
import { incrementalOutput } from './incremental/outcome.js'
import { restoreIntermediates } from './incremental/restore-step.js'
import {
  saveCollectorState,
  saveIncrementalState,
  saveMainFinishedAt,
  saveReport
} from './state.js'
import { startObservation } from './observe/steps.js'
import {
  NixStore,
  describeInstallable,
  parseInstallable,
  timingsFromBuildLog,
  type Derivation,
  type Installable
} from './store.js'
import { defaultInstallable } from './default-installable.js'
import { traceMainStep } from './trace-steps.js'
import { writeReport } from './write-report.js'

async function loadPlan(config: ActionConfig): Promise<PackagePlan> {
  if (config.overlayFile) {
    const { planFromOverlay } = await import('../builder/overlay-plan.js')
    return planFromOverlay(path.resolve(config.workingDirectory, config.overlayFile))
  }
  return planFromOverrides(path.resolve(config.workingDirectory, config.overridesFile as string))
}

function cacheDirectory(): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'some-cabal2nix-cache')
}

function setOutputs(report: BatchRunReport): void {
  core.setOutput(Outputs.StorePath, report.storePath)
  core.setOutput(Outputs.Source, report.source)
  core.setOutput(Outputs.Rebuilt, String(report.rebuilt))
  core.setOutput(Outputs.Packages, JSON.stringify(report.packages))
  core.setOutput(Outputs.Diff, JSON.stringify(report.diff ?? null))
  core.setOutput(
    Outputs.Timings,
    JSON.stringify(Object.fromEntries(report.phases.map(p => [p.name, Math.round(p.ms)])))
  )
  core.setOutput(Outputs.CacheKey, report.cacheKey ?? '')
}

/** Step "import": the exact hit into the store, or one warning saying why not and what to configure. */
async function importStep(
  store: NixStore,
  exact: Extract<RestoreOutcome, { key: string }>,
  config: ActionConfig
): Promise<void> {
  if (await store.isValid(exact.metadata.outPath)) {
    core.info(`${exact.metadata.outPath} is already in the store`)
    return
  }
  const publicKeys = entryPublicKeys(config.signingKey, config.trustedPublicKeys)
  const { warning } = await importCacheEntry(store, exact, publicKeys)
  if (warning) core.warning(warning)
  else core.info(`imported ${exact.metadata.outPath}`)
}

/** The installable's derivation, evaluated first: the cache key is its drvPath. */
function evaluateBatch(store: NixStore, installable: Installable, timer: PhaseTimer) {
  return core.group('some-cabal2nix: evaluate', () =>
    timer.time('evaluate', async () => {
      const evaluated = await store.evaluate(installable)
      core.info(`${describeInstallable(installable)} → ${evaluated.outPath}`)
      return evaluated
    })
  )
}

function planStep(config: ActionConfig, timer: PhaseTimer): Promise<PackagePlan> {
  return core.group('some-cabal2nix: plan', () =>
    timer.time('plan', async () => {
      const planned = await loadPlan(config)
      core.info(
        `${planned.packages.length} packages from ${config.overlayFile ?? config.overridesFile}`
      )
      for (const p of planned.packages)
        core.info(`  ${p.name} ${p.source === 'hackage' ? p.version : `${p.path} (local)`}`)
      return planned
    })
  )
}

function restoreStep(
  dir: string,
  cacheKey: string,
  restorePrefix: string,
  timer: PhaseTimer
): Promise<RestoreOutcome> {
  return core.group('some-cabal2nix: restore from the Actions cache', () =>
    timer.time('restore', async () => {
      const outcome = await restoreBatch(dir, cacheKey, [restorePrefix])
      if (outcome.hit === 'none' && outcome.warning) core.warning(outcome.warning)
      core.info(
        outcome.hit === 'none'
          ? `no cached batch for ${cacheKey}`
          : `restored ${outcome.key} (${outcome.hit} match)`
      )
      return outcome
    })
  )
}

/** The batch is in the store already: restored from the Actions cache, or there before. */
function sourceOfValidBatch(restored: RestoreOutcome, derivation: Derivation): BatchSource {
  if (restored.hit !== 'exact') return 'local'
  if (restored.metadata.outPath === derivation.outPath) return 'actions-cache'
  core.info(
    `the cached batch was for ${restored.metadata.outPath}; using the local ${derivation.outPath}`
  )
  return 'local'
}

/** Builds or substitutes the batch; a build's inner phases come from the builder's timings line. */
function realiseStep(
  store: NixStore,
  derivation: Derivation,
  verdict: 'build' | 'substitute',
  timer: PhaseTimer
): Promise<void> {
  return core.group(`some-cabal2nix: ${verdict} the batch`, async () => {
    const started = performance.now()
    const { stderr } = await store.realise(derivation, line => {
      if (line.trim()) core.info(line)
    })
    const total = performance.now() - started
    const inner = timingsFromBuildLog(stderr)
    const at = timer.epochOf(started)
    if (verdict === 'build' && inner.archiveMs !== undefined && inner.cabal2nixMs !== undefined) {
      timer.record('archive pass', inner.archiveMs, at)
      timer.record('cabal2nix', inner.cabal2nixMs, at + inner.archiveMs)
      timer.record(
        'store',
        Math.max(0, total - inner.archiveMs - inner.cabal2nixMs),
        at + inner.archiveMs + inner.cabal2nixMs
      )
    } else {
      timer.record(verdict, total, at)
    }
  })
}

/** Pushes to every binary cache; a failure is a warning unless fail-on-push-error is set. */
async function pushStep(
  config: ActionConfig,
  store: NixStore,
  derivation: Derivation,
  timer: PhaseTimer
): Promise<PushResult[]> {
  if (config.binaryCaches.length === 0) return []
  const pushes = await core.group('some-cabal2nix: push to binary caches', () =>
    timer.time('push', async () => {
      const bytes = await store.narSize(derivation.outPath)
      const size = bytes === undefined ? 'the batch' : `${(bytes / 1024).toFixed(1)} KiB (NAR)`
      core.info(
        `offering ${size} to ${config.binaryCaches.length} binary cache(s); only those without it get it`
      )
      return pushToBinaryCaches(derivation.outPath, config.binaryCaches, {
        signingKey: config.signingKey,
        cachixAuthToken: config.cachixAuthToken,
        log: line => core.info(line)
      })
    })
  )
  const failed = pushes.filter(p => p.status === 'failed')
  if (failed.length > 0) {
    const message = `push failed for ${failed.map(f => `${f.target} (${f.error})`).join('; ')}`
    if (config.failOnPushError) {
      throw new BatchError('push', message, {
        hint: 'fail-on-push-error is true; set it to false to only warn'
      })
    }
    core.warning(`${message}; later jobs will rebuild the batch instead of fetching it`)
  }
  return pushes
}

function saveStep(
  store: NixStore,
  dir: string,
  entry: Parameters<typeof writeCacheEntry>[2],
  config: ActionConfig,
  timer: PhaseTimer
): Promise<void> {
  return core.group('some-cabal2nix: save to the Actions cache', () =>
    timer.time('save', async () => {
      await writeCacheEntry(store, dir, entry, config.signingKey)
      const saved = await saveBatch(dir, entry.key)
      if (saved.warning) core.warning(saved.warning)
      else core.info(`saved ${entry.key}`)
    })
  )
}

/** The installable input, or what to pre-warm without one. */
function chooseInstallable(config: ActionConfig, plan: PackagePlan): Promise<Installable> {
  if (config.installable) return Promise.resolve(parseInstallable(config.installable))
  return core.group('some-cabal2nix: choose what to pre-warm', () =>
    defaultInstallable(config, plan)
  )
}

/** What changed in the package list since the restored batch (none without one). */
function diffStep(restored: RestoreOutcome, packages: PlanJsonEntry[]): PackageDiff | undefined {
  if (restored.hit === 'none') return undefined
  const diff = diffPackages(restored.metadata.packages, packages)
  core.info(`package changes since the cached batch: ${summarizeDiff(diff)}`)
  return diff
}

/** The batch in the local store: already there (restored or not), else built or substituted. */
async function obtainStep(
  store: NixStore,
  derivation: Derivation,
  restored: RestoreOutcome,
  timer: PhaseTimer
): Promise<BatchSource> {
  const verdict = await store.verdict(derivation)
  if (verdict === 'valid') return sourceOfValidBatch(restored, derivation)
  await realiseStep(store, derivation, verdict, timer)
  return verdict === 'build' ? 'built' : 'binary-cache'
}

/** Compares the materialized-directory input with the batch; stale is reported, not fatal. */
function materializationStep(
  config: ActionConfig,
  derivation: Derivation
): Promise<MaterializationCheck | undefined> {
  const directory = config.materializedDirectory
  if (!directory) return Promise.resolve(undefined)
  return core.group('some-cabal2nix: check the materialized batch', async () => {
    const check = await checkMaterialized(directory, config.workingDirectory, derivation)
    if (check.current) core.info(`${directory} is the batch, byte for byte`)
    else
      core.warning(
        `${directory} is stale (${materializationSummary(check)}); refresh it: ${check.refreshCommand}`
      )
    return check
  })
}

/** Step "intermediates": the previous builds of the incremental packages, and the nix-args for them. */
async function intermediatesStep(
  config: ActionConfig,
  store: NixStore,
  plan: PackagePlan,
  derivation: Derivation,
  useCache: boolean,
  timer: PhaseTimer
): Promise<void> {
  const restored =
    config.incremental.kind === 'off'
      ? undefined
      : await core.group('some-cabal2nix: restore previous intermediates', () =>
          timer.time('intermediates', () =>
            restoreIntermediates({
              config,
              store,
              plan,
              batchDrvPath: derivation.drvPath,
              useCache,
              workDir: path.join(
                process.env.RUNNER_TEMP || os.tmpdir(),
                'some-cabal2nix-intermediates'
              )
            })
          )
        )
  if (restored) saveIncrementalState(restored.state)
  core.setOutput(Outputs.NixArgs, restored?.nixArgs ?? '')
  // Set here: outputs of the post step reach no later step.
  core.setOutput(Outputs.Incremental, incrementalOutput(restored?.state))
}

/** Outputs, state for the post step, summary and comment, trace: everything the run reports. */
async function reportStep(report: BatchRunReport, config: ActionConfig, timer: PhaseTimer) {
  setOutputs(report)
  saveReport(report)
  await writeReport(report, config)
  await traceMainStep(timer.phases, timer.startedAtMs)
  // After the comment's API calls and the trace, so the post step measures only the user's build.
  saveMainFinishedAt(Date.now())
  core.info(verdictLine(report))
}

export async function run(): Promise<void> {
  const timer = new PhaseTimer()
  const config = readConfig()
  const store = new NixStore(config.workingDirectory)
  // First: every later nix command of the job (ours included) reports to the listener.
  saveCollectorState(await startObservation(() => store.logSettings(), timer.startedAtMs))

  const plan = await planStep(config, timer)
  const packages = planToJson(plan).packages
  const installable = await chooseInstallable(config, plan)
  const derivation = await evaluateBatch(store, installable, timer)
  const keyInputs = {
    prefix: config.cacheKeyPrefix,
    platform: `${process.platform}-${process.arch}`,
    drvPath: derivation.drvPath
  }
  const cacheKey = batchCacheKey(keyInputs)
  const dir = cacheDirectory()

  const useCache = config.useActionsCache && actionsCacheAvailable()
  if (config.useActionsCache && !useCache)
    core.info('the Actions cache service is not available here; skipping it')
  const restored: RestoreOutcome = useCache
    ? await restoreStep(dir, cacheKey, restoreKeyPrefix(keyInputs), timer)
    : { hit: 'none' }
  const diff = diffStep(restored, packages)
  if (restored.hit === 'exact') {
    await core.group('some-cabal2nix: import into the Nix store', () =>
      timer.time('import', () => importStep(store, restored, config))
    )
  }

  const source = await obtainStep(store, derivation, restored, timer)
  const materialization = await materializationStep(config, derivation)
  await intermediatesStep(config, store, plan, derivation, useCache, timer)
  const pushes = await pushStep(config, store, derivation, timer)
  if (useCache && restored.hit !== 'exact') {
    const entry = { key: cacheKey, outPath: derivation.outPath, packages }
    await saveStep(store, dir, entry, config, timer)
  }

  await reportStep(
    {
      storePath: derivation.outPath,
      source,
      rebuilt: source === 'built',
      packages,
      diff,
      phases: timer.phases,
      pushes,
      cacheKey: useCache ? cacheKey : undefined,
      totalMs: timer.elapsedMs(),
      drvPath: derivation.drvPath,
      overridesFile: config.overridesFile,
      materialization
    },
    config,
    timer
  )
  if (materialization && !materialization.current && config.failOnStaleMaterialization) {
    throw new BatchError(
      'materialization',
      `${materialization.directory} is stale (${materializationSummary(materialization)})`,
      { hint: `refresh it: ${materialization.refreshCommand}` }
    )
  }
}

export async function main(): Promise<void> {
  try {
    await run()
  } catch (error) {
    core.setFailed(
      isBatchError(error)
        ? describeError(error)
        : `some-cabal2nix: ${(error instanceof Error && error.stack) || errorMessage(error)}`
    )
  }
}
