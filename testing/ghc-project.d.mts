export interface ChainModule {
  name: string
  offset: number
  extraExport?: boolean
}

export interface ProjectModel {
  modules: ChainModule[]
  depVersion: string
  depValue: number
  loudByDefault: boolean
  greeting: string
  weight: number
  salt: string
}

export function initialModel(options?: { chainLength?: number; weight?: number; salt?: string }): ProjectModel
export function moduleCount(model: ProjectModel): number
export function expectedOutput(model: ProjectModel): string
export function writeProject(dir: string, model: ProjectModel): Promise<void>
export function editLeaf(model: ProjectModel): ProjectModel
export function editInterface(model: ProjectModel, index: number): ProjectModel
export function renameModule(model: ProjectModel, index: number, newName: string): ProjectModel
export function removeModule(model: ProjectModel, index: number): ProjectModel
export function toggleFlag(model: ProjectModel): ProjectModel
export function bumpDependency(model: ProjectModel, version: string, value: number): ProjectModel
