import { parseCommandLine, USAGE } from './args';
import { chatCommand } from './chatCommand';
import { checkCommand } from './checkCommand';
import { UsageError } from './settingsFile';

/** The `baton` command: a terminal front end over the same core the editor uses. */
async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort();
  });
  try {
    const args = parseCommandLine(argv);
    if (args.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return args.command === 'chat' ? await chatCommand(args, controller.signal) : await checkCommand(args, controller.signal);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`baton: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`baton: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
