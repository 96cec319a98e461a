import { z } from 'zod';
import {
  explainRequestSchema,
  modelRunSchema,
  queryBatchSchema,
  queryRequestSchema,
  targetsWriteSchema,
  tokenCreateSchema,
} from './api-schemas.js';

/**
 * The OpenAPI 3.1 description of the API. Request schemas are generated from the zod schemas
 * the handlers validate with, so the document cannot drift from what the server accepts.
 */

type Op = {
  summary: string;
  role: 'none' | 'viewer' | 'analyst' | 'admin';
  body?: z.ZodType;
  response?: string;
  params?: { name: string; in: 'path' | 'query'; required: boolean; description: string }[];
};

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

const OPS: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', Op>>> = {
  '/api/health': { get: { summary: 'Liveness and version (no token needed)', role: 'none' } },
  '/api/openapi.json': { get: { summary: 'This document', role: 'viewer' } },
  '/api/me': { get: { summary: "The caller's token: id, role, scopes", role: 'viewer' } },
  '/api/workspace': {
    get: {
      summary:
        'Workspace settings, span of the data, dimensions, and the display names of members whose values are ids (channel, location, product…; limited to the token scope)',
      role: 'viewer',
    },
  },
  '/api/session': {
    get: {
      summary:
        'What the dashboard needs before its first board, in one round trip: me, workspace and the KPI summaries',
      role: 'viewer',
    },
  },
  '/api/kpis': { get: { summary: 'The KPI dictionary (summaries)', role: 'viewer' } },
  '/api/kpis/{id}': {
    get: {
      summary: 'One KPI: formula, rules, owner, sources, versions, changelog',
      role: 'viewer',
      params: [{ name: 'id', in: 'path', required: true, description: 'KPI id' }],
    },
  },
  '/api/query': {
    post: {
      summary:
        'KPIs at any grain and split with comparisons (the request of `vitrine query`). Viewers split by dashboard dimensions only; scopes of the token always apply.',
      role: 'viewer',
      body: queryRequestSchema,
    },
  },
  '/api/query/batch': {
    post: {
      summary:
        'Up to 40 queries in one round trip (a board). The answer is NDJSON: one line per query, {index, status, body}, in completion order; each query is checked and scoped as if sent alone.',
      role: 'viewer',
      body: queryBatchSchema,
      response: 'application/x-ndjson',
    },
  },
  '/api/query/csv': {
    post: {
      summary: 'The same query as CSV (export)',
      role: 'viewer',
      body: queryRequestSchema,
      response: 'text/csv',
    },
  },
  '/api/explain': {
    post: {
      summary: 'Why did it move: driver and segment contributions to a change',
      role: 'analyst',
      body: explainRequestSchema,
    },
  },
  '/api/models': { get: { summary: 'Analytics models and the data they read', role: 'analyst' } },
  '/api/models/{name}': {
    post: {
      summary:
        'Runs a model on the workspace (unscoped tokens only). Results are cached by model, params and scope; view "dashboard" returns what an analysis board draws (distributions and heads instead of every customer or campaign); meta tells whether the cache answered and how long it took.',
      role: 'analyst',
      body: modelRunSchema,
      params: [{ name: 'name', in: 'path', required: true, description: 'model name' }],
    },
  },
  '/api/targets': {
    get: {
      summary: 'Targets (a scoped token sees whole-business and its own segments)',
      role: 'viewer',
      params: [{ name: 'kpi', in: 'query', required: false, description: 'only this KPI' }],
    },
    put: {
      summary: 'Loads targets (replaces same KPI, period and segment)',
      role: 'admin',
      body: targetsWriteSchema,
    },
  },
  '/api/objectives': {
    get: {
      summary: 'Objectives and their progress',
      role: 'viewer',
      params: [{ name: 'as_of', in: 'query', required: false, description: 'YYYY-MM-DD' }],
    },
  },
  '/api/data-quality': {
    get: {
      summary:
        'The data-quality report of `vitrine check`: freshness, completeness, duplicates, orphan references, quarantine, catalogue errors, KPIs with stale or incomplete inputs (unscoped tokens only)',
      role: 'analyst',
      params: [
        { name: 'today', in: 'query', required: false, description: 'YYYY-MM-DD (default today)' },
        {
          name: 'stale_days',
          in: 'query',
          required: false,
          description: 'data older than this many days are stale (default 2)',
        },
      ],
    },
  },
  '/api/sources': { get: { summary: 'The KPI × source-system matrix', role: 'viewer' } },
  '/api/tokens': {
    get: { summary: 'API tokens (never their secret)', role: 'admin' },
    post: { summary: 'Creates a token (shown once)', role: 'admin', body: tokenCreateSchema },
  },
  '/api/tokens/{id}': {
    delete: {
      summary: 'Revokes a token',
      role: 'admin',
      params: [{ name: 'id', in: 'path', required: true, description: 'token id' }],
    },
  },
};

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(OPS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      const responses: Record<string, unknown> = {
        200: {
          description: 'OK',
          content: {
            [op.response ?? 'application/json']: {
              schema: { type: op.response ? 'string' : 'object' },
            },
          },
        },
        400: {
          description: 'Invalid request; the message names the field',
          content: { 'application/json': { schema: ERROR } },
        },
      };
      if (op.role !== 'none') {
        responses[401] = { description: 'Missing, unknown or revoked token' };
        responses[403] = { description: 'Role too weak, or out of the token scope' };
        responses[429] = { description: 'Rate limit reached (Retry-After)' };
      }
      (paths[path] as Record<string, unknown>)[method] = {
        summary: op.summary,
        'x-vitrine-role': op.role,
        ...(op.role === 'none' ? { security: [] } : {}),
        ...(op.params
          ? { parameters: op.params.map((p) => ({ ...p, schema: { type: 'string' } })) }
          : {}),
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/json': { schema: z.toJSONSchema(op.body, { io: 'input' }) },
                },
              },
            }
          : {}),
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vitrine API',
      version,
      description:
        'Unified-commerce KPIs. Every call but /api/health needs "Authorization: Bearer <token>" (vitrine token create). Roles: viewer < analyst < admin. A token scope (region, location, channel…) restricts every answer to its rows.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
