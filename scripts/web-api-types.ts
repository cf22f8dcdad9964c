/**
 * Generates src/web/api/generated.ts (the web app's API types) from the server's OpenAPI document.
 * `npm run gen:api` writes the file; test/web/generated-api-types.test.ts fails when it is out of date.
 *
 * For every /api operation: `<Method><Path>Response` (its 2xx JSON body), `<Method><Path>Body`
 * (its JSON request body) and `<Method><Path>Query` (its query parameters), e.g.
 * `PostApiSitesIdScansResponse`; plus `ApiErrorBody` (the error answer of every route).
 *
 * Shapes shared by operations are written once: the server declares such a shape with `Shared()`
 * (src/server/http/common.schema.ts: an `$id` such as 'Device', app.addSchema, `$ref`s in the
 * routes), @fastify/swagger emits it as a component titled by its `$id`, and this script declares
 * every component the operations use as a type of that name (`export interface Device`) that the
 * operation types reference (`items: Device[]`, `export type GetApiDevicesIdResponse = Device;`).
 * OpenAPI 3.0 `nullable` is turned into a null type first, because json-schema-to-typescript only
 * reads JSON Schema.
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
const ERROR_TYPE = 'ApiErrorBody';
const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

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

/** The type name of each component: its title (the `$id` of the route schema); ErrorResponse is ApiErrorBody. */
function componentTypeNames(components: Record<string, JsonObject>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, schema] of Object.entries(components)) {
    const title = typeof schema.title === 'string' ? schema.title : key;
    const name = title === ERROR_COMPONENT ? ERROR_TYPE : title;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`Component ${key} (${title}): give its schema an $id that is a type name, e.g. 'Device'`);
    if ([...names.values()].includes(name)) throw new Error(`Two components are named ${name}`);
    names.set(key, name);
  }
  return names;
}

function componentKey(ref: string): string {
  const m = COMPONENT_REF.exec(ref);
  if (!m) throw new Error(`Unsupported $ref ${ref}`);
  return m[1]!;
}

/**
 * OpenAPI 3.0 schema → JSON Schema: a component $ref becomes a reference to the component's type
 * (json-schema-to-typescript's `tsType`), `nullable` a null type; titles and ids are dropped
 * (every type is named by its operation or its component, not by its parts).
 */
function toJsonSchema(node: Json, names: Map<string, string>, depth = 0): Json {
  if (depth > 64) throw new Error('OpenAPI schema nested too deeply');
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, names, depth + 1));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const key = componentKey(node.$ref);
    const name = names.get(key);
    if (!name) throw new Error(`Unresolved $ref ${node.$ref}`);
    return { tsType: name };
  }
  const out: JsonObject = {};
  for (const key of Object.keys(node)) {
    if (key === 'title' || key === '$id' || key === 'nullable') continue;
    out[key] = key === 'properties' || key === 'patternProperties' || key === 'definitions'
      ? Object.fromEntries(Object.entries(node[key] as JsonObject).map(([k, v]) => [k, toJsonSchema(v, names, depth + 1)]))
      : toJsonSchema(node[key]!, names, depth + 1);
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

/** The component keys a schema refers to, directly or through other components. */
function referencedComponents(node: Json, components: Record<string, JsonObject>, found: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) referencedComponents(n, components, found);
  } else if (isObject(node)) {
    if (typeof node.$ref === 'string') {
      const key = componentKey(node.$ref);
      if (!found.has(key) && components[key]) {
        found.add(key);
        referencedComponents(components[key], components, found);
      }
    }
    for (const v of Object.values(node)) referencedComponents(v, components, found);
  }
  return found;
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

/**
 * Named JSON Schemas, in a stable order: ApiErrorBody, then the components the /api operations use
 * (by name), then the types of every /api operation (by name).
 */
export function collectSchemas(doc: OpenApiDoc): [string, Json][] {
  const components = doc.components?.schemas ?? {};
  const names = componentTypeNames(components);
  const errorKey = [...names].find(([, name]) => name === ERROR_TYPE)?.[0];
  if (errorKey === undefined) throw new Error(`The OpenAPI document has no ${ERROR_COMPONENT} component`);

  const operations: [string, Json][] = [];
  for (const path of Object.keys(doc.paths ?? {}).sort()) {
    if (!path.startsWith('/api/')) continue;
    const ops = doc.paths![path]!;
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const base = operationName(method, path);
      const responses = isObject(op.responses) ? op.responses : {};
      const ok = Object.keys(responses).filter((s) => /^2\d\d$/.test(s)).sort();
      const response = ok.map((status) => jsonContentSchema(responses[status])).find((schema) => schema !== undefined);
      if (response !== undefined) operations.push([`${base}Response`, response]);
      const body = jsonContentSchema(op.requestBody);
      if (body !== undefined) operations.push([`${base}Body`, body]);
      const query = querySchema(op.parameters);
      if (query) operations.push([`${base}Query`, query]);
    }
  }

  const used = referencedComponents(operations.map(([, schema]) => schema), components, new Set([errorKey]));
  referencedComponents(components[errorKey]!, components, used);
  const byName = ([a]: [string, Json], [b]: [string, Json]) => (a < b ? -1 : a > b ? 1 : 0);
  const shared = [...used].filter((key) => key !== errorKey).map((key): [string, Json] => [names.get(key)!, components[key]!]);
  const all: [string, Json][] = [[ERROR_TYPE, components[errorKey]!], ...shared.sort(byName), ...operations.sort(byName)];
  const taken = new Set<string>();
  for (const [name] of all) {
    if (taken.has(name)) throw new Error(`Two operations or components map to the type name ${name}`);
    taken.add(name);
  }
  return all.map(([name, schema]) => [name, toJsonSchema(schema, names)]);
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
