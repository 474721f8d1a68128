/**
 * `WizardIO` backed by Inquirer's select and input prompts, loaded only when the wizard runs (dynamic
 * import keeps `--help` and every other command fast). The two prompt packages are imported directly:
 * the `@inquirer/prompts` umbrella also pulls in the editor prompt and its 650 KB of charset tables,
 * which the single-file build would have to parse at every start. The prompt settings are exported so tests drive the same
 * prompts with the same settings.
 */
import type { Choice, WizardIO } from './wizard.js';

export function selectConfig(message: string, choices: Choice[]) {
  return { message, choices, pageSize: choices.length, loop: false };
}

export function inputConfig(message: string, defaultValue: string) {
  return { message, default: defaultValue };
}

function terminalSize(out: NodeJS.WritableStream): { rows?: number; columns?: number } {
  const tty = out as NodeJS.WritableStream & { isTTY?: boolean; rows?: number; columns?: number };
  return tty.isTTY && tty.rows && tty.columns ? { rows: tty.rows, columns: tty.columns } : {};
}

export async function inquirerIO(out: NodeJS.WritableStream = process.stdout): Promise<WizardIO> {
  const [{ default: select }, { default: input }] = await Promise.all([import('@inquirer/select'), import('@inquirer/input')]);
  return {
    select: (message: string, choices: Choice[]) => select(selectConfig(message, choices)),
    input: (message: string, defaultValue: string) => input(inputConfig(message, defaultValue)),
    print: (text: string) => {
      out.write(text);
    },
    // A proposal is fitted to the terminal so its headline stays on screen (none: not a terminal).
    ...terminalSize(out),
  };
}
