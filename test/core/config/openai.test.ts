// invoices.openai.base_url: OpenAI's API lives under /v1, so a URL given without it is completed, and a URL that is
// not one is refused at start saying what is expected.
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/core/config.ts';
import { tempDir } from '../../support/service.ts';

function baseUrl(value: string): string {
  return loadConfig({ cwd: tempDir('centinela-config-openai-'), env: { CENTINELA_INVOICES_OPENAI_BASE_URL: value } })
    .config.invoices.openai.base_url;
}

describe('invoices.openai.base_url', () => {
  test('a URL with no path gets /v1; one with a path is kept (without trailing slashes)', () => {
    expect(loadConfig({ cwd: tempDir('centinela-config-openai-'), env: {} }).config.invoices.openai.base_url).toBe(''); // OpenAI's own
    expect(baseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/v1');
    expect(baseUrl('https://api.openai.com/')).toBe('https://api.openai.com/v1');
    expect(baseUrl('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(baseUrl('https://gateway.example/openai/v1')).toBe('https://gateway.example/openai/v1');
    // Another server's own path is its own business.
    expect(baseUrl('https://generativelanguage.googleapis.com/v1beta/openai/')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai',
    );
  });

  test('something that is not an http(s) URL is refused naming the key and what is expected', () => {
    let error: unknown;
    try {
      baseUrl('api.openai.com/v1');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/invoices\.openai\.base_url/);
    expect((error as Error).message).toMatch(/an http\(s\) URL such as https:\/\/api\.openai\.com\/v1/);
  });
});
