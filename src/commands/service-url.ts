// Where the running service answers, from this config: status and doctor ask it before opening anything.

/** http://host:port of the running service; a wildcard listen address is reached on loopback. */
export function serviceUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
