export interface StatusPollerOptions {
  intervalMs: number;
  isNeeded(): boolean;
  poll(): Promise<void>;
}

/**
 * Polls while `isNeeded()` says so, one request at a time, and not while the tab is hidden (it resumes when the
 * tab is shown again). `schedule()` is called after every change that may make polling needed.
 */
export function statusPoller(options: StatusPollerOptions) {
  let timer: number | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped || timer !== undefined || !options.isNeeded()) return;
    timer = window.setTimeout(() => {
      if (document.hidden) {
        timer = undefined;
        return;
      }
      void options.poll().finally(() => {
        timer = undefined;
        schedule();
      });
    }, options.intervalMs);
  };
  const onVisible = () => {
    if (!document.hidden) schedule();
  };
  document.addEventListener('visibilitychange', onVisible);

  return {
    schedule,
    stop() {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
