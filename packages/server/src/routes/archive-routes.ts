import { TERMINAL_STATUSES } from '@faramesh/contract';
import type { FastifyInstance } from 'fastify';
import { resolveCutoff } from '../audit/archive/archive-cutoff.js';
import { archiveLedger } from '../audit/archive/archiver.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { ledgerPageEvents } from '../limits/ledger-page.js';

interface ArchiveBody {
  before: string;
  dry_run?: boolean;
}

/**
 * Retention: archives the ledger up to a cutoff into segment files under FARAMESH_ARCHIVE_DIR and
 * removes the archived, finished actions (admin), then prunes the limit usage no window reaches
 * (archiver.ts). Synchronous: it answers once the segments are fsynced, the removal committed and
 * the pruning done, with what was archived and where.
 */
export function registerArchiveRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: ArchiveBody }>(
    '/v1/audit/archive',
    {
      schema: {
        summary:
          'Archive the ledger up to a cutoff into segment files and remove the archived, finished actions (admin)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['before'],
          properties: {
            before: { type: 'string', minLength: 1, maxLength: 64 },
            dry_run: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request) => {
      if (!can(request.principal.role, 'audit:archive')) throw new ApiError('forbidden', 'may not archive the ledger');
      const { config, monitor } = ctx.ledger;
      const cutoff = resolveCutoff(request.body.before, ctx.now());
      if ('problem' in cutoff) throw new ApiError('validation_failed', cutoff.problem);
      const dryRun = request.body.dry_run === true;
      if (config.archiveDir === null && !dryRun) {
        throw new ApiError('archive_not_configured', 'set FARAMESH_ARCHIVE_DIR to archive through the API');
      }
      const result = await archiveLedger(
        {
          ledger: ctx.store.ledger,
          key: config.key,
          terminal: TERMINAL_STATUSES,
          now: ctx.now,
          check: async () => {
            const health = await monitor.check();
            return health.ok ? [] : health.problems;
          },
        },
        {
          before: cutoff.before,
          dir: config.archiveDir ?? '',
          dryRun,
          maxSegmentBytes: config.archiveSegmentBytes,
          pageEvents: ledgerPageEvents(ctx.config.maxBodyBytes),
        },
      );
      if (result.archived) await monitor.check();
      return result;
    },
  );
}
