import { runService } from '../platform/index.js';
import { definition } from './app.js';

await runService(definition);
