import { ApiError } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { announce } from '../ui/announcer.ts';
import { statusBadgeText } from './status-badge.ts';
import { statusPoller } from './status-poller.ts';

/**
 * How long after its last change (`updatedAt`) an UNVERIFIED credential can still get a verdict on its own: the
 * consumer's check (its retries 10 s, 30 s, 90 s, 270 s apart) holds its lease for 8.5 minutes (docs/api.md,
 * the verification timeline), so 9 minutes. After that the page stops asking.
 */
export const VERIFICATION_TIMELINE_MS = 9 * 60_000;
/** How long a "check again" (or another change made here) is watched for its result. */
const CHECK_WATCH_MS = 60_000;

interface PendingCheck {
  lastVerifiedAt: string | null;
  since: number;
}

export interface CredentialState {
  /** `undefined` until the first list arrived. */
  credentials: readonly Credential[] | undefined;
  /** Ids with a "check again" waiting for its result. */
  checking: ReadonlySet<string>;
  loadError: ApiError | undefined;
  /** The API asked to wait (429) until then; polling resumes by itself. */
  pausedUntil: number | null;
}

/** Whether the page still expects a verdict for this credential without being asked. */
export function awaitsVerdict(credential: Credential, now = Date.now()): boolean {
  return credential.status === 'UNVERIFIED' && now - Date.parse(credential.updatedAt) < VERIFICATION_TIMELINE_MS;
}

/**
 * The organization's credentials as every screen of this tab sees them, kept current by one poll shared with the
 * other tabs of the browser (`shareKey` names the organization), and each verdict announced as it arrives.
 */
export function credentialStore(api: CredentialsApi, shareKey: string) {
  let state: CredentialState = {
    credentials: undefined,
    checking: new Set(),
    loadError: undefined,
    pausedUntil: null,
  };
  const checks = new Map<string, PendingCheck>();
  const listeners = new Set<() => void>();
  let timelineTimer: number | undefined;

  const emit = () => {
    state = { ...state, checking: new Set(checks.keys()) };
    for (const listener of listeners) listener();
    poller.schedule();
    rerenderAtTimelineEnd();
  };

  /** Rows say "Checking…" only while a verdict can still come: re-render when the next timeline ends (no request). */
  const rerenderAtTimelineEnd = () => {
    window.clearTimeout(timelineTimer);
    const now = Date.now();
    const ends = (state.credentials ?? [])
      .filter((credential) => awaitsVerdict(credential, now))
      .map((credential) => Date.parse(credential.updatedAt) + VERIFICATION_TIMELINE_MS);
    if (ends.length > 0) timelineTimer = window.setTimeout(emit, Math.min(...ends) - now + 50);
  };

  /** Takes a fresh list, announcing each verdict that arrived since the last one; answers whether anything changed. */
  const apply = (next: Credential[]): boolean => {
    const previous = new Map((state.credentials ?? []).map((credential) => [credential.id, credential]));
    const verdicts: string[] = [];
    let changed = state.credentials === undefined || previous.size !== next.length;
    for (const credential of next) {
      const before = previous.get(credential.id);
      if (before === undefined || before.updatedAt !== credential.updatedAt || before.status !== credential.status)
        changed = true;
      const check = checks.get(credential.id);
      const checked = check !== undefined && credential.lastVerifiedAt !== check.lastVerifiedAt;
      if (checked || (check !== undefined && Date.now() - check.since > CHECK_WATCH_MS)) checks.delete(credential.id);
      const verdict = before !== undefined && (before.status !== credential.status || checked);
      if (verdict && credential.status !== 'UNVERIFIED') {
        verdicts.push(
          `${credential.name} is ${statusBadgeText(credential.status)}${credential.verificationError ? `: ${credential.verificationError}` : ''}.`,
        );
      }
    }
    for (const id of checks.keys()) if (!next.some((credential) => credential.id === id)) checks.delete(id);
    state = { ...state, credentials: next, loadError: undefined };
    emit();
    if (verdicts.length > 0) announce(verdicts.join(' '));
    return changed;
  };

  const poller = statusPoller<Credential[]>({
    shareKey,
    poll: api.list,
    apply,
    isNeeded: (now) =>
      checks.size > 0 || (state.credentials ?? []).some((credential) => awaitsVerdict(credential, now)),
    onPaused: (until) => {
      state = { ...state, pausedUntil: until };
      emit();
    },
  });

  async function load(): Promise<void> {
    try {
      apply(await api.list());
      poller.loaded();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      state = { ...state, loadError: error };
      if (error.status === 403) poller.stop();
      emit();
    }
  }

  const upsert = (credential: Credential) => {
    const list = state.credentials ?? [];
    const index = list.findIndex((candidate) => candidate.id === credential.id);
    state = { ...state, credentials: index === -1 ? [credential, ...list] : list.with(index, credential) };
    poller.poke(CHECK_WATCH_MS);
    emit();
  };

  void load();
  return {
    get state(): CredentialState {
      return state;
    },
    find: (id: string) => state.credentials?.find((credential) => credential.id === id),
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload: load,
    /** A credential this tab created or changed (add, rotate). */
    upsert,
    removed(id: string) {
      checks.delete(id);
      state = { ...state, credentials: (state.credentials ?? []).filter((credential) => credential.id !== id) };
      emit();
    },
    /** "Check again": queues a check and watches for its verdict. */
    async checkAgain(credential: Credential): Promise<void> {
      checks.set(credential.id, { lastVerifiedAt: credential.lastVerifiedAt, since: Date.now() });
      emit();
      try {
        await api.checkAgain(credential.id);
        poller.poke(CHECK_WATCH_MS);
        announce(`Checking ${credential.name} again…`);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        checks.delete(credential.id);
        emit();
        announce(`${credential.name} could not be checked again. ${error.status === 429 ? '' : error.message}`);
        throw error;
      }
    },
    dispose() {
      poller.stop();
      window.clearTimeout(timelineTimer);
      listeners.clear();
    },
  };
}

export type CredentialStore = ReturnType<typeof credentialStore>;
