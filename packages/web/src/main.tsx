import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { applyTheme } from './hooks/use-theme.js';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/actions.css';
import './styles/drawer.css';
import './styles/playground.css';
import './styles/shadow.css';
import './styles/grants.css';

// Before the first paint, so a dark-theme user never sees a white flash. (No inline script in
// index.html: the CSP allows only same-origin script files.)
applyTheme();

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
