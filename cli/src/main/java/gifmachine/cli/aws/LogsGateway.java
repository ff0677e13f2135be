package gifmachine.cli.aws;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * CloudWatch Logs: the service's log lines for {@code logs}, and the log groups {@code down}
 * removes.
 */
public interface LogsGateway {

  record LogLine(Instant timestamp, String stream, String message) {}

  /** One page of matching events; {@code nextToken} continues where the page ended. */
  record Page(List<LogLine> lines, Optional<String> nextToken) {}

  /**
   * @param filterPattern CloudWatch filter syntax, blank for everything
   * @param nextToken from the previous page, blank for the first
   */
  Page filter(String logGroup, Instant since, String filterPattern, String nextToken);

  /** Log group names starting with the prefix. */
  List<String> logGroups(String prefix);

  /** Absent is fine. */
  void deleteLogGroup(String name);
}
