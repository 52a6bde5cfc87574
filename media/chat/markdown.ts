import { Marked, Token, Tokens, TokensList } from 'marked';
import { escapeHtml, highlight } from './highlight';

/** A language tag fit for a class name; anything else is dropped. */
const cleanLang = (lang: string | undefined) => (/^[\w+#.-]{1,40}$/.exec((lang ?? '').trim().split(/\s/)[0] ?? '')?.[0] ?? '').toLowerCase();

/**
 * GitHub-flavoured markdown, configured for untrusted model output. Raw HTML is shown as text,
 * not interpreted (DOMPurify stays the last line of defence for everything else). Images become
 * links: the webview loads no remote content. Code is highlighted here, so the DOM receives
 * final HTML in one piece.
 */
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const language = cleanLang(lang);
      const cls = language ? ` class="hljs language-${language}"` : ' class="hljs"';
      return `<pre><code${cls}>${highlight(text, language)}</code></pre>\n`;
    },
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    image({ href, text }: Tokens.Image): string {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text ? `[image: ${text}]` : '[image]')}</a>`;
    },
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? '☑ ' : '☐ ';
    },
  },
});

/** Splits markdown into top-level block tokens (inline tokens included). */
export function lex(source: string): TokensList {
  return marked.lexer(source);
}

/** Renders some top-level tokens of a token list to (unsanitized) HTML. */
export function renderTokens(tokens: Token[], links: TokensList['links']): string {
  const list = Object.assign([...tokens], { links }) as TokensList;
  return marked.parser(list);
}

/** Renders a whole markdown text to (unsanitized) HTML. */
export function renderMarkdown(source: string): string {
  return marked.parse(source) as string;
}
