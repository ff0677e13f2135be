package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.aws.rules.EcrRules.EcrException;
import gifmachine.cli.aws.rules.EcrRules.Rule;
import gifmachine.cli.aws.rules.EcrRules.StoredImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each of ECR's rules in {@link EcrRules} rejects, or expires, what ECR does. */
class EcrRulesTest {

  static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  static String rule(int priority, String selection) {
    return "{\"rulePriority\":"
        + priority
        + ",\"selection\":{"
        + selection
        + "},\"action\":{\"type\":\"expire\"}}";
  }

  static String policy(String... rules) {
    return "{\"rules\":[" + String.join(",", rules) + "]}";
  }

  static StoredImage image(String digest, int daysAgo, String... tags) {
    return new StoredImage(digest, Set.of(tags), NOW.minus(Duration.ofDays(daysAgo)));
  }

  @Test
  void an_immutable_repository_refuses_an_existing_tag_even_for_the_same_image() {
    assertThatThrownBy(
            () ->
                EcrRules.tagMayBePushed(
                    true, Set.of("abc-arm64"), "abc-arm64", "prod-acme/gifmachine"))
        .isInstanceOf(EcrException.class)
        .satisfies(
            e -> assertThat(((EcrException) e).code()).isEqualTo("ImageTagAlreadyExistsException"));
    EcrRules.tagMayBePushed(true, Set.of("abc-arm64"), "def-arm64", "prod-acme/gifmachine");
    EcrRules.tagMayBePushed(false, Set.of("latest"), "latest", "prod-acme/gifmachine");
  }

  @Test
  void the_immutable_in_memory_repository_refuses_a_second_push_of_a_tag() {
    InMemoryEcr ecr = new InMemoryEcr(NOW);
    ecr.createRepository("r", true, policy());
    ecr.push("r", "abc-arm64", "sha256:1");

    assertThatThrownBy(() -> ecr.push("r", "abc-arm64", "sha256:1"))
        .hasMessageContaining("ImageTagAlreadyExistsException");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "priorities not unique",
        "any not last",
        "tagged without a list",
        "untagged with a list",
        "two untagged rules",
        "days for a count",
        "no days for an age",
        "zero count"
      })
  void a_policy_ecr_would_refuse_is_refused(String what) {
    String any = "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":5";
    String untagged =
        "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":1";
    String text =
        switch (what) {
          case "priorities not unique" -> policy(rule(1, untagged), rule(1, any));
          case "any not last" -> policy(rule(1, any), rule(2, untagged));
          case "tagged without a list" ->
              policy(
                  rule(
                      1,
                      "\"tagStatus\":\"tagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1"));
          case "untagged with a list" ->
              policy(
                  rule(
                      1,
                      "\"tagStatus\":\"untagged\",\"tagPrefixList\":[\"v\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"));
          case "two untagged rules" -> policy(rule(1, untagged), rule(2, untagged));
          case "days for a count" ->
              policy(
                  rule(
                      1,
                      "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countUnit\":\"days\",\"countNumber\":1"));
          case "no days for an age" ->
              policy(
                  rule(
                      1,
                      "\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countNumber\":1"));
          case "zero count" ->
              policy(
                  rule(
                      1,
                      "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":0"));
          default -> throw new IllegalArgumentException(what);
        };

    assertThatThrownBy(() -> EcrRules.parsePolicy(text))
        .isInstanceOf(EcrException.class)
        .hasMessageStartingWith("InvalidParameterException");
  }

  @Test
  void a_tagged_rule_selects_images_matching_every_prefix_or_pattern() {
    Rule prefixes =
        EcrRules.parsePolicy(
                policy(
                    rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\",\"v1\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")))
            .getFirst();
    Rule patterns =
        EcrRules.parsePolicy(
                policy(
                    rule(
                        1,
                        "\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*-arm64\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1")))
            .getFirst();

    assertThat(EcrRules.selects(prefixes, image("a", 0, "prod-x", "v1.2"))).isTrue();
    assertThat(EcrRules.selects(prefixes, image("b", 0, "prod-x")))
        .as("needs all prefixes")
        .isFalse();
    assertThat(EcrRules.selects(patterns, image("c", 0, "abc-arm64"))).isTrue();
    assertThat(EcrRules.selects(patterns, image("d", 0, "abc-amd64"))).isFalse();
    assertThat(EcrRules.selects(patterns, image("e", 0))).as("untagged").isFalse();
  }

  @Test
  void image_count_more_than_expires_all_but_the_most_recently_pushed() {
    Rule keepTwo =
        EcrRules.parsePolicy(
                policy(
                    rule(
                        1,
                        "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":2")))
            .getFirst();
    List<StoredImage> images =
        IntStream.range(0, 5).mapToObj(days -> image("d" + days, days, "t" + days)).toList();

    assertThat(EcrRules.ruleWouldExpire(keepTwo, images, NOW))
        .extracting(StoredImage::digest)
        .containsExactly("d2", "d3", "d4");
  }

  @Test
  void since_image_pushed_expires_images_older_than_the_days_given() {
    Rule week =
        EcrRules.parsePolicy(
                policy(
                    rule(
                        1,
                        "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":7")))
            .getFirst();
    List<StoredImage> images =
        List.of(image("new", 6), image("old", 8), image("tagged-old", 30, "v1"));

    assertThat(EcrRules.ruleWouldExpire(week, images, NOW))
        .extracting(StoredImage::digest)
        .containsExactly("old");
  }

  @Test
  void a_lower_priority_rule_counts_but_never_expires_an_image_a_higher_rule_selects() {
    List<Rule> rules =
        EcrRules.parsePolicy(
            policy(
                rule(
                    1,
                    "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"keep\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":100"),
                rule(
                    2,
                    "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":1")));
    List<StoredImage> images =
        List.of(image("newest", 0, "x"), image("kept", 1, "keep-me"), image("oldest", 2, "y"));

    assertThat(EcrRules.expiredDigests(rules, images, NOW)).containsExactly("oldest");
  }

  @Test
  void a_mutable_tag_that_moves_leaves_the_old_image_untagged_and_expirable() {
    InMemoryEcr ecr = new InMemoryEcr(NOW);
    ecr.createRepository(
        "r",
        false,
        policy(
            rule(
                1,
                "\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":7")));
    String first = ecr.push("r", "latest", "sha256:1");
    ecr.push("r", "latest", "sha256:2");

    assertThat(ecr.sweepLifecycle(Duration.ofDays(8))).containsExactly(first);
    assertThat(ecr.canPull(first)).isFalse();
    assertThat(ecr.canPull("r:latest")).isTrue();
  }
}
