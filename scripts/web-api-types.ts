/**
 * Generates src/web/api/generated.ts (the web app's API types) from the server's OpenAPI document.
 * `npm run gen:api` writes the file; src/web/api/generated.test.ts fails when it is out of date.
 *
 * For every /api operation: `<Method><Path>Response` (its 2xx JSON body), `<Method><Path>Body`
 * (its JSON request body) and `<Method><Path>Query` (its query parameters), e.g.
 * `PostApiSitesIdScansResponse`; plus `ApiErrorBody` (the error answer of every route).
 * OpenAPI 3.0 `nullable` and component $refs are turned into plain JSON Schema first, because
 * json-schema-to-typescript only reads JSON Schema.
 */
import { compile } from 'json-schema-to-typescript';
import { buildApp } from '../src/server/app';
import { loadConfig } from '../src/server/config';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDoc {
  paths?: Record<string, Record<string, JsonObject>>;
  components?: { schemas?: Record<string, JsonObject> };
}

export const GENERATED_PATH = new URL('../src/web/api/generated.ts', import.meta.url);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ERROR_COMPONENT = 'ErrorResponse';

const HEADER = `/**
 * GENERATED from the server's OpenAPI document (app.swagger()) by scripts/web-api-types.ts.
 * Do not edit: change the server's route schemas and run \`npm run gen:api\`.
 */
`;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/api/sites/{id}/scans` + post → `PostApiSitesIdScans`. */
export function operationName(method: string, path: string): string {
  const words = [method, ...path.split(/[^A-Za-z0-9]+/)].filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/**
 * OpenAPI 3.0 schema → JSON Schema: inlines `#/components/schemas/*` refs, turns `nullable` into a
 * null type, drops titles and ids (every type is named by its operation, not by its parts).
 */
function toJsonSchema(node: Json, components: Record<string, JsonObject>, depth = 0): Json {
  if (depth > 64) throw new Error('OpenAPI schema nested too deeply (a recursive $ref?)');
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, components, depth + 1));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    const target = m ? components[m[1]!] : undefined;
    if (!target) throw new Error(`Unresolved $ref ${ref}`);
    return toJsonSchema(target, components, depth + 1);
  }
  const out: JsonObject = {};
  for (const key of Object.keys(node)) {
    if (key === 'title' || key === '$id' || key === 'nullable') continue;
    out[key] = key === 'properties' || key === 'patternProperties' || key === 'definitions'
      ? Object.fromEntries(Object.entries(node[key] as JsonObject).map(([k, v]) => [k, toJsonSchema(v, components, depth + 1)]))
      : toJsonSchema(node[key]!, components, depth + 1);
  }
  if (node.nullable !== true) return out;
  const en = out.enum;
  if (Array.isArray(en) && en.every((e) => e === null)) return { type: 'null' };
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(en) && !en.includes(null)) out.enum = [...en, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function jsonContentSchema(holder: Json | undefined): Json | undefined {
  if (!isObject(holder) || !isObject(holder.content)) return undefined;
  const json = holder.content['application/json'];
  return isObject(json) && json.schema !== undefined ? json.schema : undefined;
}

function querySchema(parameters: Json | undefined): JsonObject | undefined {
  if (!Array.isArray(parameters)) return undefined;
  const query = parameters.filter((p): p is JsonObject => isObject(p) && p.in === 'query' && typeof p.name === 'string');
  if (query.length === 0) return undefined;
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const p of query) {
    const name = p.name as string;
    properties[name] = p.schema ?? {};
    if (p.required === true) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Named JSON Schemas of every /api operation, plus ApiErrorBody, in a stable order. */
export function collectSchemas(doc: OpenApiDoc): [string, Json][] {
  const components = doc.components?.schemas ?? {};
  const named = new Map<string, Json>();
  const add = (name: string, schema: Json) => {
    if (named.has(name)) throw new Error(`Two operations map to the type name ${name}`);
    named.set(name, toJsonSchema(schema, components));
  };
  const error = Object.values(components).find((s) => s.title === ERROR_COMPONENT);
  if (!error) throw new Error(`The OpenAPI document has no ${ERROR_COMPONENT} component`);
  add('ApiErrorBody', error);

  for (const path of Object.keys(doc.paths ?? {}).sort()) {
    if (!path.startsWith('/api/')) continue;
    const ops = doc.paths![path]!;
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const base = operationName(method, path);
      const responses = isObject(op.responses) ? op.responses : {};
      const ok = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort();
      for (const status of ok) {
        const schema = jsonContentSchema(responses[status]);
        if (schema !== undefined) {
          add(`${base}Response`, schema);
          break;
        }
      }
      const body = jsonContentSchema(op.requestBody);
      if (body !== undefined) add(`${base}Body`, body);
      const query = querySchema(op.parameters);
      if (query) add(`${base}Query`, query);
    }
  }
  return [...named.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The text of src/web/api/generated.ts for an OpenAPI document. */
export async function renderWebApiTypes(doc: OpenApiDoc): Promise<string> {
  const parts: string[] = [];
  for (const [name, schema] of collectSchemas(doc)) {
    const ts = await compile(structuredClone(schema) as object, name, {
      bannerComment: '',
      additionalProperties: false,
      declareExternallyReferenced: true,
      strictIndexSignatures: false,
      unknownAny: true,
      format: true,
      style: { singleQuote: true, printWidth: 140, semi: true, trailingComma: 'all' },
    });
    parts.push(ts.trim());
  }
  return `${HEADER}\n${parts.join('\n\n')}\n`;
}

/** The OpenAPI document of a freshly built server (in-memory data, no network beyond loopback). */
export async function serverOpenApi(): Promise<OpenApiDoc> {
  const config = loadConfig({
    DATA_DIR: 'memory://',
    EMBEDDED_MQTT_PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO_FLEET: 'false',
    SADP_TARGETS: 'none',
  });
  const app = await buildApp(config);
  try {
    await app.ready();
    return JSON.parse(JSON.stringify(app.swagger())) as OpenApiDoc;
  } finally {
    await app.close();
  }
}

export async function generateWebApiTypes(): Promise<string> {
  return renderWebApiTypes(await serverOpenApi());
}
