import { z } from 'zod';
import { alertRuleInputSchema } from '../goals/alerts/alert-rule.js';
import { reportInputSchema, reportRenderSchema } from '../goals/reports/report-service.js';
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
  /** JSON schema of a JSON answer (default: any object). */
  answer?: Record<string, unknown>;
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

const MONEY_NOTE =
  "Money amounts (KPIs of unit currency that add up: sales, refunds, stock value) are JSON numbers rounded to the reporting currency's minor unit, written as their exact decimal (547666.75; changes computed in minor units: 624.1). Ratios, money per something included (AOV, CLV, sales per m²), are numbers at full precision (a conversion of 0.0372 is 3.72 %)";

const COMPARISON = {
  type: 'object',
  properties: {
    value: { type: ['number', 'null'], description: 'the compared value (N-1, previous, target)' },
    change: {
      type: ['number', 'null'],
      description: 'value now − compared value, in the KPI unit',
    },
    change_ratio: {
      type: ['number', 'null'],
      description:
        'relative change as a fraction, not a percentage: 0.1 is +10 %, 1.296 is +129.6 % (null when the compared value is 0)',
    },
  },
  required: ['value', 'change', 'change_ratio'],
};

const QUERY_ANSWER = {
  type: 'object',
  description: MONEY_NOTE,
  properties: {
    request: { type: 'object' },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          period: { type: 'string' },
          period_start: { type: 'string', format: 'date' },
          period_end: { type: 'string', format: 'date' },
          dims: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } },
          values: {
            type: 'object',
            description: 'KPI id → value. ' + MONEY_NOTE,
            additionalProperties: { type: ['number', 'null'] },
          },
          comparisons: {
            type: 'object',
            description: 'comparison (yoy, previous, target…) → KPI id → comparison',
            additionalProperties: { type: 'object', additionalProperties: COMPARISON },
          },
        },
      },
    },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description:
        'one line each: unknown filter values (with suggestions), periods outside the data, deprecated KPIs…',
    },
    sql: { type: 'array', items: { type: 'string' } },
  },
  required: ['request', 'rows', 'warnings', 'sql'],
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
      answer: QUERY_ANSWER,
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
      summary:
        'The same query as CSV (export): money at the minor unit, <kpi>_<comparison>_change_ratio a fraction (1.296 = +129.6 %)',
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
      answer: {
        type: 'object',
        description: `unit: the KPI's unit, of value, change and every contribution. ${MONEY_NOTE} The contributions of drivers (and of segments of an additive KPI) add up to the change exactly.`,
      },
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
  '/api/alerts': {
    get: { summary: 'Alert rules within the token scope', role: 'analyst' },
    post: {
      summary:
        'Adds an alert rule under the token scope; it is run once first (an unknown KPI, a dimension that does not apply or an unknown objective is a 400) and the answer says how it stands now',
      role: 'analyst',
      body: alertRuleInputSchema,
    },
  },
  '/api/alerts/{id}': {
    delete: {
      summary: 'Removes a rule (404 outside the token scope)',
      role: 'analyst',
      params: [{ name: 'id', in: 'path', required: true, description: 'rule id' }],
    },
  },
  '/api/alerts/{id}/test': {
    post: {
      summary: 'Evaluates a rule now without notifying',
      role: 'analyst',
      params: [{ name: 'id', in: 'path', required: true, description: 'rule id' }],
    },
  },
  '/api/alerts/log': {
    get: {
      summary: 'Deliveries of the rules in scope: sent, pending retry (next attempt) or failed',
      role: 'analyst',
    },
  },
  '/api/notifications': {
    get: {
      summary:
        "The dashboard's alert feed for the token scope, newest first, with the unread count",
      role: 'viewer',
    },
  },
  '/api/notifications/read': {
    post: { summary: 'Marks the feed read for this token', role: 'viewer' },
  },
  '/api/reports': {
    get: {
      summary: 'Scheduled reports within the token scope, with next and last runs',
      role: 'analyst',
    },
    post: {
      summary: 'Schedules a report (cron in the workspace time zone) under the token scope',
      role: 'analyst',
      body: reportInputSchema,
    },
  },
  '/api/reports/{id}': {
    delete: {
      summary: 'Removes a scheduled report',
      role: 'analyst',
      params: [{ name: 'id', in: 'path', required: true, description: 'schedule id' }],
    },
  },
  '/api/reports/{id}/run': {
    post: {
      summary: 'Runs a scheduled report now (renders and sends it)',
      role: 'analyst',
      params: [{ name: 'id', in: 'path', required: true, description: 'schedule id' }],
    },
  },
  '/api/reports/render': {
    post: {
      summary:
        'Prints a board to PDF under the token scope (Chromium); ?format=json returns the headline figures and the PDF in base64',
      role: 'viewer',
      body: reportRenderSchema,
      response: 'application/pdf',
      params: [{ name: 'format', in: 'query', required: false, description: 'json' }],
    },
  },
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
              schema: op.answer ?? { type: op.response ? 'string' : 'object' },
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
