// A fetch for the tests: sends to 127.0.0.1 with the URL's host in the Host header (the tenant is the host, and
// neither glibc nor Node resolves *.localhost here), and adds the test's credential to every request.
import http from 'node:http';

export function tenantFetch({ bearer } = {}) {
  return (input, init = {}) => new Promise((resolve, reject) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
    headers.host = url.host;
    if (bearer && !('authorization' in headers)) headers.authorization = `Bearer ${bearer}`;
    const body = init.body == null ? null : Buffer.from(init.body);
    if (body) headers['content-length'] = String(body.length);
    const request = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method: init.method ?? 'GET', headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        const status = response.statusCode;
        const bodyless = status === 204 || status === 304;
        resolve(new Response(bodyless ? null : Buffer.concat(chunks), {
          status,
          statusText: response.statusMessage,
          headers: Object.entries(response.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
        }));
      });
    });
    request.on('error', reject);
    if (body) request.write(body);
    request.end();
  });
}
