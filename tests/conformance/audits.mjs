// node audits.mjs URL BEARER: graphql-http's GraphQL-over-HTTP server audits (the spec's MUST, SHOULD and MAY items).
// Prints one JSON line per audit ({id, name, status, reason}); the test decides which results it accepts.
import { serverAudits } from 'graphql-http';
import { tenantFetch } from './http-fetch.mjs';

const [url, bearer] = process.argv.slice(2);
for (const audit of serverAudits({ url, fetchFn: tenantFetch({ bearer }) })) {
  const result = await audit.fn();
  console.log(JSON.stringify({ id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null }));
}
