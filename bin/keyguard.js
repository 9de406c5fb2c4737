#!/usr/bin/env -S node --
// `--` stops Node 20 from reading our `--env-file` flag as its own (it exits 9 when the file is missing).
import { main } from '../dist/cli/main.js';

await main();
