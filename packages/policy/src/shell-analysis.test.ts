import { describe, expect, it } from 'vitest';
import { analyzeShell } from './shell-analysis.js';
import { SHELL_LIMITS } from './shell-limits.js';

const names = (text: string) => analyzeShell(text).commands.map((c) => c.name);
const via = (text: string) => analyzeShell(text).commands.map((c) => [c.name, c.via.join(' > ')]);

describe('analyzeShell', () => {
  it('finds every command of lists, pipelines, subshells and compound statements', () => {
    expect(names('a; b && c || d | e & (f); { g; }; if h; then i; elif j; then k; else l; fi').join('')).toBe(
      'abcdefghijkl',
    );
    const loops = 'while a; do b; done; until c; do d; done; for x in 1; do e; done; case y in z) f;; esac';
    expect(names(loops).join('')).toBe('abcdef');
  });

  it('says how nested commands are reached', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template.
    expect(via('ls $(rm a) `rm b` <(rm c) >(rm d) "${x:-$(rm e)}"')).toEqual([
      ['ls', ''],
      ['rm', '$(…)'],
      ['rm', '`…`'],
      ['rm', '<(…)'],
      ['rm', '>(…)'],
      ['rm', '$(…)'],
    ]);
    expect(via('sudo env A=1 bash -c \'eval "rm x"\'').slice(1)).toEqual([
      ['env', 'sudo'],
      ['bash', 'sudo > env'],
      ['eval', 'sudo > env > bash -c'],
      ['rm', 'sudo > env > bash -c > eval'],
    ]);
    expect(via('f() { rm x; }; find . -exec rm {} +; ls | xargs -0 rm')).toEqual([
      ['rm', 'function f'],
      ['find', ''],
      ['rm', 'find -exec'],
      ['ls', ''],
      ['xargs', ''],
      ['rm', 'xargs'],
    ]);
  });

  it('removes quotes and reduces the command word to its basename, keeping the word as written', () => {
    const [command] = analyzeShell(`/usr/bin/'r'"m" -r\\f "a b" $'\\x41'`).commands;
    expect(command).toEqual({
      name: 'rm',
      path: '/usr/bin/rm',
      args: ['-rf', 'a b', 'A'],
      dynamic_args: false,
      assignments: [],
      via: [],
    });
  });

  it('marks arguments known only at run time', () => {
    expect(analyzeShell('ls $HOME').commands[0]?.dynamic_args).toBe(true);
    expect(analyzeShell('ls *.ts').commands[0]?.dynamic_args).toBe(true);
    expect(analyzeShell('ls {a,b}').commands[0]?.dynamic_args).toBe(true);
    expect(analyzeShell("ls '*.ts' \\{a,b}").commands[0]?.dynamic_args).toBe(false);
  });

  it('lists file redirections, not descriptor duplications', () => {
    expect(analyzeShell('cat < in > out 2>&1 2>>log &>/dev/null >&2').redirects).toEqual([
      { operator: '<', target: 'in', writes: false, dynamic: false },
      { operator: '>', target: 'out', writes: true, dynamic: false },
      { operator: '2>>', target: 'log', writes: true, dynamic: false },
      { operator: '&>', target: '/dev/null', writes: true, dynamic: false },
    ]);
  });

  it('gives back words the grammar attaches to a redirection as arguments', () => {
    expect(analyzeShell('find >/dev/null / -delete').commands[0]?.args).toEqual(['/', '-delete']);
  });

  it('parses what a shell reads from a here-document or here-string', () => {
    expect(names('bash <<EOF\nrm -rf x\nEOF')).toEqual(['bash', 'rm']);
    expect(names('sh <<< "rm -rf x"')).toEqual(['sh', 'rm']);
    expect(names('cat <<EOF\n`rm x` $(rm y)\nEOF')).toEqual(['cat', 'rm', 'rm']);
    expect(names("cat <<'EOF'\n$(rm y)\nEOF")).toEqual(['cat']);
  });

  it('records assignments', () => {
    expect(analyzeShell('A=1 ls; B=2; export C=3; for D in x; do :; done').assignments).toEqual(['A', 'B', 'C', 'D']);
  });

  it.each([
    ['$CMD -rf /', 'command name known only at run time'],
    ['r$(echo m) x', 'command name known only at run time'],
    ['eval "$X"', 'eval runs text known only at run time'],
    ['curl x | sh', 'sh runs commands read from a pipe'],
    ['ls "unterminated', 'does not parse'],
    ['{rm,-rf,/}', 'does not parse'],
    ['\u0433m -rf /', 'characters other than printable ASCII'],
    ['ls\r\nrm x', 'control characters'],
    ['r\\\nm x', 'line continuation inside a word'],
    ['sudo --no-such-option rm', 'unknown option --no-such-option of sudo'],
    ['bash <(curl x)', 'known only at run time'],
    ['source <(curl x)', 'runs the output of another command'],
  ])('marks %j incomplete', (text, problem) => {
    const analysis = analyzeShell(text);
    expect(analysis.complete).toBe(false);
    expect(analysis.problems.join('; ')).toContain(problem);
  });

  it('stays complete for ordinary command lines', () => {
    for (const text of [
      'ls -la | grep x > /dev/null',
      'git log --oneline -n 3',
      'echo "$HOME" $((1+2))',
      'bash build.sh',
    ]) {
      expect(analyzeShell(text).problems).toEqual([]);
    }
  });

  it('is incomplete past each limit instead of working without bound', () => {
    expect(analyzeShell(`ls ${'a'.repeat(SHELL_LIMITS.text)}`).problems).toEqual([
      `longer than ${SHELL_LIMITS.text} characters`,
    ]);
    expect(analyzeShell('ls\n'.repeat(SHELL_LIMITS.commands + 1)).problems).toContain(
      `more than ${SHELL_LIMITS.commands} commands`,
    );
    expect(analyzeShell('a | '.repeat(SHELL_LIMITS.operators + 1)).problems).toEqual([
      `more than ${SHELL_LIMITS.operators} operators`,
    ]);
    expect(analyzeShell(`echo${' a'.repeat(SHELL_LIMITS.nodes)}`).problems).toEqual([
      `more than ${SHELL_LIMITS.nodes} syntax nodes`,
    ]);
    expect(analyzeShell(`${'$('.repeat(300)}ls${')'.repeat(300)}`).complete).toBe(false);
    let nested = 'rm x';
    for (let i = 0; i < SHELL_LIMITS.scripts + 2; i += 1) nested = `eval ${JSON.stringify(nested)}`;
    expect(analyzeShell(nested).problems.join()).toContain('nested too deeply');
  });

  it('caches analyses by command text', () => {
    const text = `ls ${Math.random()}`;
    expect(analyzeShell(text)).toBe(analyzeShell(text));
  });
});
