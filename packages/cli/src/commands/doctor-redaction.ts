import type { ServerConfig } from '@faramesh/server';
import type { Check } from './doctor.js';
import { type DoctorStoreConfig, readDoctorStore } from './doctor-store.js';

type RedactionDoctorConfig = DoctorStoreConfig & Pick<ServerConfig, 'redactionKey' | 'redactionKeyRotate'>;

/**
 * The redaction key id this configuration gives against the one the database records (the one its
 * redacted values were digested with), judged as the server judges it at start. Null when neither
 * has one (nothing is redacted).
 */
export async function redactionCheck(config: RedactionDoctorConfig): Promise<Check | null> {
  const { isRedactionKeyId, KEY_ID_SETTING, keyIdVerdict } = await import('@faramesh/server');
  // null: the database doesn't exist, isn't migrated or can't be read; { recorded: null }: no id yet.
  const read = await readDoctorStore(config, async (store) => ({
    recorded: (await store.settings.get(KEY_ID_SETTING))?.value ?? null,
  }));
  const recorded = read?.recorded ?? null;
  const own = config.redactionKey?.id ?? null;
  if (own === null) {
    if (recorded === null) return null;
    const shown = isRedactionKeyId(recorded) ? recorded : '(not a key id: the setting was changed outside Faramesh)';
    return {
      name: 'redaction',
      status: 'ok',
      message: `Redaction: no FARAMESH_REDACTION_KEY here; the database's redacted values were digested with key id ${shown} (a policy with \`redact:\` needs that key)`,
    };
  }
  if (read === null) {
    return {
      name: 'redaction',
      status: 'ok',
      message: `Redaction key id ${own} (the database can't say which it records yet: \`faramesh serve\` records it)`,
    };
  }
  const verdict = keyIdVerdict({ own, recorded, rotateFrom: config.redactionKeyRotate ?? null });
  switch (verdict.kind) {
    case 'same':
    case 'record': {
      const where =
        verdict.kind === 'same'
          ? 'as the database records'
          : 'the database records none yet: the next start records it';
      const warning = verdict.warning === null ? {} : { details: [verdict.warning] };
      return {
        name: 'redaction',
        status: verdict.warning === null ? 'ok' : 'warn',
        message: `Redaction key id ${own} (${where})`,
        ...warning,
      };
    }
    case 'rotate':
      return {
        name: 'redaction',
        status: 'warn',
        message: `Redaction key id ${own} replaces the database's ${verdict.from} at the next start (FARAMESH_REDACTION_KEY_ROTATE): values redacted before keep their digests under the old key`,
      };
    case 'refused':
      return {
        name: 'redaction',
        status: 'fail',
        message: `Redaction key id ${own} is not the database's: the server will refuse to start`,
        details: [verdict.problem],
      };
  }
}
