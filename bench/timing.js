// Timing helpers: interleaved runs (A, B, C, A, B, C…) so that noise from the shared machine
// hits every contender alike; medians, not means.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs each contender once to warm up, then `runs` interleaved rounds; returns medians in ms. */
export async function race(contenders, runs) {
  for (const c of contenders) await c.run();
  const times = new Map(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of contenders) {
      const t0 = process.hrtime.bigint();
      await c.run();
      times.get(c.name).push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return new Map([...times].map(([k, v]) => [k, median(v)]));
}
