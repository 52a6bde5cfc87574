// Entry point of the in-editor suite: VS Code loads this file in the extension host and calls
// run() (the @vscode/test-electron contract). test/e2e/run-host-suite.mjs drives it in
// code-server; .vscode-test.mjs runs the same *.test.js files through @vscode/test-cli.
//
// In code-server the extension host's console goes to the browser console, so the mocha report
// is also written to files named by environment variables (set on code-server, they reach the
// extension host):
//   BATON_SUITE_REPORT   plain-text spec report
//   BATON_SUITE_RESULTS  JSON: { stats, tests: [{ title, fullTitle, file, state, durationMs, error? }] }
//   BATON_SUITE_GREP     optional: run only tests whose full title matches
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: { message: string; stack?: string };
}

export async function run(): Promise<void> {
  const reportFile = process.env.BATON_SUITE_REPORT;
  const resultsFile = process.env.BATON_SUITE_RESULTS;
  const report: string[] = [];

  // The spec reporter prints through Base.consoleLog; tee it into the report.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  const originalLog = base.consoleLog;
  base.useColors = false;
  base.consoleLog = (...args: unknown[]) => {
    report.push(util.format(...args));
    originalLog(...args);
  };

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000, color: false });
  if (process.env.BATON_SUITE_GREP) mocha.grep(process.env.BATON_SUITE_GREP);
  for (const file of findTests(__dirname)) mocha.addFile(file);

  const results: TestResult[] = [];
  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      const record = (state: TestResult['state']) => (test: Mocha.Test, error?: Error) => {
        results.push({
          title: test.title,
          fullTitle: test.fullTitle(),
          file: test.file,
          state,
          durationMs: test.duration,
          error: error ? { message: error.message, stack: error.stack } : undefined,
        });
      };
      runner.on('pass', record('passed'));
      runner.on('fail', (test, error) => record('failed')(test as Mocha.Test, error));
      runner.on('pending', record('pending'));
    });
  } catch (error) {
    report.push(`suite crashed: ${error instanceof Error ? error.stack : String(error)}`);
    writeOutputs(reportFile, resultsFile, report, results);
    throw error;
  } finally {
    base.consoleLog = originalLog;
  }
  writeOutputs(reportFile, resultsFile, report, results);
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}

function findTests(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

function writeOutputs(reportFile: string | undefined, resultsFile: string | undefined, report: string[], tests: TestResult[]): void {
  if (reportFile) fs.writeFileSync(reportFile, report.join('\n') + '\n');
  if (resultsFile) {
    const count = (state: TestResult['state']) => tests.filter((t) => t.state === state).length;
    const stats = { passes: count('passed'), failures: count('failed'), pending: count('pending') };
    fs.writeFileSync(resultsFile, JSON.stringify({ stats, tests }, null, 2));
  }
}
