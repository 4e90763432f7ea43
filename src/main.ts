// The Action's main step is wired in a later change.
export {}
