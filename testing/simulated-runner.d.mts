export function actionNode(): string
export function parseFileCommands(text: string): Record<string, string>

export interface RunnerJob {
  workspace: string
  runnerTemp: string
  inputs: Record<string, string>
  env?: Record<string, string>
  /** Run the steps as this user (the runner must be root); it owns the runner files and RUNNER_TEMP. */
  user?: { uid: number; gid: number }
  event?: { name: string; payload: unknown }
  token?: string
}

export interface StepResult {
  code: number
  stdout: string
  stderr: string
  /** stdout without the `::add-mask::` commands (which the runner consumes and never shows). */
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** `::warning::` and `::error::` lines the step printed. */
  warnings: string[]
  errors: string[]
  ms: number
}

export class SimulatedRunner {
  static create(job: RunnerJob): Promise<SimulatedRunner>
  readonly files: { output: string; state: string; summary: string; event: string; env: string }
  /** What the steps so far exported through $GITHUB_ENV (later steps run with it). */
  jobEnv(): Record<string, string>
  runMain(extraEnv?: Record<string, string>): Promise<StepResult>
  runPost(extraEnv?: Record<string, string>): Promise<StepResult>
}
