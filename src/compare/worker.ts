/** Worker thread of the compare pool: runs one tensor job per message (see engine.ts). */
import { parentPort } from 'node:worker_threads';
import { NumlabError } from '../errors.js';
import { runTensor, type TensorJob } from './run-tensor.js';

parentPort!.on('message', (msg: { id: number; job: TensorJob }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: runTensor(msg.job) });
  } catch (e) {
    const err = e instanceof NumlabError ? { code: e.code, message: e.message, value: typeof e.value === 'string' ? e.value : undefined }
      : { code: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    parentPort!.postMessage({ id: msg.id, error: err });
  }
});
