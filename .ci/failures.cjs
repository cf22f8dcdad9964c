// Prints what failed in a Vitest JSON report (one line per failed test or file, with the first
// lines of its message), so the end of the CI log says which test broke, not only how many.
const [file, label] = process.argv.slice(2);
let report;
try {
  report = require(file);
} catch (e) {
  console.log(`${label}: no JSON report (${e.message.split('\n')[0]})`);
  process.exit(0);
}
const short = (m) => String(m ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter(Boolean).slice(0, 6).map((l) => `      ${l}`).join('\n');
for (const f of report.testResults ?? []) {
  const rel = f.name.replace(process.cwd() + '/', '');
  const failed = (f.assertionResults ?? []).filter((a) => a.status === 'failed');
  for (const a of failed) console.log(`${label}: FAILED ${rel} › ${a.fullName}\n${short(a.failureMessages?.[0])}`);
  if (f.status === 'failed' && failed.length === 0) console.log(`${label}: FAILED ${rel} (file: hook, import or teardown)\n${short(f.message)}`);
}
