export const cabal2nixDouble: string
export function findCabal2nix(): { real: boolean; command: string; version: string }
