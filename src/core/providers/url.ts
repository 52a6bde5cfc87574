/**
 * Appends a path to a base URL, keeping the base's own path and query string, so Azure-style
 * bases such as `https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21` work.
 */
export function joinUrl(base: string, path: string, query?: Record<string, string>): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

/** Azure OpenAI authenticates with an `api-key` header: its hosts, or a base URL with `api-version`. */
export function isAzureHost(base: string): boolean {
  try {
    const url = new URL(base);
    return url.hostname.endsWith('.azure.com') || url.hostname.endsWith('.azure-api.net') || url.searchParams.has('api-version');
  } catch {
    return false;
  }
}
