/** Page entry: styles, then the App on #app. */
import './styles.css';
import { App } from './app.ts';

// The App starts in its own task, after the modules have been evaluated: two short tasks rather
// than one long one on first load.
const root = document.getElementById('app');
if (root) {
  setTimeout(() => {
    const app = new App(root);
    (window as unknown as { __kvpool: App }).__kvpool = app;
  }, 0);
}
