// Entry point of the main step (dist/index.js).
import { main } from './main.js'

await main()
