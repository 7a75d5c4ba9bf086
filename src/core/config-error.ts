// The configuration's error and exit code, alone so that the CLI can report them without loading the config
// schema (zod, yaml) for commands that never read a setting (--help, --version).

/** Exit code for a bad configuration (EX_CONFIG from sysexits.h), as systemd and scripts expect. */
export const CONFIG_EXIT_CODE = 78;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
