// Faults a test arms with fail(): each applies to the next `times` calls of one method, or of every method ('*',
// an outage: a method's own faults come first). heal() ends them all.
import type { Fault } from './types.ts';

export class Faults {
  private readonly byMethod = new Map<string, Array<{ fault: Fault; left: number }>>();

  add(method: string, fault: Fault, times = 1): void {
    if (times <= 0) return;
    const key = method.toLowerCase();
    const list = this.byMethod.get(key) ?? [];
    list.push({ fault, left: times });
    this.byMethod.set(key, list);
  }

  /** The fault for this call of `method`, if one is armed (the oldest first; the method's own before '*'). */
  take(method: string): Fault | undefined {
    for (const key of [method.toLowerCase(), '*']) {
      const list = this.byMethod.get(key);
      const first = list?.[0];
      if (!list || !first) continue;
      first.left--;
      if (first.left <= 0) list.shift();
      return first.fault;
    }
    return undefined;
  }

  clear(): void {
    this.byMethod.clear();
  }
}
