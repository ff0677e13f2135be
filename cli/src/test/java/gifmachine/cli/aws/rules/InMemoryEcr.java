package gifmachine.cli.aws.rules;

import gifmachine.cli.aws.rules.EcrRules.EcrException;
import gifmachine.cli.aws.rules.EcrRules.Rule;
import gifmachine.cli.aws.rules.EcrRules.StoredImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ECR as far as images, tags and lifecycle expiry go, enforcing {@link EcrRules}. Time is the
 * model's own clock, moved by {@link #sweepLifecycle(Duration)}; ECR evaluates lifecycle policies
 * at least once every 24 hours, so the sweep runs once per model day.
 *
 * <pre>{@code
 * InMemoryEcr ecr = new InMemoryEcr(Instant.parse("2026-12-01T00:00:00Z"));
 * ecr.createRepository("prod-acme/gifmachine", true, policyFromTheTemplate);
 * String reference = ecr.push("prod-acme/gifmachine", "3f2a9c1b7d0e-arm64", "sha256:…");
 * ecr.sweepLifecycle(Duration.ofDays(40));
 * ecr.canPull(reference);
 * }</pre>
 */
public final class InMemoryEcr {

  private record Repository(boolean immutable, List<Rule> rules, Map<String, StoredImage> images) {}

  private final Map<String, Repository> repositories = new LinkedHashMap<>();
  private Instant now;

  public InMemoryEcr(Instant start) {
    this.now = start;
  }

  /**
   * The repositories exactly as a registry stack template declares them: names, tag mutability and
   * lifecycle policy text, so the model runs what CloudFormation would create.
   */
  public static InMemoryEcr fromRegistryTemplate(String templateBody, Instant start) {
    InMemoryEcr ecr = new InMemoryEcr(start);
    try {
      com.fasterxml.jackson.databind.JsonNode resources =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(templateBody)
              .path("Resources");
      resources.forEach(
          resource -> {
            if (resource.path("Type").asText().equals("AWS::ECR::Repository")) {
              com.fasterxml.jackson.databind.JsonNode properties = resource.path("Properties");
              ecr.createRepository(
                  properties.path("RepositoryName").asText(),
                  properties.path("ImageTagMutability").asText("MUTABLE").equals("IMMUTABLE"),
                  properties
                      .path("LifecyclePolicy")
                      .path("LifecyclePolicyText")
                      .asText("{\"rules\":[]}"));
            }
          });
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a template: " + e.getOriginalMessage(), e);
    }
    return ecr;
  }

  public Instant now() {
    return now;
  }

  /**
   * A repository with tag immutability on or off and a lifecycle policy (validated as ECR does).
   */
  public void createRepository(String name, boolean immutable, String lifecyclePolicyText) {
    repositories.put(
        name,
        new Repository(
            immutable, EcrRules.parsePolicy(lifecyclePolicyText), new LinkedHashMap<>()));
  }

  /**
   * Pushes a manifest under a tag (PutImage); returns {@code repository@digest}. A mutable tag that
   * moves leaves the image it named without that tag.
   */
  public String push(String repository, String tag, String digest) {
    Repository target = repository(repository);
    Set<String> existingTags = new HashSet<>();
    target.images().values().forEach(image -> existingTags.addAll(image.tags()));
    EcrRules.tagMayBePushed(target.immutable(), existingTags, tag, repository);
    for (StoredImage image : List.copyOf(target.images().values())) {
      if (image.tags().contains(tag)) {
        Set<String> rest = new HashSet<>(image.tags());
        rest.remove(tag);
        target
            .images()
            .put(image.digest(), new StoredImage(image.digest(), rest, image.pushedAt()));
      }
    }
    StoredImage existing = target.images().get(digest);
    Set<String> tags = new HashSet<>(existing == null ? Set.of() : existing.tags());
    tags.add(tag);
    target
        .images()
        .put(digest, new StoredImage(digest, tags, existing == null ? now : existing.pushedAt()));
    return repository + "@" + digest;
  }

  /** Whether {@code repository@digest} or {@code repository:tag} can be pulled now. */
  public boolean canPull(String reference) {
    int at = reference.indexOf('@');
    if (at > 0) {
      Repository repository = repositories.get(reference.substring(0, at));
      return repository != null && repository.images().containsKey(reference.substring(at + 1));
    }
    int colon = reference.lastIndexOf(':');
    Repository repository = repositories.get(reference.substring(0, colon));
    String tag = reference.substring(colon + 1);
    return repository != null
        && repository.images().values().stream().anyMatch(image -> image.tags().contains(tag));
  }

  /** Moves the clock by {@code duration}, applying every lifecycle policy once per day. */
  public List<String> sweepLifecycle(Duration duration) {
    List<String> expired = new ArrayList<>();
    Instant end = now.plus(duration);
    while (now.isBefore(end)) {
      Duration step =
          Duration.between(now, end).compareTo(Duration.ofDays(1)) < 0
              ? Duration.between(now, end)
              : Duration.ofDays(1);
      now = now.plus(step);
      repositories.forEach(
          (name, repository) -> {
            for (String digest :
                EcrRules.expiredDigests(
                    repository.rules(), List.copyOf(repository.images().values()), now)) {
              repository.images().remove(digest);
              expired.add(name + "@" + digest);
            }
          });
    }
    return expired;
  }

  /** Advances the clock without a sweep (pushes happen between sweeps). */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  private Repository repository(String name) {
    Repository repository = repositories.get(name);
    if (repository == null) {
      throw new EcrException(
          "RepositoryNotFoundException", "The repository with name '" + name + "' does not exist");
    }
    return repository;
  }
}
