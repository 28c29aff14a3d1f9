/** The `sluice` command line, compatible with Benthos's where Benthos has the same command. */
import { Command, Option } from 'commander';
import '../components/index.js';
import { VERSION } from '../version.js';
import { runCommand } from './run.js';
import { lintCommand } from './lint.js';
import { listCommand, LIST_KIND_NAMES } from './list.js';
import { echoCommand } from './echo.js';
import { createCommand } from './create.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function configOptions(cmd: Command): Command {
  return cmd
    .option('-r, --resources <file>', 'a file of resources (input/processor/output/cache/rate_limit); repeatable', collect, [])
    .option('--set <path=value>', 'override a config field, e.g. --set output.file.path=out.txt; repeatable', collect, [])
    .option('--plugin <module>', 'load a plugin module (.js, .ts or a package) first; repeatable', collect, []);
}

export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Sluice: a declarative stream processor, compatible with Benthos configs and Bloblang.')
    .version(VERSION, '-v, --version')
    .option('-c, --config <file>', 'the config to run (without a command: run it)')
    .addOption(new Option('--log.level <level>', 'override logger.level (none, error, warn, info, debug, trace)'))
    .option('--chilled', 'continue when lint finds only non-fatal problems', false)
    // The default action (run) would otherwise swallow `sluice help <command>`.
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText(
      'after',
      `
Examples:
  $ sluice create stdin/mapping/stdout > config.yaml   write a starter config
  $ sluice lint config.yaml                            check it
  $ sluice -c config.yaml                              run it (same as: sluice run config.yaml)
  $ sluice list inputs                                 see which inputs there are
`,
    );
  configOptions(program);

  configOptions(
    program
      .command('run')
      .description('run a config (the built-in demo when none is given)')
      .argument('[config]', 'config file')
      .addOption(new Option('--log.level <level>', 'override logger.level'))
      .addHelpText(
        'after',
        `
The config is linted first: with any error, nothing starts, every problem is
printed and the exit code is 1. Otherwise the stream runs until its input ends
(exit 0) or until SIGINT/SIGTERM, when in-flight messages drain for up to
shutdown_timeout.

Examples:
  $ sluice run config.yaml
  $ sluice run config.yaml -r resources.yaml --set input.generate.count=5
`,
      )
      .action(async (config: string | undefined, opts: Record<string, unknown>) => {
        const parent = program.opts();
        process.exitCode = await runCommand({
          config: config ?? (parent.config as string | undefined),
          resources: [...(parent.resources as string[]), ...(opts.resources as string[])],
          sets: [...(parent.set as string[]), ...(opts.set as string[])],
          plugins: [...(parent.plugin as string[]), ...(opts.plugin as string[])],
          logLevel: (opts['log.level'] ?? parent['log.level']) as string | undefined,
        });
      }),
  );

  configOptions(
    program
      .command('lint')
      .description('check config files and print every problem with its line and column')
      .argument('<files...>', 'config files')
      .addHelpText(
        'after',
        `
Each problem is printed as FILE: (LINE,COL) message, sorted by position; the
exit code is 1 when there is any, 0 for clean configs.

Examples:
  $ sluice lint config.yaml
  $ sluice lint configs/*.yaml -r resources.yaml
`,
      )
      .action(async (files: string[], opts: Record<string, unknown>) => {
        process.exitCode = await lintCommand({ files, resources: opts.resources as string[], sets: opts.set as string[], plugins: opts.plugin as string[] });
      }),
  );

  program
    .command('list')
    .description('list the components this build knows, by kind, or print the JSON Schema of the config')
    .argument('[kinds...]', `kinds to list (default: all): ${LIST_KIND_NAMES.join(', ')}`)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'jsonschema']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ sluice list
  $ sluice list --format json inputs outputs
  $ sluice list rate-limits bloblang-functions
  $ sluice list --format jsonschema > sluice.schema.json
`,
    )
    .action(async (kinds: string[], opts: { format: string }) => {
      process.exitCode = await listCommand({ kinds, format: opts.format });
    });

  configOptions(
    program
      .command('echo')
      .description('print a config as Sluice parses it: every default filled in, secrets scrubbed')
      .argument('[config]', 'config file (default: the -c file, else the built-in demo config)')
      .addHelpText(
        'after',
        `
Fields marked secret, and passwords in URLs (amqp://user:PASSWORD@host), print
as !!!SECRET_SCRUBBED!!!; a value written as a \${VAR} reference prints as
written. A config with errors is not echoed: its errors are printed, exit code 1.

Examples:
  $ sluice echo config.yaml
  $ sluice echo config.yaml --set output.stdout.codec=append
`,
      )
      .action(async (config: string | undefined, opts: Record<string, unknown>) => {
        const parent = program.opts();
        process.exitCode = await echoCommand({
          config: config ?? (parent.config as string | undefined),
          resources: [...(parent.resources as string[]), ...(opts.resources as string[])],
          sets: [...(parent.set as string[]), ...(opts.set as string[])],
          plugins: [...(parent.plugin as string[]), ...(opts.plugin as string[])],
        });
      }),
  );

  program
    .command('create')
    .description('print a starter config with the named components, every field at its default')
    .argument('[expression]', 'inputs/processors/outputs, each a comma-separated list of component names (default: stdin//stdout)')
    .option('-s, --small', 'only input, pipeline and output, without advanced fields', false)
    .addHelpText(
      'after',
      `
Several inputs (or outputs) are combined with a broker. The result passes \`sluice lint\`.

Examples:
  $ sluice create > config.yaml
  $ sluice create stdin/mapping,mutation/stdout
  $ sluice create --small generate//drop
`,
    )
    .action(async (expression: string | undefined, opts: { small: boolean }) => {
      process.exitCode = await createCommand(expression, { small: opts.small });
    });

  // `sluice -c config.yaml` with no command runs the config, as `benthos -c` does.
  program.action(async () => {
    const o = program.opts();
    process.exitCode = await runCommand({
      config: o.config as string | undefined,
      resources: o.resources as string[],
      sets: o.set as string[],
      plugins: o.plugin as string[],
      logLevel: o['log.level'] as string | undefined,
    });
  });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
