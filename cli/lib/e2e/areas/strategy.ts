import { area } from '../suite.js';

export const strategy = area('strategy', [
  { id: 'E44', title: 'create with validated parameters', missing: 'not written yet' },
  { id: 'E45', title: 'activate', missing: 'not written yet' },
  { id: 'E46', title: 'a deterministic backtest', missing: 'not written yet' },
  { id: 'E47', title: "an active strategy's signal places an order", missing: 'not written yet' },
]);
