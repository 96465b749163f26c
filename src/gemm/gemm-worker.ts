/** The worker_threads entry of matmulAsync (gemm-threads.ts): runs jobs on this worker's own runtime. */
import { parentPort } from 'node:worker_threads';
import { dropWeights, runJob } from './gemm-threads.js';

parentPort?.on('message', (msg: Parameters<typeof runJob>[0] | { drop: number }) => {
  if ('drop' in msg) return dropWeights(msg.drop);
  const r = runJob(msg);
  parentPort?.postMessage(r, r.y ? [r.y.buffer as ArrayBuffer] : []);
});
