/**
 * `WizardIO` backed by @inquirer/prompts, loaded only when the wizard runs (dynamic import keeps
 * `--help` and every other command fast). The prompt settings are exported so tests drive the same
 * prompts with the same settings.
 */
import type { Choice, WizardIO } from './wizard.js';

export function selectConfig(message: string, choices: Choice[]) {
  return { message, choices, pageSize: choices.length, loop: false };
}

export function inputConfig(message: string, defaultValue: string) {
  return { message, default: defaultValue };
}

export async function inquirerIO(out: NodeJS.WritableStream = process.stdout): Promise<WizardIO> {
  const { select, input } = await import('@inquirer/prompts');
  return {
    select: (message: string, choices: Choice[]) => select(selectConfig(message, choices)),
    input: (message: string, defaultValue: string) => input(inputConfig(message, defaultValue)),
    print: (text: string) => {
      out.write(text);
    },
  };
}
