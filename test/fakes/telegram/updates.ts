// The bot's update queue and getUpdates long polling, with Telegram's offset rules: an update is confirmed (and
// forgotten) once getUpdates is called with an offset above its update_id; a negative offset keeps only the last
// -offset updates; a newer getUpdates ends a waiting one with 409.
import type { Update } from '@grammyjs/types';
import { CONFLICT_OTHER_POLL } from './errors.ts';
import type { ApiError } from './errors.ts';

interface Waiter {
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (err: ApiError) => void;
  timer: NodeJS.Timeout;
  delivering: boolean;
}

export interface PollRequest {
  offset?: number;
  limit?: number;
  /** Seconds to wait for an update when none is queued. */
  timeout?: number;
}

export class UpdateQueue {
  private queue: Update[] = [];
  private nextId = 700_000_001;
  private waiter: Waiter | undefined;

  /** Queues an update built around the next update_id and wakes a waiting getUpdates. */
  push<T extends Omit<Update, 'update_id'>>(body: T): Update & T {
    const update = { update_id: this.nextId++, ...body };
    this.queue.push(update);
    this.wake();
    return update;
  }

  /** A getUpdates is waiting for an update. */
  get waiting(): boolean {
    return this.waiter !== undefined;
  }

  pending(): Update[] {
    return [...this.queue];
  }

  /** deleteWebhook / setWebhook with drop_pending_updates. */
  dropAll(): void {
    this.queue = [];
  }

  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else this.queue = this.queue.slice(Math.max(0, this.queue.length + offset));
  }

  /**
   * Answers a getUpdates. `onAbort` is given a function to call if the client goes away while waiting.
   */
  poll(req: PollRequest, onAbort: (cancel: () => void) => void): Promise<Update[]> {
    const earlier = this.waiter;
    if (earlier) {
      this.waiter = undefined;
      clearTimeout(earlier.timer);
      earlier.reject(CONFLICT_OTHER_POLL());
    }
    this.confirm(req.offset);
    const limit = req.limit === undefined || req.limit <= 0 ? 100 : Math.min(req.limit, 100);
    const timeout = Math.max(0, req.timeout ?? 0);
    if (this.queue.length > 0 || timeout === 0) return Promise.resolve(this.queue.slice(0, limit));
    return new Promise<Update[]>((resolve, reject) => {
      const waiter: Waiter = {
        limit,
        resolve,
        reject,
        delivering: false,
        timer: setTimeout(() => {
          if (this.waiter === waiter) this.waiter = undefined;
          resolve(this.queue.slice(0, limit));
        }, timeout * 1000),
      };
      this.waiter = waiter;
      onAbort(() => {
        clearTimeout(waiter.timer);
        if (this.waiter === waiter) this.waiter = undefined;
      });
    });
  }

  /** Answers the waiting poll on the next turn, so updates queued together (an album) go out together. */
  private wake(): void {
    const waiter = this.waiter;
    if (!waiter || waiter.delivering) return;
    waiter.delivering = true;
    setImmediate(() => {
      if (this.waiter !== waiter) return;
      this.waiter = undefined;
      clearTimeout(waiter.timer);
      waiter.resolve(this.queue.slice(0, waiter.limit));
    });
  }

  close(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) clearTimeout(waiter.timer);
  }
}
