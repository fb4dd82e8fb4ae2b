import { Moon, Sun } from 'lucide-react';
import { useEffect } from 'react';
import { applyTheme, useTheme } from '../hooks/use-theme.js';

export function ThemeToggle() {
  const [theme, toggle] = useTheme();
  useEffect(() => applyTheme(theme), [theme]);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="icon-button"
      onClick={toggle}
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
    >
      {theme === 'dark' ? <Sun size={18} aria-hidden /> : <Moon size={18} aria-hidden />}
    </button>
  );
}
