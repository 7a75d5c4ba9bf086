// What the composition root starts and stops. Each capability (bot, invoices, monitor, …) is one module.

export type ModuleState = 'starting' | 'running' | 'degraded' | 'off' | 'stopped';

export interface ModuleStatus {
  state: ModuleState;
  /** One line for a person: why it is off or degraded. */
  detail?: string;
}

export interface Module {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ModuleStatus;
}
