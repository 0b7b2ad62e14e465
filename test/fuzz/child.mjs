// A long-lived `kvpool` runner for the fuzz and reproduction tests: the parent sends
// {id, argv, files} over IPC, this process runs main() in-process on a captured Io and replies with
// the exit code, the output and its memory figures. The parent kills it on a time-out.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../src/cli/main.ts');
const { memoryIo } = await import('../../src/cli/io.ts');

process.on('message', async (msg) => {
  const io = memoryIo(msg.files ?? {});
  const t0 = performance.now();
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
    rss: process.memoryUsage().rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  });
});
process.send({ ready: true });
