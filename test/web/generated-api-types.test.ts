import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_PATH,
  collectSchemas,
  generateWebApiTypes,
  operationName,
  renderWebApiTypes,
  type OpenApiDoc,
} from '../../scripts/web-api-types';

describe('web API types generated from the OpenAPI document', () => {
  it('src/web/api/generated.ts is up to date (run `npm run gen:api`)', async () => {
    const fresh = await generateWebApiTypes();
    const onDisk = readFileSync(GENERATED_PATH, 'utf8');
    expect(onDisk === fresh, 'src/web/api/generated.ts is out of date: run npm run gen:api').toBe(true);
  }, 60_000);

  it('names operations from method and path', () => {
    expect(operationName('post', '/api/sites/{id}/scans')).toBe('PostApiSitesIdScans');
    expect(operationName('get', '/api/setup/status')).toBe('GetApiSetupStatus');
  });

  it('turns nullable into a null type and component refs into named types', async () => {
    const doc: OpenApiDoc = {
      components: {
        schemas: {
          'def-0': { title: 'ErrorResponse', type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
          'def-1': { title: 'Thing', type: 'object', required: ['id'], properties: { id: { type: 'string' }, part: { $ref: '#/components/schemas/def-2' } } },
          'def-2': { title: 'Part', type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
          'def-3': { title: 'Unused', type: 'object', properties: { x: { type: 'string' } } },
        },
      },
      paths: {
        '/api/things/{id}': {
          get: {
            parameters: [{ in: 'query', name: 'q', required: false, schema: { type: 'string' } }],
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      required: ['name', 'kind', 'why', 'thing'],
                      properties: {
                        name: { type: 'string', nullable: true },
                        kind: { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'object', nullable: true, enum: [null] }] },
                        why: { $ref: '#/components/schemas/def-0' },
                        thing: { anyOf: [{ $ref: '#/components/schemas/def-1' }, { type: 'object', nullable: true, enum: [null] }] },
                      },
                    },
                  },
                },
              },
              '404': { content: { 'application/json': { schema: { $ref: '#/components/schemas/def-0' } } } },
            },
          },
        },
        '/api/things': { post: { responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/def-1' } } } } } } },
        '/healthz': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'string' } } } } } } },
      },
    };
    expect(collectSchemas(doc).map(([name]) => name)).toEqual(['ApiErrorBody', 'Part', 'Thing', 'GetApiThingsIdQuery', 'GetApiThingsIdResponse', 'PostApiThingsResponse']);
    const ts = await renderWebApiTypes(doc);
    expect(ts).toContain('name: string | null;');
    expect(ts).toContain("kind: 'a' | null;");
    expect(ts).toContain('export interface GetApiThingsIdQuery {\n  q?: string;\n}');
    expect(ts).toContain('why: ApiErrorBody;');
    expect(ts).toContain('thing: Thing | null;');
    expect(ts).toMatch(/export interface Thing \{\s+id: string;\s+part\?: Part;\s+\}/);
    expect(ts).toMatch(/export interface Part \{\s+n: number;\s+\}/);
    expect(ts).toContain('export type PostApiThingsResponse = Thing;');
    expect(ts).not.toContain('Unused');
    expect(ts).toContain('run `npm run gen:api`');
  });
});
