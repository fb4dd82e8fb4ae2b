import { actionListSchema, actionSchema, reviewListSchema } from '@faramesh/contract';
import type { RouteOptions } from 'fastify';

interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/**
 * Builds the OpenAPI 3.1 document from the very JSON Schemas the routes validate with, so the
 * published contract can't drift from what the server enforces.
 */
export class OpenApiCollector {
  private readonly routes: CollectedRoute[] = [];

  collect(route: RouteOptions): void {
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (schema.hide === true || route.method === 'HEAD') return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      this.routes.push({ method: method.toLowerCase(), url: route.url, schema });
    }
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const operation: Record<string, unknown> = {
        summary: route.schema.summary ?? '',
        parameters: [...parameters(route.schema.params, 'path'), ...parameters(route.schema.querystring, 'query')],
        responses: {
          default: {
            description: 'Error',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '2XX':
            route.schema.produces === undefined
              ? { description: 'Success' }
              : {
                  description: 'Success',
                  content: {
                    'application/json': { schema: { $ref: `#/components/schemas/${route.schema.produces}` } },
                  },
                },
        },
      };
      if (route.schema.body !== undefined) {
        operation.requestBody = { required: true, content: { 'application/json': { schema: route.schema.body } } };
      }
      paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Faramesh API', version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: {
          Action: actionSchema,
          ActionList: actionListSchema,
          ReviewList: reviewListSchema,
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message', 'details'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              },
            },
          },
        },
      },
      security: [{ bearer: [] }],
      paths,
    };
  }
}

function parameters(schema: unknown, where: 'path' | 'query'): Record<string, unknown>[] {
  const object = schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (object?.properties === undefined) return [];
  return Object.entries(object.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}
