/** The `sluice` command line, compatible with Benthos's where Benthos has the same command. */
import { redactStderr } from '../core/redact.js';
import { Command, Option } from 'commander';
// Names every built-in component; a component's module is imported when a config uses it.
import '../components/manifest.js';
import { VERSION } from '../version.js';
import { runCommand } from './run.js';
import { listCommand, LIST_KIND_NAMES } from './list.js';
import { bloblCommand, configureBloblCommand, parseBloblArgs } from './blobl.js';

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
          chilled: Boolean(opts.chilled ?? parent.chilled),
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
        const { lintCommand } = await import('./lint.js');
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
        const { echoCommand } = await import('./echo.js');
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
      const { createCommand } = await import('./create.js');
      process.exitCode = await createCommand(expression, { small: opts.small });
    });

  // `sluice blobl`: map lines of input with Bloblang, or serve the Bloblang playground.
  const blobl = configureBloblCommand(program.command('blobl')).action(async () => {
    // The program's own `-r, --resources` takes blobl's `-r` (--raw) wherever it appears, so
    // blobl's arguments are parsed again on their own (rawArgs: commander's untyped copy of argv).
    const argv = (program as unknown as { rawArgs: string[] }).rawArgs;
    process.exitCode = await bloblCommand(parseBloblArgs(argv.slice(argv.indexOf('blobl', 2) + 1)));
  });
  blobl
    .command('server')
    .description('serve the Bloblang playground: input, mapping and output side by side, evaluated as you type')
    .option('--host <host>', 'the host to bind to (keep it on loopback: mappings can read env and files)', '127.0.0.1')
    .option('-p, --port <port>', 'the port to bind to (0: any free port)', '4195')
    .option('-n, --no-open', 'do not open the playground in a browser')
    .option('-m, --mapping-file <file>', 'a mapping file to load as the initial mapping')
    .option('-i, --input-file <file>', 'an input file to load as the initial input')
    .option('-w, --write', 'write edits of the mapping and input back to --mapping-file / --input-file', false)
    .addHelpText(
      'after',
      `
For local debugging only: do not expose the server to a network.

Examples:
  $ sluice blobl server
  $ sluice blobl server --no-open --port 8080 -m mapping.blobl -i input.json -w
`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { bloblServerCommand } = await import('./blobl_server.js');
      process.exitCode = await bloblServerCommand({
        host: opts.host as string,
        port: opts.port as string,
        open: opts.open as boolean,
        mappingFile: opts.mappingFile as string | undefined,
        inputFile: opts.inputFile as string | undefined,
        write: opts.write as boolean,
      });
    });

  program
    .command('test')
    .description('run the unit tests of configs: `tests:` sections and *_benthos_test.yaml / *_sluice_test.yaml files')
    .argument('[paths...]', 'config or test files, directories, or dir/... to walk recursively (default: ./...)')
    .option('-r, --resources <file>', 'a file of resources the tested configs use; repeatable', collect, [])
    .addOption(new Option('--log <level>', 'let components log at this level (to stderr)'))
    .addHelpText(
      'after',
      `
Prints Test 'FILE' succeeded|failed per config, every failure with its test name,
line and reason, and ends with "N passed, N failed". Exit code 1 on any failure.

Examples:
  $ sluice test ./config.yaml
  $ sluice test ./config_benthos_test.yaml
  $ sluice test ./tests/...
`,
    )
    .action(async (paths: string[], opts: { resources: string[]; log?: string }) => {
      const { testCommand } = await import('./test.js');
      // The program's own -r takes the flag wherever it appears: merge both.
      const resources = [...((program.opts().resources as string[] | undefined) ?? []), ...opts.resources];
      process.exitCode = await testCommand({ paths, resources, logLevel: opts.log });
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
      chilled: Boolean(o.chilled),
    });
  });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  redactStderr();
  await buildProgram().parseAsync(argv);
}
