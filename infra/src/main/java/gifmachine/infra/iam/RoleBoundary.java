package gifmachine.infra.iam;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The actions the permissions boundary of every role our stacks create allows: the union of what
 * those roles' policies grant in any option combination (a test derives it from the synthesized
 * templates and fails when a role uses an action outside it), plus the actions of the AWS managed
 * policies attached to them. A role's effective rights are the intersection of its policies and its
 * boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html), so a
 * role created through the CloudFormation execution role can never do more than this list, whatever
 * policy its template gives it.
 *
 * <pre>{@code
 * SortedSet<String> actions = RoleBoundary.actions();
 * }</pre>
 */
public final class RoleBoundary {
  private RoleBoundary() {}

  private static final String RESOURCE = "/gifmachine/infra/iam/permissions-boundary.txt";

  /** The allowed actions, sorted; lines starting with {@code #} in the data file are comments. */
  public static SortedSet<String> actions() {
    InputStream in = RoleBoundary.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      SortedSet<String> actions = new TreeSet<>();
      reader
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .forEach(actions::add);
      return Collections.unmodifiableSortedSet(actions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
