// A worker thread that samples the process's RSS every millisecond while the main thread is
// busy validating, keeping the highest value in a shared Float64Array.
import { workerData } from "node:worker_threads";

const peak = new Float64Array(workerData.buffer); // [0] = peak RSS, [1] = stop flag
const wait = new Int32Array(new SharedArrayBuffer(4));
while (peak[1] === 0) {
  const rss = process.memoryUsage.rss();
  if (rss > peak[0]) peak[0] = rss;
  Atomics.wait(wait, 0, 0, 1);
}
