package gifmachine.cli.iam;

import gifmachine.cli.aws.IamActions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records the IAM action of every AWS SDK call made in the test JVM, so a test can check that
 * {@link gifmachine.infra.iam.OperatorPolicy} allows each call the CLI really makes. The SDK loads
 * it into every client through {@code
 * software/amazon/awssdk/global/handlers/execution.interceptors} on the test class path
 * (https://sdk.amazonaws.com/java/api/latest/software/amazon/awssdk/core/interceptor/ExecutionInterceptor.html),
 * so production code carries no seam for it; the set is static because the SDK, not the test,
 * creates the interceptor.
 */
public final class RecordedAwsCalls implements ExecutionInterceptor {
  private static final Set<String> ACTIONS = new ConcurrentSkipListSet<>();

  /** The same actions in call order, repeats kept (the cycle makes a few thousand calls). */
  private static final List<String> SEQUENCE = Collections.synchronizedList(new ArrayList<>());

  /** Set while a test arranges AWS state itself (setup calls are not the CLI's). */
  private static final ThreadLocal<Boolean> PAUSED = ThreadLocal.withInitial(() -> false);

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (PAUSED.get()) {
      return;
    }
    String action = actionOf(context.request().getClass());
    ACTIONS.add(action);
    SEQUENCE.add(action);
    // A stack operation naming a role makes AWS check iam:PassRole on it for the caller
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    context
        .request()
        .getValueForField("RoleARN", String.class)
        .ifPresent(
            role -> {
              ACTIONS.add("iam:PassRole");
              SEQUENCE.add("iam:PassRole");
            });
  }

  static String actionOf(Class<?> request) {
    String pkg = request.getPackageName(); // software.amazon.awssdk.services.<service>.model
    String service =
        pkg.substring(
            "software.amazon.awssdk.services.".length(), pkg.length() - ".model".length());
    String operation = request.getSimpleName().replaceFirst("Request$", "");
    return IamActions.of(service + "." + operation);
  }

  /** Runs a test's own setup or check on this thread without recording its calls. */
  public static <T> T unrecorded(java.util.function.Supplier<T> setup) {
    PAUSED.set(true);
    try {
      return setup.get();
    } finally {
      PAUSED.set(false);
    }
  }

  /** Forgets what was recorded, so a test sees only its own calls. */
  public static void clear() {
    ACTIONS.clear();
    SEQUENCE.clear();
  }

  /** Every action recorded since {@link #clear}, in call order. */
  public static List<String> sequence() {
    synchronized (SEQUENCE) {
      return List.copyOf(SEQUENCE);
    }
  }

  /** Every action recorded so far in this JVM, sorted. */
  public static Set<String> actions() {
    return new TreeSet<>(ACTIONS);
  }
}
