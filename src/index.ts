// Entry point of the main step (dist/index.js).
import { main } from './action/main.js'

await main()
