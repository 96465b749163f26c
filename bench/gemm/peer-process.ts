/**
 * One GEMM peer job in a process of its own (forked by peerBench in bench/gemm/peers.ts): argv[2] is
 * the PeerJob as JSON; the rows go back over IPC, progress to stderr.
 */
import { runPeerJob, type PeerJob } from './peers.js';

const job = JSON.parse(process.argv[2] ?? 'null') as PeerJob;
if (!process.send) throw new Error('bench/gemm/peer-process.ts runs as a child of the GEMM bench (an IPC channel is needed)');
const rows = await runPeerJob(job, (s) => process.stderr.write(s + '\n'));
process.send(rows, () => process.exit(0));
