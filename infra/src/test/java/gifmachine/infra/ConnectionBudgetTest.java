package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionBudgetTest {

  @ParameterizedTest(name = "{0} with {1} tasks: pool {2}")
  @CsvSource({
    "db.t4g.micro, 1, 16",
    "db.t4g.micro, 4, 8",
    "db.t4g.micro, 12, 2",
    "db.t4g.small, 4, 16",
    "db.t3.medium, 20, 7",
    "db.r6g.large, 20, 16"
  })
  void every_task_of_both_blue_green_task_sets_fits_under_max_connections(
      String instanceClass, int maxTasks, int pool) {
    ConnectionBudget budget = ConnectionBudget.of(instanceClass, maxTasks);

    assertThat(budget.poolSizePerTask()).isEqualTo(pool);
    int peak =
        budget.tasksAtOnce() * (budget.poolSizePerTask() + ConnectionBudget.LISTEN_CONNECTIONS);
    assertThat(peak + ConnectionBudget.RESERVED).isLessThanOrEqualTo(budget.maxConnections());
  }

  @Test
  void a_micro_instance_allows_about_84_connections_of_the_formulas_nominal_112() {
    assertThat(ConnectionBudget.of("db.t4g.micro", 1).maxConnections()).isEqualTo(84);
  }

  @Test
  void tasks_that_cannot_fit_are_refused_naming_both_numbers() {
    assertThatThrownBy(() -> ConnectionBudget.of("db.t4g.micro", 13))
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageStartingWith(
            "max-tasks 13 with database instance class db.t4g.micro: 26 tasks during a "
                + "blue/green deployment need at least 88 connections, the instance allows about 84");
    assertThatThrownBy(() -> Deployments.defaultsBuilder().maxTasks(20).build())
        .hasMessageStartingWith("max-tasks 20 with database instance class db.t4g.micro");
  }

  @Test
  void an_instance_class_of_unknown_memory_is_refused() {
    assertThatThrownBy(() -> ConnectionBudget.of("db.x2g.large", 4))
        .hasMessageStartingWith(
            "database instance class \"db.x2g.large\": its memory is not known here");
  }
}
