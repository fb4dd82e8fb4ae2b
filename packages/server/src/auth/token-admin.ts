import {
  type ApiToken,
  type CreatedToken,
  type CreateTokenRequest,
  MAX_TOKEN_NAME_LENGTH,
  type Role,
  TOKEN_NAME_PATTERN,
  type TokenList,
} from '@faramesh/contract';
import { parseDuration } from '@faramesh/policy';
import { StoreError, type TokenRecord, type TokenStore } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { DISPLAY_PREFIX_LENGTH, newTokenSecret, secretDigest } from './token-secret.js';

const NAME = new RegExp(TOKEN_NAME_PATTERN, 'u');
const AGENT_GLOB = /^[^,|\s\p{Cc}\p{Cs}]{1,256}$/u;
const ROLES: readonly Role[] = ['agent', 'approver', 'admin'];

export interface TokenAdminOptions {
  tokens: TokenStore;
  /** Names no database token may take: the environment tokens' and the open-mode identity. */
  reservedNames: ReadonlySet<string>;
  now: () => Date;
  newId: () => string;
  /** Told after each token is created (ends open mode at once: DatabaseTokenSource.tokenCreated). */
  onCreated?: () => void;
}

/**
 * Creating, listing and revoking database tokens: behind the admin endpoints, and behind
 * `faramesh token … --local` when no server runs. Input is checked here as well as by the HTTP
 * schema, because the local path has no HTTP in front of it.
 */
export class TokenAdmin {
  constructor(private readonly options: TokenAdminOptions) {}

  /** Creates a token for `input.name`; the answer holds the secret, which is stored nowhere. */
  async create(input: CreateTokenRequest, by: string): Promise<CreatedToken> {
    const { tokens, reservedNames, now, newId } = this.options;
    const name = checkName(input.name, 'name');
    if (!ROLES.includes(input.role)) invalid('role', 'must be agent, approver or admin');
    if (reservedNames.has(name)) {
      throw new ApiError('token_name_taken', `"${name}" is the name of an environment token; choose another name`, {
        name,
        source: 'env',
      });
    }
    const groups = [...new Set((input.groups ?? []).map((group) => checkName(group, 'groups')))];
    if (input.agent_ids !== undefined && input.role !== 'agent') {
      invalid('agent_ids', 'only agent tokens are bound to agent ids (admins may submit as any, approvers not at all)');
    }
    for (const glob of input.agent_ids ?? []) {
      if (!AGENT_GLOB.test(glob))
        invalid('agent_ids', `"${glob}" must be 1-256 characters without spaces, commas or |`);
    }
    const createdAt = now();
    let expiresAt: string | null = null;
    if (input.expires_in !== undefined) {
      const duration = parseDuration(input.expires_in);
      if ('problem' in duration) invalid('expires_in', duration.problem);
      else expiresAt = new Date(createdAt.getTime() + duration.ms).toISOString();
    }
    const secret = newTokenSecret();
    try {
      const record = await tokens.create({
        id: newId(),
        name,
        role: input.role,
        groups,
        agent_ids: input.agent_ids ?? null,
        secret_hash: secretDigest(secret).toString('hex'),
        prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
        created_at: createdAt.toISOString(),
        created_by: by,
        expires_at: expiresAt,
      });
      this.options.onCreated?.();
      return { ...this.toWire(record), secret };
    } catch (error) {
      if (error instanceof StoreError && error.code === 'already_exists') {
        throw new ApiError(
          'token_name_taken',
          `a token named "${name}" exists and is not revoked; revoke it first to replace it`,
          { name, source: 'database' },
        );
      }
      throw error;
    }
  }

  async list(limit = 100, after?: string): Promise<TokenList> {
    const page = await this.options.tokens.list({ limit, ...(after !== undefined && { after }) });
    return {
      items: page.map((token) => this.toWire(token)),
      next_cursor: page.length === limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** The token with id `ref`, or else the one named `ref` that isn't revoked. */
  async find(ref: string): Promise<TokenRecord> {
    const { tokens } = this.options;
    const token = (await tokens.get(ref)) ?? (await tokens.findActiveByName(ref));
    if (token === null) {
      throw new ApiError('token_not_found', `no token has the id "${ref}", and no unrevoked token has that name`, {
        token: ref,
      });
    }
    return token;
  }

  /** Revokes the token named or identified by `ref`; revoking a revoked token changes nothing. */
  async revoke(ref: string, by: string): Promise<ApiToken> {
    const token = await this.find(ref);
    const revoked = await this.options.tokens.revoke(token.id, this.options.now().toISOString(), by);
    if (revoked === null) throw new ApiError('token_not_found', `token "${ref}" disappeared`, { token: ref });
    return this.toWire(revoked);
  }

  /** A token as the API shows it: everything but the secret's digest. */
  toWire(token: TokenRecord): ApiToken {
    const expired = token.expires_at !== null && Date.parse(token.expires_at) <= this.options.now().getTime();
    return {
      id: token.id,
      name: token.name,
      role: token.role as Role,
      groups: token.groups,
      agent_ids: token.agent_ids,
      prefix: token.prefix,
      created_at: token.created_at,
      created_by: token.created_by,
      last_used_at: token.last_used_at,
      expires_at: token.expires_at,
      revoked_at: token.revoked_at,
      revoked_by: token.revoked_by,
      status: token.revoked_at !== null ? 'revoked' : expired ? 'expired' : 'active',
    };
  }
}

function checkName(value: string, field: string): string {
  if (typeof value !== 'string' || [...value].length > MAX_TOKEN_NAME_LENGTH || !NAME.test(value)) {
    invalid(field, `"${value}" must be 1-${MAX_TOKEN_NAME_LENGTH} characters without *, /, =, |, commas or spaces`);
  }
  return value;
}

function invalid(field: string, message: string): never {
  throw new ApiError('validation_failed', `${field}: ${message}`, [{ path: `body.${field}`, message }]);
}
