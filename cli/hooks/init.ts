import type { Hook } from '@oclif/core';
import { tolerateBrokenPipes } from '../lib/output/broken-pipe.js';

/** Runs before every command. */
const hook: Hook<'init'> = async function () {
  tolerateBrokenPipes();
};

export default hook;
