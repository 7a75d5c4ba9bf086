// The SAT catalogues an invoice's payment fields must come from (Anexo 20, CFDI 3.3 and 4.0): c_MetodoPago and
// c_FormaPago. Values written as words on a PDF or by a model are mapped to their codes where the meaning is plain.

/** c_MetodoPago: one payment, or instalments/deferred. */
export const PAYMENT_METHODS: Readonly<Record<string, string>> = {
  PUE: 'pago en una sola exhibición',
  PPD: 'pago en parcialidades o diferido',
};

/** c_FormaPago. */
export const PAYMENT_FORMS: Readonly<Record<string, string>> = {
  '01': 'efectivo',
  '02': 'cheque nominativo',
  '03': 'transferencia electrónica de fondos',
  '04': 'tarjeta de crédito',
  '05': 'monedero electrónico',
  '06': 'dinero electrónico',
  '08': 'vales de despensa',
  '12': 'dación en pago',
  '13': 'pago por subrogación',
  '14': 'pago por consignación',
  '15': 'condonación',
  '17': 'compensación',
  '23': 'novación',
  '24': 'confusión',
  '25': 'remisión de deuda',
  '26': 'prescripción o caducidad',
  '27': 'a satisfacción del acreedor',
  '28': 'tarjeta de débito',
  '29': 'tarjeta de servicios',
  '30': 'aplicación de anticipos',
  '31': 'intermediario pagos',
  '99': 'por definir',
};

const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const METHOD_WORDS: Readonly<Record<string, string>> = {
  [fold(PAYMENT_METHODS.PUE ?? '')]: 'PUE',
  'pago en una sola exhibicion': 'PUE',
  'una sola exhibicion': 'PUE',
  [fold(PAYMENT_METHODS.PPD ?? '')]: 'PPD',
  'pago en parcialidades': 'PPD',
  parcialidades: 'PPD',
};

const FORM_WORDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(PAYMENT_FORMS).map(([code, name]) => [fold(name), code])),
  cash: '01',
  cheque: '02',
  check: '02',
  transferencia: '03',
  'bank transfer': '03',
  'wire transfer': '03',
  'credit card': '04',
  'debit card': '28',
};

/** "PUE", "pue", "Pago en una sola exhibición" → "PUE"; null when it is not a c_MetodoPago value. */
export function paymentMethodCode(value: string): string | null {
  const upper = value.trim().toUpperCase();
  if (upper in PAYMENT_METHODS) return upper;
  const code = /^(PUE|PPD)\b/.exec(upper)?.[1];
  return code ?? METHOD_WORDS[fold(value)] ?? null;
}

/** "03", "3", "03 - Transferencia electrónica de fondos", "Efectivo" → a c_FormaPago code; null otherwise. */
export function paymentFormCode(value: string): string | null {
  const digits = /^\s*(\d{1,2})(?!\d)/.exec(value)?.[1];
  if (digits !== undefined) {
    const code = digits.padStart(2, '0');
    return code in PAYMENT_FORMS ? code : null;
  }
  return FORM_WORDS[fold(value)] ?? null;
}

export const PAYMENT_METHOD_HINT = 'PUE (one payment) or PPD (instalments or deferred)';
export const PAYMENT_FORM_HINT = `a c_FormaPago code: ${Object.keys(PAYMENT_FORMS).sort().join(', ')} (e.g. 01 cash, 03 transfer, 04 credit card, 99 to be defined)`;
