// Baton demo workspace. Select a function, then run "Baton: Edit Selection" (Ctrl+K Ctrl+E),
// or right-click and choose "Baton: Ask About Selection".

export function fibonacci(n: number): number {
  if (n < 2) return n;
  return fibonacci(n - 1) + fibonacci(n - 2);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
