package gifmachine.cli.aws.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Amazon ECR's documented rules for tags and lifecycle policies, one method per rule, each with the
 * page it comes from. {@link InMemoryEcr} calls them; {@code EcrRulesTest} shows each one rejecting
 * (or expiring) what ECR does. Test code: a model of AWS, never shipped.
 */
public final class EcrRules {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EcrRules() {}

  /** Thrown where ECR answers with an error; {@code code} is ECR's exception name. */
  public static final class EcrException extends RuntimeException {
    private final String code;

    EcrException(String code, String message) {
      super(code + ": " + message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** An image in a repository: its manifest digest, tags and push time. */
  public record StoredImage(String digest, Set<String> tags, Instant pushedAt) {
    public StoredImage {
      tags = Set.copyOf(tags);
    }

    boolean tagged() {
      return !tags.isEmpty();
    }
  }

  /** One lifecycle rule as the policy JSON states it. */
  public record Rule(
      int priority,
      String tagStatus,
      List<String> tagPrefixes,
      List<String> tagPatterns,
      String countType,
      String countUnit,
      int countNumber) {}

  /**
   * In a repository with IMMUTABLE tag mutability a tag that exists cannot be pushed again, not
   * even for the very same manifest (ECR answers ImageTagAlreadyExistsException; see
   * https://github.com/aws/containers-roadmap/issues/2380).
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
   */
  public static void tagMayBePushed(
      boolean immutable, Set<String> existingTags, String tag, String repository) {
    if (immutable && existingTags.contains(tag)) {
      throw new EcrException(
          "ImageTagAlreadyExistsException",
          "The image tag '"
              + tag
              + "' already exists in the '"
              + repository
              + "' repository and cannot be overwritten because the "
              + "repository is immutable.");
    }
  }

  /**
   * A policy's rules: each has a unique rulePriority; a {@code tagStatus: any} rule has the highest
   * priority; {@code tagged} needs a tagPrefixList or tagPatternList and {@code untagged} takes
   * neither; {@code sinceImagePushed} counts {@code days}, {@code imageCountMoreThan} has no unit;
   * countNumber is positive.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
   */
  public static List<Rule> parsePolicy(String policyText) {
    JsonNode root;
    try {
      root = JSON.readTree(policyText);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid("not JSON: " + e.getOriginalMessage());
    }
    List<Rule> rules = new ArrayList<>();
    Set<Integer> priorities = new HashSet<>();
    for (JsonNode node : root.path("rules")) {
      JsonNode selection = node.path("selection");
      Rule rule =
          new Rule(
              node.path("rulePriority").asInt(-1),
              selection.path("tagStatus").asText(),
              strings(selection.path("tagPrefixList")),
              strings(selection.path("tagPatternList")),
              selection.path("countType").asText(),
              selection.path("countUnit").asText(""),
              selection.path("countNumber").asInt(0));
      if (rule.priority() < 1 || !priorities.add(rule.priority())) {
        throw invalid("rulePriority " + rule.priority() + " is missing or not unique");
      }
      switch (rule.tagStatus()) {
        case "tagged" -> {
          if (rule.tagPrefixes().isEmpty() && rule.tagPatterns().isEmpty()) {
            throw invalid("a tagged rule needs tagPrefixList or tagPatternList");
          }
        }
        case "untagged", "any" -> {
          if (!rule.tagPrefixes().isEmpty() || !rule.tagPatterns().isEmpty()) {
            throw invalid(
                "an " + rule.tagStatus() + " rule takes no tagPrefixList or tagPatternList");
          }
        }
        default ->
            throw invalid("tagStatus '" + rule.tagStatus() + "' is not tagged, untagged or any");
      }
      switch (rule.countType()) {
        case "sinceImagePushed" -> {
          if (!rule.countUnit().equals("days")) {
            throw invalid("sinceImagePushed counts days");
          }
        }
        case "imageCountMoreThan" -> {
          if (!rule.countUnit().isEmpty()) {
            throw invalid("imageCountMoreThan takes no countUnit");
          }
        }
        default -> throw invalid("countType '" + rule.countType() + "' is not supported here");
      }
      if (rule.countNumber() < 1) {
        throw invalid("countNumber must be positive");
      }
      rules.add(rule);
    }
    rules.sort(Comparator.comparingInt(Rule::priority));
    for (int i = 0; i < rules.size() - 1; i++) {
      if (rules.get(i).tagStatus().equals("any")) {
        throw invalid("a rule with tagStatus any must have the highest rulePriority");
      }
    }
    if (rules.stream().filter(rule -> rule.tagStatus().equals("untagged")).count() > 1) {
      throw invalid("only one rule may select untagged images");
    }
    return List.copyOf(rules);
  }

  /**
   * Whether a rule's tag selection matches an image: {@code any} every image, {@code untagged}
   * images without tags, {@code tagged} images where every prefix (or every pattern, {@code *} a
   * wildcard) matches at least one of its tags.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation
   */
  public static boolean selects(Rule rule, StoredImage image) {
    return switch (rule.tagStatus()) {
      case "any" -> true;
      case "untagged" -> !image.tagged();
      default ->
          image.tagged()
              && rule.tagPrefixes().stream()
                  .allMatch(prefix -> image.tags().stream().anyMatch(tag -> tag.startsWith(prefix)))
              && rule.tagPatterns().stream()
                  .allMatch(
                      pattern ->
                          image.tags().stream()
                              .anyMatch(tag -> wildcard(pattern).matcher(tag).matches()));
    };
  }

  /**
   * The images one rule would expire among those it selects: with {@code imageCountMoreThan N} all
   * but the N most recently pushed; with {@code sinceImagePushed N days} those pushed more than N
   * days ago. Expiry is always ordered by push time, older images first.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation
   */
  public static List<StoredImage> ruleWouldExpire(
      Rule rule, List<StoredImage> images, Instant now) {
    List<StoredImage> selected =
        images.stream()
            .filter(image -> selects(rule, image))
            .sorted(Comparator.comparing(StoredImage::pushedAt).reversed())
            .toList();
    if (rule.countType().equals("imageCountMoreThan")) {
      return selected.size() <= rule.countNumber()
          ? List.of()
          : selected.subList(rule.countNumber(), selected.size());
    }
    Instant limit = now.minus(Duration.ofDays(rule.countNumber()));
    return selected.stream().filter(image -> image.pushedAt().isBefore(limit)).toList();
  }

  /**
   * A whole policy's verdict: rules apply from the lowest priority number up; an image is expired
   * by at most one rule, and never by a lower-priority rule when it matches the tag selection of a
   * higher-priority one, though lower rules still count it among their images.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lifecycle_policy_evaluation
   */
  public static Set<String> expiredDigests(
      List<Rule> rules, List<StoredImage> images, Instant now) {
    Set<String> expired = new LinkedHashSet<>();
    List<Rule> higher = new ArrayList<>();
    for (Rule rule : rules) {
      for (StoredImage image : ruleWouldExpire(rule, images, now)) {
        boolean claimedAbove = higher.stream().anyMatch(above -> selects(above, image));
        if (!claimedAbove) {
          expired.add(image.digest());
        }
      }
      higher.add(rule);
    }
    return expired;
  }

  private static Pattern wildcard(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      regex.append(Pattern.quote(part)).append(".*");
    }
    return Pattern.compile(regex.substring(0, regex.length() - 2));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static EcrException invalid(String why) {
    return new EcrException(
        "InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText': " + why);
  }
}
