import type { FastifyInstance } from 'fastify';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * Records the size of each batch of one kind in `batch_size{batch}`: how many requests shared
 * one call to risk or the broker, or one commit. Under load the sizes grow; at 1 nothing is
 * shared (see createBatcher).
 */
export function batchSizes(app: FastifyInstance, batch: string): (size: number) => void {
  const histogram = app.metrics.histogram(
    'batch_size',
    'Requests that shared one call or one commit',
    ['batch'],
    SIZES,
  );
  return (size) => histogram.observe({ batch }, size);
}
