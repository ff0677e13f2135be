package gifmachine.app.gif;

/**
 * Which part of a search term the trigram index is asked for. A term of several words asks only for
 * its longest word (counted in letters and digits, the characters pg_trgm makes trigrams of); the
 * whole term is then applied as a filter the index cannot take, so results and order do not change.
 * Why: GIN intersects the posting lists of every trigram of a {@code LIKE} pattern
 * (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX: "the index search works by
 * extracting trigrams from the LIKE pattern and then looking these up in the index"), so a term
 * like {@code text 999999}, whose short word is in every synthetic row, decodes three million-entry
 * posting lists to return the same candidates its long word alone gives (issue 12: 77–135 ms
 * against 1.7 ms at a million rows). A long word is the usual rare part of a phrase; a phrase whose
 * longest word is common costs what it did before, not more rows.
 *
 * <p>The part is cut at spaces, so lower-casing it alone equals the same characters lower-cased
 * inside the term (case mappings that look at context, like a final sigma, look at word ends only).
 *
 * <pre>{@code IndexedPart.of("text 999999")  // " 999999"}</pre>
 */
final class IndexedPart {

  /** pg_trgm makes no trigram of a word shorter than this; asking for it narrows nothing. */
  static final int MIN_INDEXABLE = 3;

  private IndexedPart() {}

  /** The part of {@code term} to look up in the trigram index: {@code term} itself if one word. */
  static String of(String term) {
    String[] words = term.split(" ", -1);
    if (words.length < 2) {
      return term;
    }
    int best = -1;
    int bestLength = MIN_INDEXABLE - 1;
    for (int i = 0; i < words.length; i++) {
      int length = (int) words[i].codePoints().filter(Character::isLetterOrDigit).count();
      if (length > bestLength) {
        best = i;
        bestLength = length;
      }
    }
    if (best < 0) {
      return term;
    }
    // The spaces around the word are kept: pg_trgm pads a word that starts or ends at a space,
    // and those padded trigrams ("  9", " 99") are far rarer than the word's inner ones.
    return (best > 0 ? " " : "") + words[best] + (best < words.length - 1 ? " " : "");
  }
}
