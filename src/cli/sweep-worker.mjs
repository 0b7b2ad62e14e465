// Worker thread entry for `kvpool sweep`: the cells are evaluated by TypeScript code, which tsx's
// loader runs without a build step (registered per thread).
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
