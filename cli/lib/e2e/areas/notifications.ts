import { area } from '../suite.js';

export const notifications = area('notifications', [
  { id: 'E52', title: 'a fill lands in the inbox exactly once', missing: 'not written yet' },
  { id: 'E53', title: 'mark read', missing: 'not written yet' },
  { id: 'E54', title: 'a live stream receives the event', missing: 'not written yet' },
  {
    id: 'E55',
    title: 'a webhook to a loopback or private address is refused',
    missing: 'not written yet',
  },
]);
