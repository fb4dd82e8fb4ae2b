import type { FastifyInstance } from 'fastify';
import { describeAcceptedMediaTypes } from '../http/accepted-media-types.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';

/** Slack's interaction payloads are a few kilobytes (the message's blocks included). */
const BODY_LIMIT = 256 * 1024;

/**
 * `POST /v1/slack/interactions`: Slack's interactivity request URL. Public (Slack sends no bearer
 * token; its signature is the credential), form-encoded (`payload=<JSON>`) and read as raw bytes,
 * because the signature covers the body exactly as sent. The decision is made before answering
 * (well inside Slack's 3 s); the answer is an empty 200, the person's feedback an ephemeral message.
 */
export function registerSlackRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    describeAcceptedMediaTypes(scope, "application/x-www-form-urlencoded (Slack's payload=<JSON> form)");
    scope.post(
      '/v1/slack/interactions',
      {
        config: { public: true },
        bodyLimit: BODY_LIMIT,
        schema: { summary: "Slack's interactivity requests: Approve / Deny buttons (signed by Slack)" },
      },
      async (request, reply) => {
        if (ctx.slack === null) throw new ApiError('not_found', 'Slack is not configured on this server');
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        ctx.slack.verify(request.headers, body);
        await ctx.slack.handle(body);
        return reply.code(200).send();
      },
    );
  });
}
