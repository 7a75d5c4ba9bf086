// Safe XML reading: size cap, encoding, no DTDs/entities, then fast-xml-parser with entity processing off and
// every attribute kept as a string. The five predefined XML entities and numeric character references are decoded
// here, in attribute values only, so "Pérez &amp; Hijos" becomes "Pérez & Hijos" and nothing can expand.

import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';
import { decodeEntities } from '../../../core/html-entities.ts';
import { CfdiError } from './errors.ts';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** An element: attributes under "@_Name", child elements under their local name, always as arrays. */
export type XmlElement = { readonly [key: string]: unknown };

const ATTR = '@_';

// fast-xml-parser costs the idle service ~8 MB of RSS: it is loaded (synchronously, its CommonJS build) on the
// first XML file, not at start.
interface Xml {
  parser: Fxp.XMLParser;
  validator: typeof Fxp.XMLValidator;
}
let xml: Xml | null = null;
function loadXml(): Xml {
  if (xml) return xml;
  const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp;
  xml = { parser: new fxp.XMLParser(PARSER_OPTIONS), validator: fxp.XMLValidator };
  return xml;
}

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  // Every element is an array, so repeated elements (Concepto, Traslado, Pago…) never change shape.
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  attributeValueProcessor: (_name: string, value: string) => decodeEntities(value),
};

const DECLARED_ENCODING = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/** Bytes → text: UTF-8 (BOM dropped) unless the declaration names a Latin-1 family encoding. */
function decode(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const encoding = DECLARED_ENCODING.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  const label = ['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252'].includes(encoding)
    ? 'windows-1252'
    : 'utf-8';
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CfdiError(
      'not_xml',
      `The file is not valid ${label === 'utf-8' ? 'UTF-8' : label} text; a CFDI is UTF-8 XML. Ask the issuer for the original XML file.`,
    );
  }
}

export function readXmlText(xml: string | Buffer, maxBytes: number): string {
  const size = typeof xml === 'string' ? Buffer.byteLength(xml, 'utf8') : xml.length;
  if (size > maxBytes) {
    throw new CfdiError(
      'too_big',
      `The file is ${size} bytes, over the ${maxBytes}-byte limit for a CFDI (no single CFDI is that large): check it is one invoice's XML, not several joined or another document.`,
    );
  }
  const text = typeof xml === 'string' ? xml : decode(xml);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses XML text into elements, refusing DTDs and entity declarations before any parsing happens. */
export function parseXml(text: string): { name: string; element: XmlElement } {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new CfdiError(
      'dtd',
      'The XML contains a DOCTYPE or ENTITY declaration, which a CFDI never has and which is refused for safety; ask the issuer for the original XML.',
    );
  }
  const valid = loadXml().validator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    throw new CfdiError(
      'not_xml',
      `The file is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}); check it is the invoice XML and not a PDF or a damaged copy.`,
    );
  }
  const document: unknown = loadXml().parser.parse(text);
  if (document === null || typeof document !== 'object')
    throw new CfdiError('not_xml', 'The file holds no XML element.');
  for (const [name, value] of Object.entries(document)) {
    if (name.startsWith('?') || name.startsWith('#')) continue;
    const element = Array.isArray(value) ? (value[0] as unknown) : value;
    if (element !== null && typeof element === 'object') return { name, element: element as XmlElement };
    return { name, element: {} };
  }
  throw new CfdiError('not_xml', 'The file holds no XML element; check it is the invoice XML.');
}

/** The element's attribute, trying each spelling (3.2 uses lower-case names), or undefined. */
export function attr(element: XmlElement, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = element[ATTR + name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  if (element === undefined) return [];
  const value = element[name];
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => (item !== null && typeof item === 'object' ? (item as XmlElement) : {}));
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return children(element, name)[0];
}

/** Local names of an element's child elements, in first-seen order. */
export function childNames(element: XmlElement | undefined): string[] {
  if (element === undefined) return [];
  return Object.keys(element).filter((key) => !key.startsWith(ATTR) && key !== '#text');
}
