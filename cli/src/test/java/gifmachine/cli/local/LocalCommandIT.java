package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gifmachine-on-aws local} as a user runs it: a separate JVM that prints its URLs, serves
 * them, and on a termination signal stops everything it started, Prometheus included.
 */
class LocalCommandIT {

  private static final Pattern LINE = Pattern.compile("^(\\S+(?: \\S+)?)\\s{2,}(.+)$");
  private final HttpClient http = HttpClient.newHttpClient();
  private Process child;

  @TempDir Path dir;

  @AfterEach
  void kill() {
    if (child != null && child.isAlive()) {
      child.descendants().forEach(ProcessHandle::destroyForcibly);
      child.destroyForcibly();
    }
  }

  private Process startLocal(String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "gifmachine.cli.Main", "local", "--port", "0", "--data-dir", dir.resolve("data").toString(),
        "--monitoring-dir", Dashboards.MONITORING.toString(), "--interval", "1"));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
  }

  /** Reads stdout until the six component lines are there: name -> URL or note. */
  private static Map<String, String> readUrls(Process process) throws IOException {
    Map<String, String> urls = new LinkedHashMap<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while (urls.size() < 6 && (line = out.readLine()) != null) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        urls.put(m.group(1), m.group(2));
      }
    }
    // Keep draining so the child never blocks on a full pipe (request logs go to stdout).
    Thread.ofVirtual().start(() -> {
      try {
        out.transferTo(java.io.Writer.nullWriter());
      } catch (IOException e) {
        // the child is gone
      }
    });
    return urls;
  }

  private int status(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static boolean listening(URI url) {
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void it_prints_every_url_serves_them_and_a_signal_stops_everything() throws Exception {
    child = startLocal();

    Map<String, String> urls = readUrls(child);

    assertThat(urls).containsKeys("Gifmachine", "API secret", "cDepot", "cSidecar", "Prometheus", "Grafana");
    assertThat(urls.get("API secret")).hasSizeGreaterThanOrEqualTo(16);
    assertThat(urls.get("Prometheus")).as("prometheus is installed here").startsWith("http://127.0.0.1:");
    assertThat(status(urls.get("Gifmachine") + "healthz")).isEqualTo(200);
    assertThat(status(urls.get("cSidecar"))).isEqualTo(200);
    assertThat(status(urls.get("Prometheus") + "-/ready")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String targets = http.send(HttpRequest.newBuilder(URI.create(urls.get("cDepot"))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(new ObjectMapper().readTree(targets)).hasSize(1);
    });
    // Prometheus is a child; PostgreSQL is started through pg_ctl and detaches, so it is found
    // by its data directory on the command line.
    List<ProcessHandle> descendants = new ArrayList<>(child.descendants().toList());
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .filter(p -> p.pid() != child.pid() && !descendants.contains(p))
        .forEach(descendants::add);
    assertThat(descendants).extracting(p -> p.info().command().orElse("?"))
        .as("prometheus and postgres run for the command")
        .anyMatch(c -> c.endsWith("prometheus")).anyMatch(c -> c.endsWith("postgres"));

    child.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the command exits").isTrue();
    for (String name : List.of("Gifmachine", "cDepot", "cSidecar", "Prometheus")) {
      assertThat(listening(URI.create(urls.get(name)))).as(name + " port closed").isFalse();
    }
    Map<Long, String> names = new LinkedHashMap<>();
    descendants.forEach(p -> names.put(p.pid(), p.info().commandLine().orElse("?")));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(descendants)
        .filteredOn(ProcessHandle::isAlive).extracting(p -> names.get(p.pid())).as("still running").isEmpty());
  }

  @Test
  void a_signal_during_startup_stops_what_has_started() throws Exception {
    child = startLocal();
    Path stderr = dir.resolve("stderr.txt");
    await().atMost(Duration.ofSeconds(60)).until(
        () -> java.nio.file.Files.exists(stderr) && java.nio.file.Files.readString(stderr).contains("starting Prometheus"));
    List<ProcessHandle> started = new ArrayList<>(child.descendants().toList());
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .filter(p -> p.pid() != child.pid() && !started.contains(p))
        .forEach(started::add);
    assertThat(started).extracting(p -> p.info().command().orElse("?")).anyMatch(c -> c.endsWith("postgres"));

    child.destroy();

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(java.nio.file.Files.readString(stderr)).contains("stopping");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(
        () -> assertThat(started).filteredOn(ProcessHandle::isAlive).isEmpty());
  }

  @Test
  void without_prometheus_it_says_so_and_still_runs_the_rest() throws Exception {
    child = startLocal("--no-prometheus");

    Map<String, String> urls = readUrls(child);

    assertThat(urls.get("Prometheus")).isEqualTo("not started (--no-prometheus)");
    assertThat(status(urls.get("Gifmachine") + "healthz")).isEqualTo(200);
    child.destroy();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(listening(URI.create(urls.get("Gifmachine")))).isFalse();
  }
}
