package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes every synthesized template (defaults, and every option the other way) to {@code
 * target/templates/} and runs AWS's linter and checkov over them, as CI does. Both tools must be
 * installed ({@code scripts/install-test-tools}); a missing tool fails the test.
 */
class TemplateLintIT {
  static final Path TEMPLATES = Path.of("target", "templates");
  static final Path ALLOW_LIST = Path.of("checkov-allowlist.yaml");
  static final Duration TIMEOUT = new Duration(5, TimeUnit.MINUTES);

  record Duration(long amount, TimeUnit unit) {}

  record Allowed(String check, String resource, String why) {}

  record Result(int exitCode, String output) {}

  static List<Path> files = new ArrayList<>();

  @BeforeAll
  static void writeTemplates() throws IOException {
    files.addAll(TemplateWriter.write(Deployments.defaultApp(), TEMPLATES.resolve("defaults")));
    files.addAll(
        TemplateWriter.write(Deployments.everyOptionApp(), TEMPLATES.resolve("every-option")));
    files.addAll(
        TemplateWriter.write(
            Deployments.cloudFrontOptionsApp(), TEMPLATES.resolve("cloudfront-options")));
  }

  @Test
  void cfn_lint_finds_no_errors_in_any_template() throws Exception {
    List<String> command = new ArrayList<>(List.of("cfn-lint", "--format", "parseable"));
    files.forEach(file -> command.add(file.toString()));
    Result result = run(command);
    // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational; 1 = it failed.
    assertThat(result.exitCode() & 3).as("cfn-lint errors:\n" + result.output()).isZero();
  }

  @Test
  void checkov_fails_nothing_outside_the_allow_list_and_every_entry_is_still_needed()
      throws Exception {
    List<Allowed> allowList =
        List.of(
            new ObjectMapper(new YAMLFactory()).readValue(ALLOW_LIST.toFile(), Allowed[].class));
    assertThat(allowList).allSatisfy(entry -> assertThat(entry.why()).isNotBlank());

    List<String> unexpected = new ArrayList<>();
    Set<Allowed> used = new HashSet<>();
    for (String folder : List.of("defaults", "every-option", "cloudfront-options")) {
      Result result =
          run(
              List.of(
                  "checkov",
                  "-d",
                  TEMPLATES.resolve(folder).toString(),
                  "--framework",
                  "cloudformation",
                  "--output",
                  "json",
                  "--quiet",
                  "--skip-download"));
      assertThat(result.exitCode()).as(result.output()).isIn(0, 1);
      String json = result.output().substring(result.output().indexOf('{'));
      JsonNode report = new ObjectMapper().readTree(json);
      assertThat(report.path("check_type").asText()).isEqualTo("cloudformation");
      for (JsonNode failed : report.path("results").path("failed_checks")) {
        String check = failed.path("check_id").asText();
        String resource = failed.path("resource").asText();
        List<Allowed> matches =
            allowList.stream()
                .filter(
                    entry ->
                        entry.check().equals(check) && Pattern.matches(entry.resource(), resource))
                .toList();
        if (matches.isEmpty()) {
          unexpected.add(
              folder
                  + failed.path("file_path").asText()
                  + ": "
                  + check
                  + " "
                  + resource
                  + " ("
                  + failed.path("check_name").asText()
                  + ")");
        }
        used.addAll(matches);
      }
    }
    assertThat(unexpected).as("failed checks not in " + ALLOW_LIST).isEmpty();
    assertThat(allowList)
        .as("allow-list entries that match nothing any more")
        .allMatch(used::contains);
  }

  private static Result run(List<String> command) throws Exception {
    Path log = Files.createTempFile("lint-", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(false)
            .redirectOutput(log.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(TIMEOUT.amount(), TIMEOUT.unit())) {
      process.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish within " + TIMEOUT);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Result(process.exitValue(), output);
  }
}
