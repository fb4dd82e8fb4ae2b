import type { ShadowPolicyStatus, ShadowPromotion, ShadowReport } from '@faramesh/contract';
import type { ActionInput, Diagnostic } from '@faramesh/policy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, type Permission } from '../auth/permissions.js';
import { describeAcceptedMediaTypes } from '../http/accepted-media-types.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { API_SHADOW_LABEL } from '../shadow/shadow-policy.js';
import type { PromoteRequest } from '../shadow/shadow-promotion.js';
import { type ShadowReportQuery, shadowReport } from '../shadow/shadow-reports.js';

const HASH = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Only loads and compiles the pasted policy in the playground's worker: any action will do. */
const PROBE: ActionInput = {
  agent_id: 'shadow-check',
  tool: 'shadow-check',
  operation: 'load',
  params: {},
  context: {},
  principal: { name: 'shadow-check', role: 'admin', groups: [] },
};

/**
 * The shadow policy: read it, set it (JSON `{"policy": "<yaml>"}` or a YAML body), clear it, read
 * the report of what it would have changed, and promote it to active.
 */
export function registerShadowRoutes(app: FastifyInstance, ctx: AppContext): void {
  const allow = (request: FastifyRequest, permission: Permission, doing: string) => {
    if (!can(request.principal.role, permission)) {
      throw new ApiError('forbidden', `role "${request.principal.role}" may not ${doing}`);
    }
  };
  const refuseFromFile = () => {
    if (ctx.shadow.fromFile) {
      throw new ApiError(
        'shadow_policy_from_file',
        `the shadow policy comes from FARAMESH_SHADOW_POLICY (${ctx.config.shadow.file}); edit that file instead`,
        { file: ctx.config.shadow.file },
      );
    }
  };

  app.get(
    '/v1/policy/shadow',
    { schema: { summary: 'The shadow policy evaluated beside the active one, if any' } },
    async (request): Promise<ShadowPolicyStatus> => {
      allow(request, 'policy:read', 'read the policy');
      return ctx.shadow.status();
    },
  );

  app.register(async (scope) => {
    // A YAML body as it is in the file (curl --data-binary @candidate.yaml), besides the JSON form.
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, { policy: UTF8.decode(body as Buffer) });
      } catch {
        done(new ApiError('invalid_unicode', 'the policy is not valid UTF-8'), undefined);
      }
    });
    describeAcceptedMediaTypes(scope, `application/json ({"policy": "<yaml>"}) or as YAML (${YAML_TYPES.join(', ')})`);
    scope.post<{ Body: { policy: string } }>(
      '/v1/policy/shadow',
      {
        schema: {
          summary: 'Set the shadow policy (admin): evaluated beside the active one on every submission',
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['policy'],
            properties: { policy: { type: 'string', maxLength: 64 * 1024 * 1024 } },
          },
        },
      },
      async (request): Promise<ShadowPolicyStatus> => {
        allow(request, 'policy:reload', 'set the shadow policy');
        refuseFromFile();
        const source = request.body.policy;
        const limit = ctx.config.limits.playgroundPolicyBytes;
        const bytes = Buffer.byteLength(source, 'utf8');
        if (bytes > limit) {
          ctx.metrics.limitRejections.inc({ limit: 'policy_too_large' });
          throw new ApiError('policy_too_large', `the shadow policy is ${bytes} bytes; the limit is ${limit}`, {
            limit_bytes: limit,
            bytes,
          });
        }
        // First on the playground's worker (bounded in time and heap), so a pathological policy never
        // costs the server's thread; only one that loaded there is compiled here, once.
        const checked = await ctx.playground.evaluate(source, PROBE);
        if (!checked.ok) throw invalid(checked.diagnostics);
        const compiled = ctx.shadow.compile(source);
        if (!compiled.ok) throw invalid(compiled.diagnostics);
        const status = await ctx.shadow.set(
          compiled.policy,
          source,
          request.principal.openMode ? null : request.principal.name,
        );
        request.log.info({ hash: compiled.policy.hash }, 'shadow policy set');
        return status;
      },
    );
  });

  app.delete(
    '/v1/policy/shadow',
    { schema: { summary: 'Stop evaluating the shadow policy (admin); its recorded disagreements stay' } },
    async (request): Promise<ShadowPolicyStatus & { cleared: boolean }> => {
      allow(request, 'policy:reload', 'clear the shadow policy');
      refuseFromFile();
      const cleared = await ctx.shadow.clear();
      return { ...ctx.shadow.status(), cleared };
    },
  );

  app.get<{ Querystring: ShadowReportQuery }>(
    '/v1/policy/shadow/report',
    {
      schema: {
        summary: 'What the shadow policy would have changed: counts by old→new decision and by rule, with examples',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: { type: 'string', minLength: 1, maxLength: 40 },
            policy_hash: HASH,
            examples: { type: 'integer', minimum: 0, maximum: 20 },
          },
        },
      },
    },
    async (request): Promise<ShadowReport> => {
      allow(request, 'policy:read', 'read the policy');
      return shadowReport(ctx.store, ctx.shadow, request.query, ctx.now(), 'querystring');
    },
  );

  app.post<{ Body: PromoteRequest | undefined }>(
    '/v1/policy/shadow/promote',
    {
      schema: {
        summary: 'Make the shadow policy the active one (admin), recording the report it was promoted on',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { expected_hash: HASH, since: { type: 'string', minLength: 1, maxLength: 40 } },
        },
      },
    },
    async (request): Promise<ShadowPromotion> => {
      allow(request, 'policy:reload', 'promote the shadow policy');
      return ctx.shadowPromoter.promote(request.body ?? {}, request.principal);
    },
  );
}

function invalid(diagnostics: Diagnostic[]): ApiError {
  const labelled = diagnostics.map((d) => ({ ...d, file: API_SHADOW_LABEL }));
  return new ApiError('policy_invalid', `the shadow policy is invalid (${diagnostics.length} problem(s))`, {
    diagnostics: labelled,
  });
}
