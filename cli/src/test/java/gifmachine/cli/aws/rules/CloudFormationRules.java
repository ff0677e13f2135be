package gifmachine.cli.aws.rules;

import java.util.Map;
import java.util.Set;

/**
 * CloudFormation's documented rules on cross-stack references, as the simulated CloudFormation
 * enforces them: one method per rule, each throwing {@link RuleViolation} where CloudFormation
 * fails the operation.
 */
public final class CloudFormationRules {

  static final String CROSS_STACK =
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/walkthrough-crossstackref.html";
  static final String OUTPUTS =
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html";
  static final String IMPORT_VALUE =
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html";

  static final String CANCEL_UPDATE =
      "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CancelUpdateStack.html";

  private CloudFormationRules() {}

  /**
   * "You can cancel only stacks that are in the UPDATE_IN_PROGRESS state." ({@link #CANCEL_UPDATE})
   */
  public static void onlyUpdatesInProgressAreCancelled(String stack, String status) {
    if (!status.equals("UPDATE_IN_PROGRESS")) {
      throw new RuleViolation(
          "CancelUpdateStack",
          "onlyUpdatesInProgressAreCancelled",
          "CancelUpdateStack cannot be called from current stack status "
              + status
              + " (stack "
              + stack
              + ")",
          CANCEL_UPDATE);
    }
  }

  /**
   * "You can't modify or remove an output value that is referenced by another stack." ({@link
   * #CROSS_STACK}, {@link #OUTPUTS})
   *
   * @param importers export name to the other stacks importing it
   */
  public static void exportsInUseAreNeitherChangedNorRemoved(
      String stack,
      Map<String, String> before,
      Map<String, String> after,
      Map<String, Set<String>> importers) {
    for (Map.Entry<String, String> export : before.entrySet()) {
      Set<String> users = importers.getOrDefault(export.getKey(), Set.of());
      users =
          users.stream().filter(u -> !u.equals(stack)).collect(java.util.stream.Collectors.toSet());
      if (users.isEmpty()) {
        continue;
      }
      String now = after.get(export.getKey());
      if (now == null || !now.equals(export.getValue())) {
        throw new RuleViolation(
            "UpdateStack",
            "exportsInUseAreNeitherChangedNorRemoved",
            "Export "
                + export.getKey()
                + " cannot be "
                + (now == null ? "deleted" : "updated")
                + " as it is in use by "
                + String.join(", ", new java.util.TreeSet<>(users)),
            CROSS_STACK);
      }
    }
  }

  /**
   * "You can't delete a stack if another stack references one of its outputs." ({@link
   * #CROSS_STACK})
   */
  public static void noStackIsDeletedWhileItsExportsAreImported(
      String stack, Set<String> exports, Map<String, Set<String>> importers) {
    for (String export : exports) {
      Set<String> users =
          importers.getOrDefault(export, Set.of()).stream()
              .filter(u -> !u.equals(stack))
              .collect(java.util.stream.Collectors.toSet());
      if (!users.isEmpty()) {
        throw new RuleViolation(
            "DeleteStack",
            "noStackIsDeletedWhileItsExportsAreImported",
            "Export "
                + export
                + " cannot be deleted as it is in use by "
                + String.join(", ", new java.util.TreeSet<>(users)),
            CROSS_STACK);
      }
    }
  }

  /**
   * {@code Fn::ImportValue} names an export some stack in the region has. ({@link #IMPORT_VALUE})
   */
  public static void importsNameExistingExports(
      String stack, Set<String> imports, Set<String> exportsInRegion) {
    for (String name : imports) {
      if (!exportsInRegion.contains(name)) {
        throw new RuleViolation(
            "UpdateStack",
            "importsNameExistingExports",
            "No export named " + name + " found (imported by " + stack + ")",
            IMPORT_VALUE);
      }
    }
  }

  /** "Export names must be unique within a region." ({@link #OUTPUTS}) */
  public static void exportNamesAreUniqueInTheRegion(
      String stack, Set<String> exports, Map<String, String> exporterByName) {
    for (String name : exports) {
      String owner = exporterByName.get(name);
      if (owner != null && !owner.equals(stack)) {
        throw new RuleViolation(
            "UpdateStack",
            "exportNamesAreUniqueInTheRegion",
            "Export with name " + name + " is already exported by stack " + owner,
            OUTPUTS);
      }
    }
  }
}
