// Entry point of the post step (dist/post.js).
import { post } from './post.js'

await post()
