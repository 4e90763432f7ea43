import { createRequire as __scnCreateRequire } from 'node:module'; const require = __scnCreateRequire(import.meta.url);
