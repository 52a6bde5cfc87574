// Bundles the extension host entry, the CLI and the webview script.
// `node esbuild.js` builds once; `--watch` rebuilds on change; `--production` minifies.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Each target is one bundle. Missing entry points are skipped, so a partial tree still builds. */
const targets = [
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // The webview's CSS imports (chat.css, codicon.css) become dist/media/chat.css; the codicon font sits beside it.
  { entryPoints: ['media/chat/main.ts'], outfile: 'dist/media/chat.js', platform: 'browser', format: 'iife', loader: { '.ttf': 'file' }, assetNames: '[name]' },
];

async function main() {
  const contexts = [];
  for (const target of targets) {
    if (!target.entryPoints.every((entry) => fs.existsSync(path.join(__dirname, entry)))) continue;
    const ctx = await esbuild.context({
      bundle: true,
      target: target.platform === 'node' ? 'node20' : 'es2022',
      minify: production,
      sourcemap: production ? false : 'linked',
      sourcesContent: false,
      logLevel: 'warning',
      legalComments: 'none',
      // Prefer ES modules: jsonc-parser's UMD build hides its requires from the bundler.
      mainFields: target.platform === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
      ...target,
    });
    contexts.push(ctx);
  }
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  for (const ctx of contexts) {
    await ctx.rebuild();
    await ctx.dispose();
  }
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
