// A long-lived `kvpool` runner for the fuzz and reproduction tests: the parent sends
// {id, argv, files} over IPC, this process runs main() in-process on a captured Io and replies with
// the exit code, the output and its memory figures. The parent kills it on a time-out.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../src/cli/main.ts');
const { memoryIo } = await import('../../src/cli/io.ts');

const { parseUrlState, describeProblem } = await import('../../src/ui/state/codec.ts');

/** A page link: parse it as the page does; "exit 0" with the problems as stderr lines. */
function runUrl(msg) {
  const t0 = performance.now();
  let code = 0;
  let err = '';
  try {
    err = parseUrlState(msg.url).problems.map((p) => `WARNING: ${describeProblem(p)}`).join('\n');
  } catch (e) {
    code = 'threw';
    err = String(e?.stack ?? e);
  }
  return { id: msg.id, code, out: '', err, ms: performance.now() - t0, cpuMs: performance.now() - t0, rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 };
}

process.on('message', async (msg) => {
  if (msg.url !== undefined) {
    process.send(runUrl(msg));
    return;
  }
  const io = memoryIo(msg.files ?? {});
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let code;
  try {
    code = await main(msg.argv, io);
  } catch (e) {
    // main() must never throw: report it as its own outcome.
    code = 'threw';
    io.err(String(e?.stack ?? e));
  }
  process.send({
    id: msg.id,
    code,
    out: io.stdout.length > 2000 ? `${io.stdout.slice(0, 2000)}...` : io.stdout,
    err: io.stderr.length > 4000 ? `${io.stderr.slice(0, 4000)}...` : io.stderr,
    ms: performance.now() - t0,
    cpuMs: cpuMsSince(cpu0),
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  });
});

/** CPU time (user + system) of this process since `start`: the input's own cost, whatever the machine's load. */
function cpuMsSince(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}
process.send({ ready: true });
