import type { ServerConfig } from '../config/config.js';
import type { Channel } from './channel.js';
import { type ChannelsConfig, channelNames, resolveChannelsConfig, selfPointingWebhooks } from './channels-config.js';
import { emailChannelProblems } from './email-config.js';

/** The channels in use, as `/ready` and the reload answer show them (never a secret). */
export interface ChannelsStatus {
  file: string | null;
  channels: string[];
  loaded_at: string;
  /** Why the last reload was refused (the last good channels stayed); null after a good one. */
  last_error: { message: string; at: string } | null;
}

/** A channels file read again and built, not yet in use. */
export type ChannelsCandidate =
  | { ok: true; config: ChannelsConfig; channels: Channel[]; names: ReadonlySet<string> }
  | { ok: false; message: string };

export type ChannelsReloadOutcome =
  | { ok: true; status: ChannelsStatus }
  | { ok: false; message: string; status: ChannelsStatus };

export interface ChannelsReloadDeps {
  config: ServerConfig;
  /** The port the server listens on (webhooks pointing back at it are refused). */
  port(): number;
  /** Builds the channels of a configuration; throws (with the key named) when they can't be. */
  build(channels: ChannelsConfig): Channel[];
  /** The channels built at start. */
  initial: Channel[];
  /** Puts the new channels in use for routing and delivery; resolves once the old ones may be closed. */
  swap(channels: ChannelsConfig, built: Channel[]): Promise<void>;
  now: () => Date;
}

/**
 * Hot reload of FARAMESH_CHANNELS_FILE, all or nothing: the file is read again with the same checks
 * as at start and every channel built before anything changes; a file that doesn't pass, or that
 * removes a channel the active policy's `notify:` still names, is refused with the reason and the
 * last good channels stay in use. `config.channels` is always the configuration in use.
 */
export class ChannelsReload {
  private loadedAt: string;
  private lastError: ChannelsStatus['last_error'] = null;
  private inUse: Channel[];

  constructor(private readonly deps: ChannelsReloadDeps) {
    this.loadedAt = deps.now().toISOString();
    this.inUse = deps.initial;
  }

  /** The channels in use. */
  get current(): readonly Channel[] {
    return this.inUse;
  }

  status(): ChannelsStatus {
    const { channels } = this.deps.config;
    return {
      file: channels.file,
      channels: channelNames(channels),
      loaded_at: this.loadedAt,
      last_error: this.lastError,
    };
  }

  /** Reads and builds the file's channels (nothing changes yet); null when they weren't read from the environment. */
  prepare(): ChannelsCandidate | null {
    const { config } = this.deps;
    const source = config.channels.source;
    if (source === undefined) return null;
    const problems: string[] = [];
    const next = resolveChannelsConfig(source, problems);
    const port = this.deps.port();
    if (port !== 0) problems.push(...selfPointingWebhooks(next.webhooks, { ...config, port }));
    problems.push(...emailChannelProblems(next.email, config));
    if (problems.length > 0) return { ok: false, message: problems.join('\n') };
    try {
      return { ok: true, config: next, channels: this.deps.build(next), names: new Set(channelNames(next)) };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  /**
   * Puts `candidate` in use unless it was refused or drops a channel that `referenced` (the active
   * policy's rules' `notify:`) names; otherwise records why and keeps the channels in use.
   */
  commit(candidate: ChannelsCandidate, referenced: readonly string[]): ChannelsReloadOutcome {
    const at = this.deps.now().toISOString();
    const refuse = (message: string): ChannelsReloadOutcome => {
      this.lastError = { message, at };
      return { ok: false, message, status: this.status() };
    };
    if (!candidate.ok) return refuse(candidate.message);
    const missing = [...new Set(referenced)].filter((name) => !candidate.names.has(name));
    if (missing.length > 0) {
      closeAll(candidate.channels);
      return refuse(
        `FARAMESH_CHANNELS_FILE (${candidate.config.file}): removes ${missing.join(', ')}, still named by the active policy's notify:; change the policy first`,
      );
    }
    const retired = this.inUse;
    this.deps.config.channels = candidate.config;
    this.inUse = candidate.channels;
    // The old channels are closed once the deliveries they had under way have ended.
    void this.deps.swap(candidate.config, candidate.channels).then(() => closeAll(retired));
    this.lastError = null;
    this.loadedAt = at;
    return { ok: true, status: this.status() };
  }
}

/** Releases what the channels hold (SMTP pools). */
export function closeAll(channels: readonly Channel[]): void {
  for (const channel of channels) channel.close?.();
}
