package gifmachine.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's Grafana dashboards, read as the tests need them: every panel's queries. */
final class Dashboards {

  static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
  static final Path DIR = MONITORING.resolve("grafana/dashboards");

  /** One query of one panel. */
  record PanelQuery(String dashboard, String panel, String expr) {

    /** The query as Grafana would send it with "All" selected and a given rate interval. */
    String resolved(String rateInterval) {
      return expr.replace("$__rate_interval", rateInterval)
          .replace("${cluster}", ".*")
          .replace("$cluster", ".*");
    }
  }

  private Dashboards() {}

  static List<Path> files() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<PanelQuery> queries() {
    List<PanelQuery> queries = new ArrayList<>();
    for (Path file : files()) {
      JsonNode dashboard = read(file);
      for (JsonNode panel : dashboard.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          queries.add(
              new PanelQuery(
                  dashboard.path("title").asText(),
                  panel.path("title").asText(),
                  target.path("expr").asText()));
        }
      }
    }
    return queries;
  }
}
