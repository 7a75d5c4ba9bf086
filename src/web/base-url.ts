// Where the office's page is reached from outside: web.base_url (behind a proxy), else the control API's own address.
import type { Config } from '../core/config.ts';

export function webBaseUrl(config: Config, apiUrl: string): string {
  return (config.web.base_url || apiUrl).replace(/\/+$/, '');
}
