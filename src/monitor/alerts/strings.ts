// The words of alert messages in the admins' languages. The bot's Fluent files belong to the bot; alerts are
// written by the monitor, possibly in a process without the bot, so their few strings live here.
import type { IncidentState, Severity } from '../types.ts';

export type Lang = 'es' | 'en';

export interface AlertStrings {
  severity: Record<Severity, string>;
  state: Record<IncidentState, string>;
  fired: string;
  failed: string;
  reminder: (openFor: string) => string;
  resolvedAfter: (duration: string) => string;
  incidents: (n: number) => string;
  andMore: (n: number) => string;
  action: string;
  times: string;
  since: string;
  firstSeen: string;
  lastSeen: string;
  rule: string;
  target: string;
  fields: string;
  ackedBy: (who: string, when: string) => string;
  resolvedAt: string;
  retry: string;
  silenceHour: string;
  details: string;
}

export const STRINGS: Record<Lang, AlertStrings> = {
  es: {
    severity: { critical: 'CRÍTICO', warning: 'aviso', info: 'info' },
    state: {
      detected: 'detectado',
      retrying: 'reintentando',
      pending: 'en espera',
      suppressed: 'silenciado',
      solved: 'resuelto',
      failed: 'falló',
    },
    fired: 'Incidente',
    failed: 'La reparación falló',
    reminder: (d) => `Sigue abierto desde hace ${d}`,
    resolvedAfter: (d) => `resuelto tras ${d}`,
    incidents: (n) => `${n} incidentes`,
    andMore: (n) => `… y ${n} más`,
    action: 'Acción',
    times: 'Veces',
    since: 'desde',
    firstSeen: 'Primera vez',
    lastSeen: 'Última vez',
    rule: 'Regla',
    target: 'Objetivo',
    fields: 'Datos',
    ackedBy: (who, when) => `Atendido por ${who} (${when})`,
    resolvedAt: 'Cerrado',
    retry: 'Reintentar',
    silenceHour: 'Silenciar 1 h',
    details: 'Detalles',
  },
  en: {
    severity: { critical: 'CRITICAL', warning: 'warning', info: 'info' },
    state: {
      detected: 'detected',
      retrying: 'retrying',
      pending: 'pending',
      suppressed: 'suppressed',
      solved: 'solved',
      failed: 'failed',
    },
    fired: 'Incident',
    failed: 'Repair failed',
    reminder: (d) => `Still open after ${d}`,
    resolvedAfter: (d) => `resolved after ${d}`,
    incidents: (n) => `${n} incidents`,
    andMore: (n) => `… and ${n} more`,
    action: 'Action',
    times: 'Count',
    since: 'since',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    rule: 'Rule',
    target: 'Target',
    fields: 'Fields',
    ackedBy: (who, when) => `Acknowledged by ${who} (${when})`,
    resolvedAt: 'Closed',
    retry: 'Retry',
    silenceHour: 'Silence 1 h',
    details: 'Details',
  },
};

export const SEVERITY_MARK: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: 'ℹ️' };
