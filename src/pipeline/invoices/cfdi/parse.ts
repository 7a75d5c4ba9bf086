// parseCfdi: bytes or text → a CFDI (3.2/3.3/4.0) or a Retenciones document, or a CfdiError.

import { readComprobante } from './comprobante.ts';
import { CfdiError } from './errors.ts';
import { Fields } from './fields.ts';
import { readRetenciones } from './retenciones.ts';
import { DEFAULT_MAX_BYTES, parseXml, readXmlText } from './xml.ts';
import type { CfdiResult, ParseCfdiOptions } from './types.ts';

const CFDI_NAMESPACE = /xmlns(?::[\w.-]+)?\s*=\s*["']http:\/\/www\.sat\.gob\.mx\/cfd\/[34]["']/;
const RETENCIONES_NAMESPACE =
  /xmlns(?::[\w.-]+)?\s*=\s*["']http:\/\/www\.sat\.gob\.mx\/esquemas\/retencionpago\/[12]["']/;

export function parseCfdi(xml: string | Buffer, options: ParseCfdiOptions = {}): CfdiResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const text = readXmlText(xml, maxBytes);
  const { name, element } = parseXml(text);

  if (name === 'Comprobante' && CFDI_NAMESPACE.test(text)) {
    const version = new Fields(element, 'Comprobante').required('Version', 'version');
    if (version !== '3.2' && version !== '3.3' && version !== '4.0') {
      throw new CfdiError(
        'unsupported_version',
        `Comprobante@Version "${version}" is not supported (3.2, 3.3 and 4.0 are); record this file by hand or ask for a current CFDI.`,
        'Comprobante@Version',
      );
    }
    return { kind: 'cfdi', document: readComprobante(element, version) };
  }
  if (name === 'Retenciones' && RETENCIONES_NAMESPACE.test(text)) {
    const version = new Fields(element, 'Retenciones').required('Version');
    if (version !== '1.0' && version !== '2.0') {
      throw new CfdiError(
        'unsupported_version',
        `Retenciones@Version "${version}" is not supported (1.0 and 2.0 are); record this file by hand.`,
        'Retenciones@Version',
      );
    }
    return { kind: 'retenciones', document: readRetenciones(element, version) };
  }
  throw new CfdiError(
    'not_cfdi',
    `The XML's root element is <${name}>, not a SAT cfdi:Comprobante or retenciones:Retenciones; this file is not a CFDI and was not read as one.`,
  );
}
