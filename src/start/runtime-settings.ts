/**
 * What the server process is started with, besides its configuration (decision 0020): the
 * package.json scripts `start` and `start:prod` give these, docs/DEPLOYMENT.md tells a service
 * manager to, and bench/health runs the platform with the same. A test keeps package.json in step.
 *
 * - glibc's allocator: every socket read takes a 64 KiB buffer, shrunk to what was read. With
 *   thousands of connections the small remains scatter over the heap and glibc keeps the holes:
 *   RSS grew by hundreds of MB that `malloc_trim` gave back (10,000 devices). From 64 KiB up, buffers
 *   are mapped and unmapped on their own; two arenas instead of one per thread.
 * - V8: grow the heap by 30 % of what a full collection left (instead of up to 4×), so the heap
 *   between collections stays near the live size.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = Object.freeze({
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536:glibc.malloc.arena_max=2',
});

export const SERVER_NODE_OPTIONS: readonly string[] = Object.freeze(['--heap-growing-percent=30']);
