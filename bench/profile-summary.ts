// Summarises a V8 .cpuprofile (from `BENCH_PROFILE_DIR=... npm run bench`, which starts the app
// with --cpu-prof): the bench's categories, self time by package or source file, the heaviest
// functions, and our functions' inclusive time. The counting is bench/profile.ts's, which the
// profile pass of `npm run bench` uses for RESULTS.md.
// Run: npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
import { breakdown, CATEGORIES, CATEGORY_LABELS, readProfile } from './profile.js';

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const b = breakdown(readProfile(file));
const busy = b.busyUs;
const line = (name: string, us: number) =>
  `${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`;
const out = (text: string) => process.stdout.write(`${text}\n`);

out(
  `profile ${file}: ${(b.sampledUs / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)\n\nby category (self time):`,
);
for (const c of CATEGORIES) out(line(CATEGORY_LABELS[c], b.byCategory[c]));
out(line('our code (src/), inclusive', b.srcInclusiveUs));
out('\nself time by package / file:');
for (const [name, us] of [...b.groups]
  .filter(([n]) => n !== '(idle)')
  .sort((a, c) => c[1] - a[1])
  .slice(0, top)) {
  out(line(name, us));
}
out('\nheaviest functions (self time):');
for (const [name, us] of [...b.functions].sort((a, c) => c[1] - a[1]).slice(0, top)) {
  if (!name.startsWith('(idle)')) out(line(name, us));
}
out('\nour functions, inclusive (synchronous stacks only):');
for (const [name, us] of [...b.inclusive].sort((a, c) => c[1] - a[1]).slice(0, top)) {
  out(line(name, us));
}
