package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportOrderTest {

  static final String NETWORK_WITH_MONITORING =
      """
      {"Outputs":{"Vpc":{"Value":"v","Export":{"Name":"network:Vpc"}},
                  "MonSg":{"Value":"sg","Export":{"Name":"network:MonitoringSg"}}}}""";
  static final String NETWORK_WITHOUT =
      """
      {"Outputs":{"Vpc":{"Value":"v","Export":{"Name":"network:Vpc"}}}}""";
  static final String DB_IMPORTING =
      """
      {"Resources":{"Ingress":{"Properties":{"Source":{"Fn::ImportValue":"network:MonitoringSg"},
                                             "Vpc":{"Fn::ImportValue":"network:Vpc"}}}}}""";
  static final String DB_NOT_IMPORTING =
      """
      {"Resources":{"Db":{"Properties":{"Vpc":{"Fn::ImportValue":"network:Vpc"}}}}}""";

  static StackNode node(String name, String template, String... dependsOn) {
    return new StackNode(name, List.of(dependsOn), template, Map.of());
  }

  @Test
  void a_producer_dropping_an_export_still_imported_goes_after_its_importers() {
    ExportOrder.Phases phases =
        ExportOrder.split(
            List.of(node("network", NETWORK_WITHOUT), node("db", DB_NOT_IMPORTING, "network")),
            Map.of("network", NETWORK_WITH_MONITORING, "db", DB_IMPORTING));

    assertThat(phases.first()).extracting(StackNode::stackName).containsExactly("db");
    assertThat(phases.first().getFirst().dependsOn()).isEmpty();
    assertThat(phases.second()).extracting(StackNode::stackName).containsExactly("network");
  }

  @Test
  void adding_an_export_or_dropping_an_unused_one_keeps_dependency_order() {
    ExportOrder.Phases adding =
        ExportOrder.split(
            List.of(node("network", NETWORK_WITH_MONITORING), node("db", DB_IMPORTING, "network")),
            Map.of("network", NETWORK_WITHOUT, "db", DB_NOT_IMPORTING));
    ExportOrder.Phases unused =
        ExportOrder.split(
            List.of(node("network", NETWORK_WITHOUT), node("db", DB_NOT_IMPORTING, "network")),
            Map.of("network", NETWORK_WITH_MONITORING, "db", DB_NOT_IMPORTING));

    assertThat(adding.second()).isEmpty();
    assertThat(adding.first().get(1).dependsOn()).containsExactly("network");
    assertThat(unused.second()).isEmpty();
  }
}
