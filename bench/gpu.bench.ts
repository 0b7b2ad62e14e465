/**
 * `npm run bench:gpu [-- --json] [-- --cases a,b] [-- --reps N] [-- --quick] [-- --cold] [-- --prefetch]`: paged
 * decode attention on the WebGPU adapter against the adapter's own limits, measured in the same
 * process and interleaved rep by rep (src/gpu/bench/run.ts): copy, a read-only reduction per read
 * path, FMA and exp throughput. Each case gives one row per kernel path (texture, and buffer: the
 * fallback and the previous kernel) with rooflineMs, fractionOfRoofline, ratioToCopy,
 * speedupVsNaive and speedupVsPrevious. `--cold` disables Mesa's disk shader cache so the first
 * compile of each variant is a true cold compile. `--prefetch` times only the narrow kernel with and
 * without prefetch, side by side per case (src/gpu/bench/prefetch.ts).
 */
export {};

if (process.argv.includes('--cold')) process.env.MESA_SHADER_CACHE_DISABLE = 'true';

const { casesFor, runBenchSession, adapterLine } = await import('../src/gpu/bench/session.ts');
const { trackingLine } = await import('../src/gpu/bench/tracking.ts');
const { comparePrefetch, prefetchLine } = await import('../src/gpu/bench/prefetch.ts');
type Row = Awaited<ReturnType<typeof runBenchSession>>['rows'][number];
const { acquireGpu, releaseGpu } = await import('../src/gpu/device.ts');

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const f = (x: number | null, d: number, w: number) => (x === null ? '-' : x.toFixed(d)).padStart(w);

function line(r: Row): string {
  return [
    r.case.padEnd(16),
    r.path.padEnd(7),
    f(r.batch, 0, 5),
    f(r.liveMB, 1, 7),
    f(r.ms, 1, 7),
    f(r.rooflineMs, 1, 7),
    r.bound.padEnd(5),
    f(r.fractionOfRoofline, 2, 5),
    f(r.ratioToCopy, 2, 5),
    f(r.speedupVsNaive, 1, 6),
    f(r.speedupVsPrevious, 2, 6),
    f(r.readLimitGbPerS, 2, 6),
    f(r.coldCompileMs / 1000, 1, 6),
    f(r.warmCompileMs / 1000, 1, 6),
    r.maxError === null ? '     -' : r.maxError.toExponential(1).padStart(8),
    r.note ? ` (${r.note})` : '',
  ].join(' ');
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const reps = Number(flag('reps') ?? 5);
  if (!Number.isInteger(reps) || reps < 1 || reps > 100) throw new Error(`--reps: got ${flag('reps')}; expected an integer 1..100`);
  const only = flag('cases')?.split(',');
  const ctx = await acquireGpu();
  if (!ctx) throw new Error('no WebGPU adapter (install Mesa lavapipe; see .ci/run)');
  const adapter = adapterLine(ctx);
  const all = casesFor(ctx, process.argv.includes('--quick') ? 'quick' : 'full');
  const cases = all.filter((c) => !only || only.includes(c.name));
  if (only && cases.length < only.length) throw new Error(`--cases: got ${only.join(',')}; valid: ${all.map((c) => c.name).join(', ')}`);
  // --prefetch: only the narrow kernel with and without prefetch, side by side, per case.
  if (process.argv.includes('--prefetch')) {
    for (const c of cases) {
      const r = await comparePrefetch(ctx, c, { reps, targetMs: 300 });
      console.log(r ? (json ? JSON.stringify({ prefetch: r }) : prefetchLine(r)) : `prefetch ${c.name}: not the narrow texture kernel here`);
    }
    return releaseGpu();
  }
  if (!json) {
    console.log(`adapter: ${adapter}; subgroups ${ctx.hasSubgroups ? ctx.subgroupMinSize : 'no'}; read-only storage textures ${ctx.hasReadonlyTextures ? 'yes' : 'no'}; shader-f16 ${ctx.hasF16 ? 'yes' : 'no'}`);
    console.log('case             path    batch  liveMB      ms  roofMs bound  frac  copy  naive   prev  readGB  coldS  warmS   maxErr');
  }
  let printed = 0;
  const { rows, tracking } = await runBenchSession(ctx, cases, {
    reps,
    onProgress: (_done, _total, _label, sofar) => {
      for (const row of sofar.slice(printed)) console.log(json ? JSON.stringify(row) : line(row));
      printed = sofar.length;
    },
  });
  if (json) for (const t of tracking) console.log(JSON.stringify({ tracking: t }));

  if (!json) {
    for (const t of tracking) console.log(trackingLine(t));
    const r = rows[0];
    if (r) console.log(`limits (last case): copy ${r.copyGbPerS.toFixed(2)} GB/s, fma ${r.fmaGflopPerS.toFixed(1)} GFLOP/s, exp ${r.expGperS.toFixed(2)} Gexp/s`);
  }
  // A kernel faster than its roofline means a limit was measured low: the figures are not fair.
  const over = rows.filter((x) => !(x.fractionOfRoofline <= 1));
  if (over.length) {
    const list = over.map((x) => `${x.case}/${x.path} ${x.fractionOfRoofline.toFixed(3)}`).join(', ');
    console.error(`LIMIT VIOLATION: fractionOfRoofline > 1 in ${list}: a limit kernel underestimates the adapter`);
    process.exitCode = 1;
  }
  await releaseGpu();
}

await main();
