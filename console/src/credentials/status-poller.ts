import { ApiError } from '../api/api-error.ts';

/** The first wait after a change, and the longest wait while nothing changes. */
export const POLL_MIN_MS = 2000;
export const POLL_MAX_MS = 30_000;

export interface StatusPollerOptions<T> {
  /** Tabs of this browser with the same key share one poll: one tab (the leader) asks, the others listen. */
  shareKey: string;
  poll(): Promise<T>;
  /** Applies a result (this tab's or another's); answers whether anything changed, which resets the backoff. */
  apply(result: T): boolean;
  /** Whether anything still waits for a verdict (checked before every request). */
  isNeeded(now: number): boolean;
  /** The API said to wait (429 with `Retry-After`) until this time; `null` once a request went through again. */
  onPaused(until: number | null): void;
}

/** What the leader tells the other tabs; they take over its schedule if it goes away. */
type Message =
  | { type: 'result'; result: unknown; delay: number; at: number }
  | { type: 'paused'; until: number; delay: number; at: number }
  | { type: 'poke'; watchUntil: number };

/**
 * Polls while `isNeeded()` says so, one request at a time, backing off from 2 s to 30 s while nothing changes; not
 * while the tab is hidden; after a 429 not before its `Retry-After`. Every tab of the browser with the same
 * `shareKey` shares one poll: a Web Lock elects the leader among the visible tabs, which asks and broadcasts each
 * answer (BroadcastChannel); a hidden leader lets go, so another visible tab takes over its schedule. Without Web
 * Locks or BroadcastChannel each tab polls alone, with the same backoff.
 */
export function statusPoller<T>(options: StatusPollerOptions<T>) {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(options.shareKey) : undefined;
  const locks = channel && typeof navigator.locks?.request === 'function' ? navigator.locks : undefined;
  let delay = POLL_MIN_MS;
  let lastPollAt = Date.now();
  let pausedUntil = 0;
  let watchUntil = 0;
  let leading = false;
  let campaign: AbortController | undefined;
  let release: (() => void) | undefined;
  let timer: number | undefined;
  let inFlight = false;
  let stopped = false;

  const needed = (now: number) => now < watchUntil || options.isNeeded(now);

  const arm = () => {
    window.clearTimeout(timer);
    timer = undefined;
    if (!leading || inFlight || stopped || document.hidden || !needed(Date.now())) return;
    const now = Date.now();
    const wait = Math.max(lastPollAt + delay - now, pausedUntil - now, 0);
    timer = window.setTimeout(() => void step(), wait);
  };

  async function step(): Promise<void> {
    timer = undefined;
    if (!leading || stopped || document.hidden || !needed(Date.now())) return;
    inFlight = true;
    try {
      const result = await options.poll();
      lastPollAt = Date.now();
      const changed = options.apply(result);
      delay = changed ? POLL_MIN_MS : Math.min(delay * 2, POLL_MAX_MS);
      if (pausedUntil !== 0) {
        pausedUntil = 0;
        options.onPaused(null);
      }
      post({ type: 'result', result, delay, at: lastPollAt });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      lastPollAt = Date.now();
      delay = Math.min(delay * 2, POLL_MAX_MS);
      if (error.status === 401) stop();
      if (error.status === 429) {
        pausedUntil = lastPollAt + (error.details.retryAfterSeconds ?? 60) * 1000;
        options.onPaused(pausedUntil);
        post({ type: 'paused', until: pausedUntil, delay, at: lastPollAt });
      }
    } finally {
      inFlight = false;
    }
    arm();
  }

  const post = (message: Message) => {
    if (!stopped) channel?.postMessage(message);
  };

  channel?.addEventListener('message', (event: MessageEvent<Message>) => {
    const message = event.data;
    if (message.type === 'poke') {
      watchUntil = Math.max(watchUntil, message.watchUntil);
      delay = POLL_MIN_MS;
      arm();
      return;
    }
    delay = message.delay;
    lastPollAt = message.at;
    if (message.type === 'paused') {
      pausedUntil = message.until;
      options.onPaused(pausedUntil);
      return;
    }
    if (pausedUntil !== 0) {
      pausedUntil = 0;
      options.onPaused(null);
    }
    options.apply(message.result as T);
  });

  const stand = () => {
    if (stopped || leading || campaign || document.hidden) return;
    if (!locks) {
      leading = true;
      arm();
      return;
    }
    const controller = new AbortController();
    campaign = controller;
    locks
      .request(`${options.shareKey}.leader`, { signal: controller.signal }, () => {
        campaign = undefined;
        leading = true;
        arm();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .catch(() => {
        // Aborted while waiting: the tab went hidden or the page was left.
        if (campaign === controller) campaign = undefined;
      });
  };

  const stepDown = () => {
    campaign?.abort();
    campaign = undefined;
    window.clearTimeout(timer);
    timer = undefined;
    if (!leading) return;
    leading = !locks;
    release?.();
    release = undefined;
  };

  const onVisibility = () => {
    if (document.hidden) stepDown();
    else {
      stand();
      arm();
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  stand();

  function stop(): void {
    stopped = true;
    stepDown();
    leading = false;
    document.removeEventListener('visibilitychange', onVisibility);
    channel?.close();
  }

  return {
    /** Called after every change that may make polling needed. */
    schedule: arm,
    /**
     * A change was made here (a credential added, rotated or checked): poll again soon, and keep polling for
     * `watchMs` whatever the list says; the leader is told when it is another tab.
     */
    poke(watchMs: number) {
      watchUntil = Math.max(watchUntil, Date.now() + watchMs);
      delay = POLL_MIN_MS;
      lastPollAt = Date.now();
      post({ type: 'poke', watchUntil });
      arm();
    },
    /** The page loaded the list itself: the next poll is a full delay away. */
    loaded() {
      lastPollAt = Date.now();
      arm();
    },
    stop,
  };
}
