import DOMPurify from 'dompurify';

/**
 * What rendered markdown may contain. No forms, buttons, media, SVG, styles or scripts. (Raw HTML
 * in model output never gets this far as markup: the renderer escapes it. `div` is for Baton's own
 * wrappers, which let one pass sanitize several blocks.)
 */
const ALLOWED_TAGS = [
  'div', 'a', 'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 's', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'align'];
/** Only web links survive (others lose their href); the host opens http and https alone. */
const ALLOWED_URI_REGEXP = /^https?:/i;
/** highlight.js's classes (`hljs-keyword`, `function_`) and the code block's `language-x`. */
const ALLOWED_CLASS = /^(?:hljs(?:-[\w-]+)?|[a-z]+_|language-[\w+#.-]+)$/;

const purify = DOMPurify(window);
// One configuration, parsed once rather than on every call.
purify.setConfig({ ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP, ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false, RETURN_DOM_FRAGMENT: true });
purify.addHook('uponSanitizeAttribute', (_node, data) => {
  // Baton's own elements (seam markers, toolbars) are recognised by class; model output must
  // not be able to forge one, so any other class is dropped.
  if (data.attrName === 'class') {
    const kept = data.attrValue.split(/\s+/).filter((c) => ALLOWED_CLASS.test(c));
    if (kept.length) data.attrValue = kept.join(' ');
    else data.keepAttr = false;
  }
});

/** Sanitizes rendered markdown into nodes ready to insert (DOMPurify parses it in an inert document). */
export function sanitize(html: string): DocumentFragment {
  return purify.sanitize(html) as unknown as DocumentFragment;
}

/** Whether a link may be handed to the host to open. */
export function isWebLink(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
