package gifmachine.cli.term;

import gifmachine.cli.aws.StackEvent;
import gifmachine.cli.deploy.ProgressEvent;
import gifmachine.cli.deploy.ProgressListener;
import gifmachine.cli.deploy.StackResult;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Draws deploy progress on stderr: one line per stack (status, elapsed time, time left against the
 * typical duration) and one indented line per resource being changed. On a terminal the block is
 * redrawn in place twice a second with ANSI cursor movement; elsewhere (CI logs, pipes) every
 * change is one plain line. Colour only on a terminal and never when {@code NO_COLOR} is set. It
 * only listens: the engine's poller decides when to ask AWS.
 */
public final class ProgressRenderer implements ProgressListener, AutoCloseable {

  private static final String RESET = "\u001b[0m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";

  private final PrintStream out;
  private final boolean redraw;
  private final boolean color;
  private final Clock clock;
  private final Map<String, StackLine> stacks = new LinkedHashMap<>();
  private int drawnLines;
  private ScheduledExecutorService ticker;

  private static final class StackLine {
    String operation = "";
    Instant started;
    Duration eta = Duration.ZERO;
    String status = "";
    Instant finished;
    StackResult result;
    final Map<String, ResourceLine> resources = new LinkedHashMap<>();
  }

  private record ResourceLine(String type, String status, String reason, Instant since) {}

  /**
   * @param redraw whether {@code out} is a terminal that understands ANSI cursor movement
   * @param color whether to colour statuses
   */
  public ProgressRenderer(PrintStream out, boolean redraw, boolean color, Clock clock) {
    this.out = out;
    this.redraw = redraw;
    this.color = color;
    this.clock = clock;
  }

  /** Redraws on a terminal whose TERM is not dumb, colours unless NO_COLOR is set. */
  public static ProgressRenderer forTerminal(
      PrintStream err, Map<String, String> env, boolean isTerminal) {
    boolean ansi = isTerminal && !"dumb".equals(env.getOrDefault("TERM", "dumb"));
    boolean color = ansi && !env.containsKey("NO_COLOR");
    ProgressRenderer renderer = new ProgressRenderer(err, ansi, color, Clock.systemUTC());
    if (ansi) {
      renderer.start();
    }
    return renderer;
  }

  /** Starts redrawing twice a second so that elapsed times move while nothing else happens. */
  public synchronized void start() {
    if (ticker == null) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "progress-renderer");
                thread.setDaemon(true);
                return thread;
              });
      ticker.scheduleAtFixedRate(this::draw, 500, 500, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void on(ProgressEvent event) {
    switch (event) {
      case ProgressEvent.StackStarted started -> {
        StackLine line = stacks.computeIfAbsent(started.stackName(), k -> new StackLine());
        line.operation = started.operation();
        line.started = clock.instant();
        line.eta = started.eta();
        line.finished = null;
        line.result = null;
        line.status = "";
        if (!redraw) {
          out.println(
              started.stackName()
                  + "  "
                  + started.operation()
                  + " (typically "
                  + format(started.eta())
                  + ")");
        }
      }
      case ProgressEvent.ResourceChanged changed -> resource(changed.event());
      case ProgressEvent.StackFinished finished -> {
        StackLine line = stacks.computeIfAbsent(finished.stackName(), k -> new StackLine());
        line.finished = clock.instant();
        line.result = finished.result();
        if (!finished.result().status().isEmpty()) {
          line.status = finished.result().status();
        }
        if (!finished.result().outcome().isFailure()) {
          line.resources.clear();
        }
        if (!redraw) {
          out.println(finished.stackName() + "  " + summary(line));
        }
      }
      case ProgressEvent.Step step -> permanent("» " + step.description());
    }
    if (redraw) {
      draw();
    }
  }

  private void resource(StackEvent event) {
    StackLine line = stacks.computeIfAbsent(event.stackName(), k -> new StackLine());
    if (line.started == null) {
      line.started = clock.instant();
    }
    if (event.isStackEvent()) {
      line.status = event.status();
    } else if (event.status().endsWith("_COMPLETE") && !event.status().contains("ROLLBACK")) {
      line.resources.remove(event.logicalId());
    } else {
      ResourceLine before = line.resources.get(event.logicalId());
      Instant since = before == null ? clock.instant() : before.since();
      line.resources.put(
          event.logicalId(),
          new ResourceLine(event.resourceType(), event.status(), event.reason(), since));
    }
    if (!redraw) {
      String reason = event.reason().isBlank() ? "" : "  " + event.reason();
      String what =
          event.isStackEvent() ? "" : "  " + event.logicalId() + " " + event.resourceType();
      out.println(
          event.stackName() + what + "  " + event.status() + "  " + format(elapsed(line)) + reason);
    }
  }

  /** A line that stays (steps, messages): printed above the live block. */
  private void permanent(String text) {
    if (redraw) {
      clearBlock();
    }
    out.println(text);
    drawnLines = 0;
  }

  /** Draws the live block again, replacing the one drawn before. */
  public synchronized void draw() {
    if (!redraw) {
      return;
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, StackLine> entry : stacks.entrySet()) {
      StackLine line = entry.getValue();
      lines.add(String.format("%s %-32s %s", marker(line), entry.getKey(), summary(line)));
      for (Map.Entry<String, ResourceLine> resource : line.resources.entrySet()) {
        ResourceLine r = resource.getValue();
        String reason = r.reason().isBlank() ? "" : "  " + r.reason();
        lines.add(
            String.format(
                "    %-30s %-40s %s %s%s",
                resource.getKey(),
                r.type(),
                paint(r.status()),
                format(Duration.between(r.since(), clock.instant())),
                reason));
      }
    }
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append("\u001b[").append(drawnLines).append('A');
    }
    for (String line : lines) {
      frame.append("\r\u001b[2K").append(line).append('\n');
    }
    // Lines left over from a taller previous frame.
    for (int i = lines.size(); i < drawnLines; i++) {
      frame.append("\r\u001b[2K\n");
    }
    int extra = Math.max(0, drawnLines - lines.size());
    if (extra > 0) {
      frame.append("\u001b[").append(extra).append('A');
    }
    out.print(frame);
    out.flush();
    drawnLines = lines.size();
  }

  private void clearBlock() {
    if (drawnLines > 0) {
      StringBuilder frame = new StringBuilder("\u001b[").append(drawnLines).append('A');
      frame.append("\r\u001b[0J");
      out.print(frame);
    }
  }

  private String marker(StackLine line) {
    if (line.result == null) {
      return color ? YELLOW + "…" + RESET : "…";
    }
    boolean failed = line.result.outcome().isFailure();
    String mark = failed ? "✗" : "✓";
    return color ? (failed ? RED : GREEN) + mark + RESET : mark;
  }

  private String summary(StackLine line) {
    if (line.result != null) {
      StackResult result = line.result;
      String what = result.outcome().name().toLowerCase().replace('_', ' ');
      String status = line.status.isEmpty() ? "" : paint(line.status) + "  ";
      String took =
          line.started == null
              ? ""
              : " in " + format(Duration.between(line.started, line.finished));
      String why = result.failureReason().map(r -> ": " + r).orElse("");
      return status + what + took + why;
    }
    Duration elapsed = elapsed(line);
    Duration left = line.eta.minus(elapsed);
    String eta =
        left.isNegative()
            ? "longer than typical (" + format(line.eta) + ")"
            : "ETA " + format(left);
    String status = line.status.isEmpty() ? line.operation : paint(line.status);
    return status + "  " + format(elapsed) + "  " + eta;
  }

  private Duration elapsed(StackLine line) {
    return line.started == null ? Duration.ZERO : Duration.between(line.started, clock.instant());
  }

  private String paint(String status) {
    if (!color) {
      return status;
    }
    if (status.contains("FAILED") || status.contains("ROLLBACK")) {
      return RED + status + RESET;
    }
    if (status.endsWith("_COMPLETE")) {
      return GREEN + status + RESET;
    }
    return YELLOW + status + RESET;
  }

  /** {@code 1m05s}, {@code 42s}. */
  static String format(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds >= 60 ? String.format("%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    draw();
    drawnLines = 0;
    out.flush();
  }
}
