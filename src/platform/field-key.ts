/**
 * How the platform makes a custom field's key from its name: lower case,
 * every run of other characters one `_`, no `_` at either end (`Favourite
 * Colour` -> `favourite_colour`). The emulator makes keys with it, and the
 * importer and `init` use it to predict the key a name will get.
 */
export function platformKeyOf(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'field'
  );
}

/** A readable key for a header: accents dropped and `ß` as `ss` first (`Schuhgröße` -> `schuhgrosse`), then the platform's rule. */
export function slugOf(text: string): string {
  return platformKeyOf(text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss'));
}
