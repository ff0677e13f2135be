package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AWS Solutions rules (https://github.com/cdklabs/cdk-nag/blob/main/RULES.md) over every
 * stack of each option both ways. A finding passes only when {@code cdk-nag-allowlist.yaml} names
 * its rule and resource with a reason; an entry that matches nothing any more fails too, so the
 * list cannot outlive what it excuses.
 */
class CdkNagTest {
  static final Path ALLOW_LIST = Path.of("cdk-nag-allowlist.yaml");

  record Allowed(String rule, String resource, String why) {}

  record Finding(String rule, String resource, String message) {}

  static List<Allowed> allowList;
  static final Set<Allowed> used = new HashSet<>();

  @BeforeAll
  static void readAllowList() throws IOException {
    allowList =
        List.of(
            new ObjectMapper(new YAMLFactory()).readValue(ALLOW_LIST.toFile(), Allowed[].class));
  }

  static Stream<DeploymentConfig> configurations() {
    return Stream.of(Deployments.defaults(), Deployments.everyOption(), Deployments.minimal());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void aws_solutions_rules_find_nothing_outside_the_allow_list(DeploymentConfig config) {
    List<Finding> findings = new ArrayList<>();
    Infrastructure.synthesize(
        config,
        app -> {
          Aspects.of(app)
              .add(new AwsSolutionsChecks(NagPackProps.builder().verbose(false).build()));
          app.synth();
          app.getNode().getChildren().stream()
              .filter(Stack.class::isInstance)
              .map(Stack.class::cast)
              .forEach(
                  stack -> {
                    Annotations annotations = Annotations.fromStack(stack);
                    Stream.concat(
                            annotations
                                .findError("*", Match.stringLikeRegexp(".*AwsSolutions-.*"))
                                .stream(),
                            annotations
                                .findWarning("*", Match.stringLikeRegexp(".*AwsSolutions-.*"))
                                .stream())
                        .map(CdkNagTest::finding)
                        .forEach(findings::add);
                  });
        });
    List<String> unexpected = new ArrayList<>();
    for (Finding finding : findings) {
      List<Allowed> matches =
          allowList.stream()
              .filter(
                  entry ->
                      entry.rule().equals(finding.rule())
                          && Pattern.matches(entry.resource(), finding.resource()))
              .toList();
      if (matches.isEmpty()) {
        unexpected.add(finding.rule() + " " + finding.resource() + ": " + finding.message());
      }
      used.addAll(matches);
    }
    assertThat(unexpected).as("cdk-nag findings not in " + ALLOW_LIST).isEmpty();
  }

  @AfterAll
  static void every_allow_list_entry_has_a_reason_and_is_still_needed() {
    assertThat(allowList).allSatisfy(entry -> assertThat(entry.why()).hasSizeGreaterThan(20));
    assertThat(allowList)
        .as("allow-list entries that match nothing any more")
        .allMatch(used::contains);
  }

  private static Finding finding(SynthesisMessage message) {
    String text = String.valueOf(message.getEntry().getData());
    // A rule that could not evaluate an intrinsic function reports itself as
    // "CdkNagValidationFailure[AwsSolutions-EC23]: ...": the failure is the finding's rule.
    String rule =
        text.startsWith("CdkNagValidationFailure")
            ? text.replaceAll(
                "(?s)^CdkNagValidationFailure\\[(AwsSolutions-[A-Za-z0-9]+)\\].*",
                "CdkNagValidationFailure-$1")
            : text.replaceAll("(?s)^(AwsSolutions-[A-Za-z0-9]+).*", "$1");
    return new Finding(rule, message.getId(), text.lines().findFirst().orElse(text));
  }
}
