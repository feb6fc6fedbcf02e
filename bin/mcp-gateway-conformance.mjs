#!/usr/bin/env node
// Launcher for the installable CLI: registers tsx's ESM loader (the suite is TypeScript run from source,
// as every npm script here runs it), then runs cli/main.ts. A plain .mjs, so it starts on a bare Node 20.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/main.ts', import.meta.url).href);
