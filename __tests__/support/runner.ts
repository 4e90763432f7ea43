// The simulated runner lives in testing/ so the demo can use it too.
export * from '../../testing/simulated-runner.mjs'
