// Tagged templates that escape every value by default: html`<p>${name}</p>`. A value that is already HTML (another
// template, or raw()) goes in as it is; arrays are joined; null, undefined and false write nothing.
import { escapeHtml } from '../outbox/index.ts';

export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += render(v) + (strings[i + 1] ?? '')));
  return new Html(out);
}

/** Trusted markup as it is (only for text this code wrote). */
export function raw(text: string): Html {
  return new Html(text);
}
