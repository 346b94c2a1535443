#!/usr/bin/env node
// The compiled Node entry; `npm run build` makes it.
import '../dist/server/node/main.js';
