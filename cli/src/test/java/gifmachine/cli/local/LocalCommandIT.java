package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    // What a killed run left: only processes of this test's own temporary directory.
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private Process startLocal(String... extra) throws IOException {
    return startLocal(dir.resolve("stderr.txt"), extra);
  }

  private Process startLocal(Path stderr, String... extra) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "gifmachine.cli.Main",
                "local",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("data").toString(),
                "--monitoring-dir",
                Dashboards.MONITORING.toString(),
                "--interval",
                "1"));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  /** Reads stdout until the six component lines are there: name -> URL or note. */
  private static Map<String, String> readUrls(Process process) throws IOException {
    Map<String, String> urls = new LinkedHashMap<>();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while (urls.size() < 6 && (line = out.readLine()) != null) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        urls.put(m.group(1), m.group(2));
      }
    }
    // Keep draining so the child never blocks on a full pipe (request logs go to stdout).
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.transferTo(java.io.Writer.nullWriter());
              } catch (IOException e) {
                // the child is gone
              }
            });
    return urls;
  }

  private int status(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
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

    assertThat(urls)
        .containsKeys("Gifmachine", "API secret", "cDepot", "cSidecar", "Prometheus", "Grafana");
    assertThat(urls.get("API secret")).hasSizeGreaterThanOrEqualTo(16);
    assertThat(urls.get("Prometheus"))
        .as("prometheus is installed here")
        .startsWith("http://127.0.0.1:");
    assertThat(status(urls.get("Gifmachine") + "healthz")).isEqualTo(200);
    assertThat(status(urls.get("cSidecar"))).isEqualTo(200);
    assertThat(status(urls.get("Prometheus") + "-/ready")).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String targets =
                  http.send(
                          HttpRequest.newBuilder(URI.create(urls.get("cDepot"))).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body();
              assertThat(new ObjectMapper().readTree(targets)).hasSize(1);
            });
    // Prometheus is a child; PostgreSQL is started through pg_ctl and detaches, so it is found
    // by its data directory on the command line.
    List<ProcessHandle> descendants = new ArrayList<>(child.descendants().toList());
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .filter(p -> p.pid() != child.pid() && !descendants.contains(p))
        .forEach(descendants::add);
    assertThat(descendants)
        .extracting(p -> p.info().command().orElse("?"))
        .as("prometheus and postgres run for the command")
        .anyMatch(c -> c.endsWith("prometheus"))
        .anyMatch(c -> c.endsWith("postgres"));

    child.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the command exits").isTrue();
    assertThat(child.exitValue()).as("stopped is a normal end").isZero();
    for (String name : List.of("Gifmachine", "cDepot", "cSidecar", "Prometheus")) {
      assertThat(listening(URI.create(urls.get(name)))).as(name + " port closed").isFalse();
    }
    Map<Long, String> names = new LinkedHashMap<>();
    descendants.forEach(p -> names.put(p.pid(), p.info().commandLine().orElse("?")));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(descendants)
                    .filteredOn(ProcessHandle::isAlive)
                    .extracting(p -> names.get(p.pid()))
                    .as("still running")
                    .isEmpty());
  }

  @Test
  void a_signal_during_startup_stops_what_has_started() throws Exception {
    child = startLocal();
    Path stderr = dir.resolve("stderr.txt");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                java.nio.file.Files.exists(stderr)
                    && java.nio.file.Files.readString(stderr).contains("starting Prometheus"));
    List<ProcessHandle> started = new ArrayList<>(child.descendants().toList());
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .filter(p -> p.pid() != child.pid() && !started.contains(p))
        .forEach(started::add);
    assertThat(started)
        .extracting(p -> p.info().command().orElse("?"))
        .anyMatch(c -> c.endsWith("postgres"));

    child.destroy();

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();
    assertThat(java.nio.file.Files.readString(stderr)).contains("stopping (SIGTERM)");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(started).filteredOn(ProcessHandle::isAlive).isEmpty());
  }

  @Test
  void without_prometheus_it_says_so_runs_the_rest_and_ctrl_c_ends_it_with_exit_code_0()
      throws Exception {
    child = startLocal("--no-prometheus");

    Map<String, String> urls = readUrls(child);

    assertThat(urls.get("Prometheus")).isEqualTo("not started (--no-prometheus)");
    assertThat(status(urls.get("Gifmachine") + "healthz")).isEqualTo(200);
    // Ctrl-C in a terminal sends SIGINT; Process.destroy sends SIGTERM, so send it by hand.
    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor())
        .isZero();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("the documented exit code after Ctrl-C").isZero();
    assertThat(java.nio.file.Files.readString(dir.resolve("stderr.txt")))
        .contains("stopping (SIGINT)", "stopped.");
    assertThat(listening(URI.create(urls.get("Gifmachine")))).isFalse();
  }

  @Test
  void
      after_local_is_killed_the_next_local_of_its_data_directory_ends_what_it_left_and_starts_normally()
          throws Exception {
    int prometheusPort = FreePorts.loopback();
    Instant firstStart = Instant.now();
    child =
        startLocal(dir.resolve("first.txt"), "--prometheus-port", Integer.toString(prometheusPort));
    Map<String, String> first = readUrls(child);
    // Times are printed for the record (docs/benchmarks.md), not asserted: no test races the clock.
    System.out.println(
        "first start took " + Duration.between(firstStart, Instant.now()).toMillis() + " ms");
    assertThat(first.get("Prometheus")).isEqualTo("http://127.0.0.1:" + prometheusPort + "/");
    ProcessHandle prometheus =
        child
            .descendants()
            .filter(p -> p.info().command().orElse("").endsWith("prometheus"))
            .findFirst()
            .orElseThrow();

    child.destroyForcibly(); // kill -9: no shutdown hook runs
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(prometheus.isAlive()).as("the killed run left its Prometheus on the port").isTrue();
    assertThat(ourPostgres()).as("and its PostgreSQL").isNotEmpty();

    Instant start = Instant.now();
    child =
        startLocal(
            dir.resolve("second.txt"), "--prometheus-port", Integer.toString(prometheusPort));
    Map<String, String> second = readUrls(child);
    System.out.println(
        "second start after kill -9 took "
            + Duration.between(start, Instant.now()).toMillis()
            + " ms");

    assertThat(second.get("Prometheus"))
        .as(Files.readString(dir.resolve("second.txt")))
        .isEqualTo("http://127.0.0.1:" + prometheusPort + "/");
    // Ended: gone, or a zombie where PID 1 does not reap (this container), which
    // ProcessHandle.isAlive still counts as alive.
    assertThat(gifmachine.app.process.PidFile.running(prometheus)).isFalse();
    assertThat(Files.readString(dir.resolve("second.txt")))
        .contains(
            "ended Prometheus (process " + prometheus.pid() + ") left running by an earlier local");
    assertThat(status(second.get("Gifmachine") + "healthz")).isEqualTo(200);
    assertThat(status(second.get("Prometheus") + "-/ready")).isEqualTo(200);

    // A live local is not a crashed one: a third on the same data directory stops at once.
    Process third =
        startLocal(dir.resolve("third.txt"), "--prometheus-port", Integer.toString(prometheusPort));
    assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(third.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("third.txt")))
        .contains(
            "another local is running on "
                + dir.resolve("data")
                + " (process "
                + child.pid()
                + ")");
    assertThat(status(second.get("Prometheus") + "-/ready"))
        .as("the running one's Prometheus")
        .isEqualTo(200);
    assertThat(status(second.get("Gifmachine") + "healthz")).isEqualTo(200);
  }

  @Test
  void processes_local_did_not_start_are_left_alone_and_a_taken_port_is_explained()
      throws Exception {
    Process stranger = new ProcessBuilder("sleep", "300").start();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // A pid file naming a process that is not ours, as after the system reused the pid.
      Files.createDirectories(dir.resolve("data/prometheus"));
      Files.writeString(dir.resolve("data/prometheus/pid"), stranger.pid() + "\n");

      child = startLocal("--prometheus-port", Integer.toString(taken.getLocalPort()));

      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String err = Files.readString(dir.resolve("stderr.txt"));
      assertThat(child.exitValue()).as(err).isEqualTo(1);
      assertThat(err)
          .contains(
              "Prometheus: port "
                  + taken.getLocalPort()
                  + " is in use by a program local did not start; stop it, or choose another port with --prometheus-port");
      assertThat(stranger.isAlive()).as("the process the stale pid file named").isTrue();
    } finally {
      stranger.destroyForcibly();
    }
  }

  /** PostgreSQL processes of this test's data directory (pg_ctl detaches them from local). */
  private List<ProcessHandle> ourPostgres() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("postgres"))
        .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()))
        .toList();
  }
}
