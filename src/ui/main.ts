/** Page entry: styles, then the App on #app with the current query string. */
import './styles.css';
import { App } from './app.ts';

const root = document.getElementById('app');
if (root) {
  const app = new App(root, location.search);
  (window as unknown as { __kvpool: App }).__kvpool = app;
}
