// The package's README on npm, made from the repository's README.md (one source): the parts
// between `<!-- repository -->` and `<!-- /repository -->` (the contributors' two commands) are
// cut, and relative links become links into the repository, since docs/ and the other files
// are not in the package and npm's page has no repository around it.

/** `readme` as the package ships it; `repository`: its https URL (Cargo.toml's `repository`). */
export function packageReadme(readme, repository) {
  const cut = readme.replace(/<!-- repository -->[\s\S]*?<!-- \/repository -->\n*/g, '');
  if (cut.includes('<!-- repository -->') || cut.includes('<!-- /repository -->')) {
    throw new Error('README.md: an unpaired <!-- repository --> marker');
  }
  // [text](target) and [label]: target, where target is neither a URL nor an anchor.
  const absolute = (target) => (/^([a-z]+:|#)/i.test(target) ? target : `${repository}/blob/main/${target.replace(/^\.\//, '')}`);
  return cut
    .replace(/\]\(([^)\s]+)\)/g, (_, target) => `](${absolute(target)})`)
    .replace(/^(\[[^\]]+\]:\s*)(\S+)/gm, (_, label, target) => label + absolute(target));
}
