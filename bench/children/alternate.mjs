// The timing loop of the child benchmarks: runs each function once per round, rotating the
// order every round, and records wall and CPU milliseconds of each run.

/** `{ name: { wall: [ms...], cpu: [ms...] } }` over `runs` rounds of `fns`. */
export function alternate(fns, runs) {
  const names = Object.keys(fns);
  const out = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [] }]));
  for (let r = 0; r < runs; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const before = process.cpuUsage();
      const t = performance.now();
      fns[name]();
      out[name].wall.push(performance.now() - t);
      const used = process.cpuUsage(before);
      out[name].cpu.push((used.user + used.system) / 1000);
    }
  }
  return out;
}
