// Entry point of the post step (dist/post.js).
import { post } from './action/post.js'

await post()
