package gifmachine.infra;

import java.util.Map;
import software.amazon.awscdk.services.logs.CfnQueryDefinition;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.constructs.Construct;

/**
 * Saved CloudWatch Logs Insights queries over the service's log group, found in the console under
 * Logs Insights → Saved queries, folder {@code {environment}-{company}}. Gifmachine logs one JSON
 * line per request ({@code method}, {@code route}, {@code status}, {@code duration_ms}) and one per
 * posted gif ({@code event="gif_posted"}, {@code url}, {@code who}); Insights discovers JSON fields
 * by name.
 */
public final class LogQueries extends Construct {

  static final Map<String, String> QUERIES =
      Ordered.byKey(
          Map.of(
              "top-endpoints",
                  """
          fields method, route
          | filter ispresent(route)
          | stats count(*) as requests, avg(duration_ms) as avg_duration_ms by method, route
          | sort requests desc
          | limit 20""",
              "most-posted-gifs",
                  """
          fields url
          | filter event = "gif_posted"
          | stats count(*) as posts by url
          | sort posts desc
          | limit 20""",
              "top-posters",
                  """
          fields who
          | filter event = "gif_posted"
          | stats count(*) as posts by who
          | sort posts desc
          | limit 20""",
              "error-rate",
                  """
          fields status
          | filter ispresent(status)
          | stats sum(status >= 500) / count(*) * 100 as error_percent,
                  sum(status >= 400 and status < 500) / count(*) * 100 as client_error_percent,
                  count(*) as requests by bin(5m)"""));

  public LogQueries(Construct scope, String id, String folder, ILogGroup logGroup) {
    super(scope, id);
    QUERIES.forEach(
        (name, query) ->
            CfnQueryDefinition.Builder.create(this, name)
                .name(folder + "/" + name)
                .queryString(query)
                .logGroupNames(java.util.List.of(logGroup.getLogGroupName()))
                .build());
  }
}
