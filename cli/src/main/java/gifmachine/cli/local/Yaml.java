package gifmachine.cli.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;

/**
 * The configuration files the local system writes for Prometheus and Grafana, written by Jackson's
 * YAML generator: a path or URL with quotes, colons or backslashes is quoted as YAML wants, which
 * hand-written text did not guarantee.
 */
final class Yaml {

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  private Yaml() {}

  /** {@code value} (maps, lists, strings, numbers) as a YAML document, after a comment line. */
  static String write(String comment, Object value) {
    try {
      return "# " + comment + "\n" + MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // Maps, lists and strings always serialize: this would be a bug in Jackson or here.
      throw new UncheckedIOException(e);
    }
  }
}
