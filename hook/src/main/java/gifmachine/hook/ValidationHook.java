package gifmachine.hook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Lambda function ECS runs at {@code POST_TEST_TRAFFIC_SHIFT} of a blue/green deployment: it
 * checks the green revision through the load balancer's test listener (readiness, {@code GET /gif},
 * the kiosk page and its script, the WebSocket handshake and first message) and answers ECS {@code
 * SUCCEEDED}, {@code FAILED} (with the reason; ECS rolls back) or {@code IN_PROGRESS} (asked again
 * after {@code callBackDelay} seconds) while the new tasks may still be warming up.
 *
 * <p>Handler: {@code gifmachine.hook.ValidationHook::handleRequest}; the test listener's URL comes
 * from the hook's {@code hookDetails.testUrl} or the {@code GIFMACHINE_TEST_URL} variable. Response
 * shape and statuses:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 */
public final class ValidationHook {
  /** Readiness may take this many calls (a minute apart at most) before the hook gives up. */
  static final int MAX_ATTEMPTS = 5;

  static final int CALL_BACK_DELAY_SECONDS = 15;

  private final Map<String, String> env;
  private final GreenChecks checks;

  /** What the Lambda runtime constructs. */
  public ValidationHook() {
    this(System.getenv(), new GreenChecks(GreenChecks.DEFAULT_TIMEOUT));
  }

  ValidationHook(Map<String, String> env, GreenChecks checks) {
    this.env = env;
    this.checks = checks;
  }

  /**
   * Called by the Lambda runtime with the event ECS sends ({@code serviceArn}, {@code
   * targetServiceRevisionArn}, {@code testTrafficWeights}, {@code productionTrafficWeights}, {@code
   * hookDetails}); returns the answer ECS reads.
   */
  public Map<String, Object> handleRequest(Map<String, Object> event) {
    Map<String, Object> details = details(event);
    Optional<String> testUrl =
        Optional.ofNullable(details.get("testUrl"))
            .map(Object::toString)
            .or(() -> Optional.ofNullable(env.get("GIFMACHINE_TEST_URL")))
            .filter(url -> url.startsWith("http://") || url.startsWith("https://"));
    if (testUrl.isEmpty()) {
      return failed(
          "configuration: no test listener URL (hookDetails.testUrl or GIFMACHINE_TEST_URL)");
    }
    int attempt = attempt(details);
    CheckResult result = checks.run(testUrl.get());
    String revision = String.valueOf(event.getOrDefault("targetServiceRevisionArn", "unknown"));
    // One line per call in the function's log: what `release` and `status` show.
    System.out.println(
        "{\"event\":\"validation\",\"revision\":\""
            + Json.escape(revision)
            + "\",\"attempt\":"
            + attempt
            + ",\"outcome\":\""
            + result.outcome()
            + "\",\"reason\":\""
            + Json.escape(result.reason())
            + "\"}");
    return switch (result.outcome()) {
      case PASSED -> Map.of("hookStatus", "SUCCEEDED");
      case NOT_YET ->
          attempt < MAX_ATTEMPTS
              ? inProgress(details, attempt)
              : failed(result.reason() + " (still after " + attempt + " attempts)");
      case FAILED -> failed(result.reason());
    };
  }

  private static Map<String, Object> inProgress(Map<String, Object> details, int attempt) {
    // hookDetails returned with IN_PROGRESS come back on the next call: the attempt count.
    Map<String, Object> next = new LinkedHashMap<>(details);
    next.put("attempt", attempt + 1);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("hookStatus", "IN_PROGRESS");
    answer.put("callBackDelay", CALL_BACK_DELAY_SECONDS);
    answer.put("hookDetails", next);
    return answer;
  }

  private static Map<String, Object> failed(String reason) {
    // FAILED rolls the deployment back; the reason is ours (ECS documents no field for it) and
    // is also in the function's log line above.
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("hookStatus", "FAILED");
    answer.put("reason", reason);
    return answer;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Map<String, Object> event) {
    Object details = event.get("hookDetails");
    return details instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static int attempt(Map<String, Object> details) {
    Object attempt = details.get("attempt");
    if (attempt instanceof Number number) {
      return Math.max(1, number.intValue());
    }
    try {
      return attempt == null ? 1 : Math.max(1, Integer.parseInt(attempt.toString()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
