package gifmachine.cli.aws;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** {@link LogsGateway} on CloudWatch Logs. */
public final class SdkLogsGateway implements LogsGateway {

  private final CloudWatchLogsClient client;

  public SdkLogsGateway(CloudWatchLogsClient client) {
    this.client = client;
  }

  @Override
  public Page filter(String logGroup, Instant since, String filterPattern, String nextToken) {
    FilterLogEventsResponse response =
        AwsErrors.call(
            "Logs.FilterLogEvents",
            () ->
                client.filterLogEvents(
                    r ->
                        r.logGroupName(logGroup)
                            .startTime(since.toEpochMilli())
                            .filterPattern(filterPattern.isBlank() ? null : filterPattern)
                            .nextToken(nextToken.isBlank() ? null : nextToken)));
    List<LogLine> lines =
        response.events().stream()
            .map(
                e ->
                    new LogLine(
                        Instant.ofEpochMilli(e.timestamp()), e.logStreamName(), e.message()))
            .toList();
    return new Page(lines, Optional.ofNullable(response.nextToken()));
  }

  @Override
  public List<String> logGroups(String prefix) {
    return AwsErrors.call(
        "Logs.DescribeLogGroups",
        () ->
            client
                .describeLogGroupsPaginator(r -> r.logGroupNamePrefix(prefix))
                .logGroups()
                .stream()
                .map(LogGroup::logGroupName)
                .toList());
  }

  @Override
  public void deleteLogGroup(String name) {
    try {
      client.deleteLogGroup(r -> r.logGroupName(name));
    } catch (ResourceNotFoundException e) {
      // Already gone.
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("Logs.DeleteLogGroup", e);
    }
  }
}
