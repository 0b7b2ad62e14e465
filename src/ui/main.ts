/** Page entry: styles, then the App on #app. */
import './styles.css';
import { App } from './app.ts';

const root = document.getElementById('app');
if (root) {
  const app = new App(root);
  (window as unknown as { __kvpool: App }).__kvpool = app;
}
