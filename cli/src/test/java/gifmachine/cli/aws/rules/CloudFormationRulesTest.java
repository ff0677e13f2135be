package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloudFormationRulesTest {

  static final Map<String, Set<String>> MONITORING_IMPORTS =
      Map.of("gifmachine:ServiceName", Set.of("monitoring"));

  @Test
  void an_export_another_stack_imports_cannot_be_removed() {
    assertThatThrownBy(
            () ->
                CloudFormationRules.exportsInUseAreNeitherChangedNorRemoved(
                    "gifmachine",
                    Map.of("gifmachine:ServiceName", "svc"),
                    Map.of(),
                    MONITORING_IMPORTS))
        .isInstanceOf(RuleViolation.class)
        .hasMessageContaining(
            "Export gifmachine:ServiceName cannot be deleted as it is in use by monitoring");
  }

  @Test
  void an_export_another_stack_imports_cannot_change_its_value() {
    assertThatThrownBy(
            () ->
                CloudFormationRules.exportsInUseAreNeitherChangedNorRemoved(
                    "gifmachine",
                    Map.of("gifmachine:ServiceName", "svc"),
                    Map.of("gifmachine:ServiceName", "svc2"),
                    MONITORING_IMPORTS))
        .hasMessageContaining("cannot be updated as it is in use by monitoring");
  }

  @Test
  void an_export_nobody_imports_may_go_and_one_in_use_may_stay() {
    assertThatCode(
            () ->
                CloudFormationRules.exportsInUseAreNeitherChangedNorRemoved(
                    "gifmachine",
                    Map.of("gifmachine:ServiceName", "svc", "gifmachine:Other", "x"),
                    Map.of("gifmachine:ServiceName", "svc"),
                    MONITORING_IMPORTS))
        .doesNotThrowAnyException();
  }

  @Test
  void a_stack_whose_export_is_imported_cannot_be_deleted_and_one_without_importers_can() {
    assertThatThrownBy(
            () ->
                CloudFormationRules.noStackIsDeletedWhileItsExportsAreImported(
                    "gifmachine", Set.of("gifmachine:ServiceName"), MONITORING_IMPORTS))
        .hasMessageContaining("in use by monitoring");
    assertThatCode(
            () ->
                CloudFormationRules.noStackIsDeletedWhileItsExportsAreImported(
                    "monitoring", Set.of(), MONITORING_IMPORTS))
        .doesNotThrowAnyException();
  }

  @Test
  void an_import_of_a_missing_export_is_rejected() {
    assertThatThrownBy(
            () ->
                CloudFormationRules.importsNameExistingExports(
                    "monitoring", Set.of("gifmachine:ServiceName"), Set.of("network:Vpc")))
        .hasMessageContaining("No export named gifmachine:ServiceName");
    assertThatCode(
            () ->
                CloudFormationRules.importsNameExistingExports(
                    "monitoring", Set.of("network:Vpc"), Set.of("network:Vpc")))
        .doesNotThrowAnyException();
  }

  @Test
  void two_stacks_cannot_export_the_same_name() {
    assertThatThrownBy(
            () ->
                CloudFormationRules.exportNamesAreUniqueInTheRegion(
                    "b", Set.of("x"), Map.of("x", "a")))
        .hasMessageContaining("already exported by stack a");
    assertThatCode(
            () ->
                CloudFormationRules.exportNamesAreUniqueInTheRegion(
                    "a", Set.of("x"), Map.of("x", "a")))
        .doesNotThrowAnyException();
  }

  @Test
  void only_a_stack_whose_update_is_in_progress_can_be_cancelled() {
    for (String status :
        java.util.List.of(
            "UPDATE_COMPLETE",
            "UPDATE_ROLLBACK_IN_PROGRESS",
            "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
            "CREATE_IN_PROGRESS")) {
      assertThatThrownBy(
              () -> CloudFormationRules.onlyUpdatesInProgressAreCancelled("gifmachine", status))
          .as(status)
          .isInstanceOf(RuleViolation.class)
          .hasMessageContaining("cannot be called from current stack status " + status);
    }
    assertThatCode(
            () ->
                CloudFormationRules.onlyUpdatesInProgressAreCancelled(
                    "gifmachine", "UPDATE_IN_PROGRESS"))
        .doesNotThrowAnyException();
  }
}
