// node introspection.mjs URL BEARER: graphql-js's own introspection query, once with its defaults and once with every
// option a current client (GraphiQL, code generators) turns on; builds a client schema from each answer and validates
// it with graphql-js. Prints one JSON line per variant; exits non-zero on the first failure.
import { buildClientSchema, getIntrospectionQuery, validateSchema, printSchema, parse, validate } from 'graphql';
import { tenantFetch } from './http-fetch.mjs';

const [url, bearer] = process.argv.slice(2);
const fetch = tenantFetch({ bearer });
const variants = {
  defaults: {},
  all: { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true },
};

for (const [name, options] of Object.entries(variants)) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
    body: JSON.stringify({ query: getIntrospectionQuery(options), operationName: 'IntrospectionQuery' }),
  });
  const text = await response.text();
  let result;
  try { result = JSON.parse(text); } catch { result = null; }
  if (response.status !== 200 || !result?.data || result.errors) {
    console.log(JSON.stringify({ variant: name, ok: false, status: response.status, body: text.slice(0, 2000) }));
    process.exit(1);
  }
  const schema = buildClientSchema(result.data, { assumeValid: false });
  const problems = validateSchema(schema).map((e) => e.message);
  // the client schema must be usable: a partner's query validates against it
  const queryErrors = validate(schema, parse('{ client { id name } campaigns(first: 1) { nodes { id name } } }')).map((e) => e.message);
  const sdl = printSchema(schema); // printing walks every type: a broken reference would throw here
  console.log(JSON.stringify({
    variant: name,
    ok: problems.length === 0 && queryErrors.length === 0,
    problems,
    queryErrors,
    types: Object.keys(schema.getTypeMap()).length,
    directives: schema.getDirectives().map((d) => ({ name: d.name, isRepeatable: d.isRepeatable })),
    specifiedBy: Object.values(schema.getTypeMap()).filter((t) => t.specifiedByURL).map((t) => `${t.name} ${t.specifiedByURL}`),
    deprecatedArgs: Object.values(schema.getTypeMap()).flatMap((t) => (t.getFields ? Object.values(t.getFields()) : []))
      .flatMap((f) => f.args ?? []).filter((a) => a.deprecationReason).map((a) => a.name),
    sdlLines: sdl.split('\n').length,
  }));
  if (problems.length || queryErrors.length) process.exit(1);
}
