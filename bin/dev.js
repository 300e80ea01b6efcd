#!/usr/bin/env -S node --import tsx
// Runs the CLI from TypeScript sources (no build step); used while developing.
//
// This process already runs under tsx (see the shebang). The oclif source mapping tries to
// register tsx again through a path that fails with this tsx version, then looks for ts-node,
// and silently falls back to dist/. So: no auto-transpile, and the commands folder points at
// the sources. The local runtime then also starts the services from source (through tsx).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute, settings } from '@oclif/core';

settings.enableAutoTranspile = false;
const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif.commands = './cli/commands';
pjson.oclif.hooks = { command_not_found: './cli/hooks/command-not-found.ts' };

await execute({ development: true, loadOptions: { root, pjson, isRoot: true } });
