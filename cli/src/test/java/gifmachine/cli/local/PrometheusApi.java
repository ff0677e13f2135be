package gifmachine.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The bits of Prometheus's HTTP API the tests ask: instant queries and active targets. */
final class PrometheusApi {

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  PrometheusApi(URI base) {
    this.base = base;
  }

  /** The {@code data.result} array of an instant query; throws on a query error. */
  JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalStateException(promql + ": " + body);
    }
    return body.path("data").path("result");
  }

  JsonNode activeTargets() throws IOException, InterruptedException {
    return get("/api/v1/targets?state=active").path("data").path("activeTargets");
  }

  private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base.toString().replaceFirst("/+$", "") + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return json.readTree(response.body());
  }
}
