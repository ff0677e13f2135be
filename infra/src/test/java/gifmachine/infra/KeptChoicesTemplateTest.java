package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What the CLI decides at the first {@code up} and keeps (zones, NAT image, restored snapshot)
 * reaches the templates as literal values, and is written back as outputs for the next {@code up}.
 */
class KeptChoicesTemplateTest {
  static final String AMI = "ami-0a1b2c3d4e5f60001";
  static final String SNAPSHOT = "prod-dundermiff-db-databaseb269d8bb-final";
  static Template network;
  static Template database;
  static Template gifmachine;

  @BeforeAll
  static void synthesize() {
    SynthesizedApp app =
        Infrastructure.synthesize(
            Deployments.defaultsBuilder()
                .originFacingPrefixListId(Deployments.PREFIX_LIST)
                .availabilityZones(List.of("eu-west-1b", "eu-west-1c"))
                .natImageId(AMI)
                .restoreSnapshot(SNAPSHOT)
                .build());
    network = Deployments.template(app, StackPart.NETWORK);
    database = Deployments.template(app, StackPart.DATABASE);
    gifmachine = Deployments.template(app, StackPart.GIFMACHINE);
  }

  @Test
  void the_subnets_are_in_the_chosen_zones_and_the_network_records_them() {
    assertThat(network.findResources("AWS::EC2::Subnet").values())
        .extracting(
            subnet ->
                String.valueOf(
                    ((Map<?, ?>) ((Map<?, ?>) subnet).get("Properties")).get("AvailabilityZone")))
        .containsOnly("eu-west-1b", "eu-west-1c");
    network.hasOutput(StackOutputs.AVAILABILITY_ZONES, Map.of("Value", "eu-west-1b,eu-west-1c"));
  }

  @Test
  void the_nat_instance_runs_the_resolved_image_and_no_template_parameter_can_move_it() {
    network.hasResourceProperties("AWS::EC2::Instance", Match.objectLike(Map.of("ImageId", AMI)));
    assertThat(network.toJSON()).doesNotContainKey("Parameters").doesNotContainKey("Mappings");
    network.hasOutput(StackOutputs.NAT_IMAGE_ID, Map.of("Value", AMI));
  }

  @Test
  void the_database_is_restored_from_the_snapshot_with_what_cloudformation_takes_beside_it() {
    database.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Match.objectLike(
            Map.of(
                "DBSnapshotIdentifier", SNAPSHOT,
                "MasterUsername", Match.absent(),
                "DBName", Match.absent(),
                "StorageEncrypted", Match.absent(),
                "MasterUserPassword", Match.anyValue())));
    database.hasResource(
        "AWS::RDS::DBInstance",
        Match.objectLike(Map.of("DeletionPolicy", "Snapshot", "UpdateReplacePolicy", "Snapshot")));
    database.hasOutput(StackOutputs.RESTORED_FROM_SNAPSHOT, Map.of("Value", SNAPSHOT));
  }

  @Test
  void a_restore_changes_the_task_definition_so_new_tasks_read_the_new_database_host() {
    assertThat(gifmachine.findResources("AWS::ECS::TaskDefinition").toString())
        .contains("DATABASE_RESTORED_FROM", SNAPSHOT);
  }

  @Test
  void zones_of_another_region_a_malformed_image_or_snapshot_are_refused() {
    assertThatThrownBy(
            () ->
                Deployments.defaultsBuilder()
                    .availabilityZones(List.of("us-east-1a", "us-east-1b"))
                    .build())
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining("two different zones of eu-west-1");
    assertThatThrownBy(
            () ->
                Deployments.defaultsBuilder()
                    .availabilityZones(List.of("eu-west-1a", "eu-west-1a"))
                    .build())
        .isInstanceOf(InvalidDeploymentConfigException.class);
    assertThatThrownBy(() -> Deployments.defaultsBuilder().natImageId("ubuntu").build())
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining("not an AMI ID");
    assertThatThrownBy(() -> Deployments.defaultsBuilder().restoreSnapshot("snap--1").build())
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining("not a DB snapshot name");
    assertThat(
            Deployments.defaultsBuilder()
                .restoreSnapshot("arn:aws:rds:eu-west-1:123456789012:snapshot:prod-final-1")
                .build()
                .restoreSnapshot())
        .isEqualTo("arn:aws:rds:eu-west-1:123456789012:snapshot:prod-final-1");
  }
}
