package gifmachine.app.gif;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexedPartTest {

  @Test
  void a_phrase_asks_the_index_for_its_longest_word_with_the_spaces_around_it() {
    assertThat(IndexedPart.of("text 999999")).isEqualTo(" 999999");
    assertThat(IndexedPart.of("999999 text")).isEqualTo("999999 ");
    assertThat(IndexedPart.of("a 999999 text")).isEqualTo(" 999999 ");
  }

  @Test
  void one_word_is_asked_for_whole() {
    assertThat(IndexedPart.of("user42")).isEqualTo("user42");
    assertThat(IndexedPart.of("50%_off")).isEqualTo("50%_off");
    assertThat(IndexedPart.of("")).isEmpty();
  }

  @Test
  void words_are_measured_in_letters_and_digits_as_pg_trgm_makes_trigrams_of_them() {
    assertThat(IndexedPart.of("%%%%%% cat")).isEqualTo(" cat");
    assertThat(IndexedPart.of("a_b_c ab")).isEqualTo("a_b_c ");
    assertThat(IndexedPart.of("a_b__ ab")).isEqualTo("a_b__ ab");
  }

  @Test
  void a_phrase_of_words_too_short_to_index_is_asked_for_whole() {
    assertThat(IndexedPart.of("ab cd")).isEqualTo("ab cd");
    assertThat(IndexedPart.of("% _ \\")).isEqualTo("% _ \\");
  }

  @Test
  void among_words_of_equal_length_the_first_is_asked_for() {
    assertThat(IndexedPart.of("cat dog")).isEqualTo("cat ");
  }
}
