// Preloaded (node --require) into each benchmarked process: reports its own CPU time, startup
// included, on file descriptor 3 when it exits. The same preload goes into every process compared.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  require('node:fs').writeSync(3, JSON.stringify({ user, system }));
});
