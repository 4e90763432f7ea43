/** The post step: measures the main build (the time between our main step and this step). */
import * as core from '@actions/core'

export async function post(): Promise<void> {
  const finishedAt = Number(core.getState('main-finished-at'))
  if (!finishedAt) return
  core.info(`main build took ${((Date.now() - finishedAt) / 1000).toFixed(1)} s`)
}
