import pg from 'pg';
import { openDatabase } from '/work/main/src/server/db/database';
process.on('unhandledRejection', (e) => { console.log('UNHANDLED REJECTION:', (e as Error)?.message ?? e); });
const n = Number(process.argv[2] ?? 8);
const h = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
const clients: pg.Client[] = [];
for (let i = 0; i < n; i++) {
  const c = new pg.Client({ connectionString: h.url });
  c.on('error', () => undefined);
  await c.connect();
  clients.push(c);
}
console.log('connected', n);
for (const x of clients) { void x.query('begin').catch(() => undefined); void x.query('select pg_sleep(0.1), $1::int', [1]).catch(() => undefined); void x.query('select 2').catch(() => undefined); }
console.log('queued');
await new Promise((r) => setTimeout(r, 20));
const t = Date.now();
const timer = setTimeout(() => { console.log('close still running after 10 s'); process.exit(2); }, 10_000);
await h.close().catch((e) => console.log('close threw', e.message));
clearTimeout(timer);
console.log('closed in', Date.now() - t, 'ms');
process.exit(0);
