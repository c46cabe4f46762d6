// A small strict XML 1.0 well-formedness check (no DTDs, which kjob never writes): one root
// element, every tag closed in order, attributes quoted and not repeated, names well formed, only
// the five predefined entities or character references, no "<" or stray "&" in text. Returns the
// problems found (empty when well formed) and the elements, for counting.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/;

function checkText(s: string, where: string, problems: string[]): string {
  // entities and character references
  return s.replace(/&([^;\s<&]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) {
      problems.push(`${where}: "&" not starting a reference`);
      return '';
    }
    if (['amp', 'lt', 'gt', 'quot', 'apos'].includes(body)) return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[body as 'amp'];
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (num) return String.fromCodePoint(parseInt(num[1] ?? num[2], num[1] ? 16 : 10));
    problems.push(`${where}: unknown entity &${body};`);
    return '';
  });
}

export function checkXml(doc: string): { problems: string[]; elements: XmlElement[] } {
  const problems: string[] = [];
  const elements: XmlElement[] = [];
  let i = 0;
  const stack: XmlElement[] = [];
  let roots = 0;
  if (doc.startsWith('\uFEFF')) i = 1;
  if (doc.startsWith('<?xml', i)) {
    const end = doc.indexOf('?>', i);
    if (end < 0) return { problems: ['unterminated XML declaration'], elements };
    if (!/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z0-9._-]+")?(\s+standalone="(yes|no)")?\s*\?>$/.test(doc.slice(i, end + 2))) problems.push('malformed XML declaration');
    i = end + 2;
  }
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt < 0 ? doc.length : lt);
    if (text.includes('>') && text.includes(']]>')) problems.push(`"]]>" in text at ${i}`);
    if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root element at ${i}`);
    const decoded = checkText(text, `text at ${i}`, problems);
    if (stack.length) stack[stack.length - 1].text += decoded;
    if (lt < 0) break;
    i = lt;
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) return { problems: [...problems, 'unterminated comment'], elements };
      if (doc.slice(i + 4, end).includes('--')) problems.push(`"--" inside a comment at ${i}`);
      i = end + 3;
      continue;
    }
    if (doc.startsWith('<![CDATA[', i)) {
      const end = doc.indexOf(']]>', i);
      if (end < 0 || stack.length === 0) return { problems: [...problems, 'bad CDATA'], elements };
      stack[stack.length - 1].text += doc.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (doc.startsWith('<?', i)) {
      const end = doc.indexOf('?>', i);
      if (end < 0) return { problems: [...problems, 'unterminated processing instruction'], elements };
      i = end + 2;
      continue;
    }
    if (doc.startsWith('<!', i)) return { problems: [...problems, `declarations are not expected (at ${i})`], elements };
    // a tag: scan to its end, honouring quotes
    let j = i + 1;
    let quote = '';
    for (; j < doc.length; j++) {
      const ch = doc[j];
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === '<') problems.push(`"<" in an attribute value at ${j}`);
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '>') break;
      else if (ch === '<') {
        problems.push(`"<" inside a tag at ${j}`);
        break;
      }
    }
    if (j >= doc.length) return { problems: [...problems, `unterminated tag at ${i}`], elements };
    const tag = doc.slice(i + 1, j);
    i = j + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open) problems.push(`closing </${name}> with nothing open`);
      else if (open.name !== name) problems.push(`</${name}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const inner = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s/>]+)([\s\S]*)$/.exec(inner);
    if (!m || !NAME.test(m[1])) {
      problems.push(`bad element name in <${tag.slice(0, 20)}>`);
      continue;
    }
    const el: XmlElement = { name: m[1], attrs: {}, text: '' };
    let rest = m[2];
    const attr = /^\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/;
    for (;;) {
      const a = attr.exec(rest);
      if (!a) break;
      if (!NAME.test(a[1])) problems.push(`bad attribute name ${a[1]} in <${el.name}>`);
      if (a[1] in el.attrs) problems.push(`attribute ${a[1]} repeated in <${el.name}>`);
      el.attrs[a[1]] = checkText(a[3] ?? a[4], `attribute ${a[1]} of <${el.name}>`, problems);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim() !== '') problems.push(`unparsed "${rest.trim().slice(0, 30)}" in <${el.name}>`);
    if (stack.length === 0) {
      roots++;
      if (roots > 1) problems.push(`a second root element <${el.name}>`);
    }
    elements.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) problems.push(`unclosed <${stack.map((e) => e.name).join('>, <')}>`);
  if (roots === 0) problems.push('no root element');
  return { problems, elements };
}
