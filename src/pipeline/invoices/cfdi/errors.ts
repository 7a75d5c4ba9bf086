// CfdiError: the one error parseCfdi throws. `code` says what kind of problem it is, the message says what was
// wrong (naming the element and attribute) and what to do about it.

export type CfdiErrorCode =
  | 'too_big'
  | 'not_xml'
  | 'dtd'
  | 'not_cfdi'
  | 'unsupported_version'
  | 'missing_field'
  | 'invalid_value';

export class CfdiError extends Error {
  readonly code: CfdiErrorCode;
  /** The element/attribute concerned, e.g. "Emisor@Rfc", when there is one. */
  readonly field: string | null;

  constructor(code: CfdiErrorCode, message: string, field: string | null = null) {
    super(message);
    this.name = 'CfdiError';
    this.code = code;
    this.field = field;
  }
}
