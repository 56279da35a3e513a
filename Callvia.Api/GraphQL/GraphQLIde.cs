namespace Callvia.Api.GraphQL;

/// <summary>
/// <c>GET /graphql/ide</c>: a small, self-contained page to try queries in a browser (no CDN: GraphiQL is not
/// bundled). It posts to <c>/graphql</c> on the same host with the signed-in user's portal cookie. Behind the
/// fallback policy (signed in, of the host's tenant): anyone else gets a 401 (403 for another client), never a redirect.
/// An agency admin on a client's host opens it with <c>?actAs={slug}</c>; the page then sends the act-as header.
/// </summary>
public static class GraphQLIde
{
    public static void MapGraphQLIde(this IEndpointRouteBuilder app) =>
        app.MapGet("/graphql/ide", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.Content(Page, "text/html; charset=utf-8");
        });

    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Callvia GraphQL</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 1fr 1fr; height: 100vh; }
          section { display: flex; flex-direction: column; padding: .75rem; gap: .5rem; min-height: 0; }
          textarea, pre { font-family: ui-monospace, monospace; font-size: 13px; border: 1px solid #ccc; padding: .5rem; margin: 0; }
          #query { flex: 3; } #variables { flex: 1; } pre { flex: 1; overflow: auto; background: #f7f7f7; white-space: pre-wrap; }
          header { display: flex; gap: .5rem; align-items: center; }
        </style>
        </head>
        <body>
        <section>
          <header><strong>Callvia GraphQL</strong><button id="run" type="button">Run (Ctrl+Enter)</button><span id="acting"></span></header>
          <label for="query">Query</label>
          <textarea id="query" spellcheck="false">{
          client { name slug }
          campaigns { nodes { id name status } }
          kpis { leads calls contactRate appointmentsBooked showRate usageCost costPerShow }
        }</textarea>
          <label for="variables">Variables (JSON)</label>
          <textarea id="variables" spellcheck="false">{}</textarea>
        </section>
        <section>
          <label for="result">Result</label>
          <pre id="result" aria-live="polite"></pre>
        </section>
        <script>
          const $ = id => document.getElementById(id);
          // an agency admin opens this page on a client's host with ?actAs={slug}: every request names that client
          const actAs = new URLSearchParams(location.search).get('actAs');
          if (actAs) $('acting').textContent = 'acting inside ' + actAs;
          async function run() {
            let variables;
            try { variables = $('variables').value.trim() ? JSON.parse($('variables').value) : null; }
            catch (e) { $('result').textContent = 'Variables are not valid JSON: ' + e.message; return; }
            $('result').textContent = '…';
            try {
              const response = await fetch('/graphql', {
                method: 'POST', credentials: 'same-origin',
                headers: Object.assign({ 'Content-Type': 'application/json', 'Accept': 'application/graphql-response+json, application/json' },
                                       actAs ? { 'X-Callvia-Act-As': actAs } : {}),
                body: JSON.stringify({ query: $('query').value, variables })
              });
              const text = await response.text();
              try { $('result').textContent = response.status + '\n' + JSON.stringify(JSON.parse(text), null, 2); }
              catch { $('result').textContent = response.status + '\n' + text; }
            } catch (e) { $('result').textContent = 'Request failed: ' + e.message; }
          }
          $('run').addEventListener('click', run);
          document.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(); });
        </script>
        </body>
        </html>
        """;
}
