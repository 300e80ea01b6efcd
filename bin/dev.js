#!/usr/bin/env -S node --import tsx
// Runs the CLI from TypeScript sources (no build step); used while developing.
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
