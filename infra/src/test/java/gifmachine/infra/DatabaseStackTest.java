package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DatabaseStackTest {
  static Template template;

  @BeforeAll
  static void synthesize() {
    template = Deployments.template(Deployments.defaultApp(), StackPart.DATABASE);
  }

  @Test
  void postgres_is_small_encrypted_private_backed_up_and_snapshotted_on_delete() {
    template.hasResource(
        "AWS::RDS::DBInstance",
        Map.of(
            "Properties",
                Match.objectLike(
                    Map.of(
                        "Engine",
                        "postgres",
                        "DBInstanceClass",
                        "db.t4g.micro",
                        "StorageEncrypted",
                        true,
                        "BackupRetentionPeriod",
                        7,
                        "PubliclyAccessible",
                        false,
                        "DeletionProtection",
                        false,
                        "DBName",
                        "gifmachine")),
            "DeletionPolicy", "Snapshot",
            "UpdateReplacePolicy", "Snapshot"));
  }

  @Test
  void
      the_engine_is_given_by_major_version_so_an_automatic_minor_upgrade_never_conflicts_with_the_template() {
    template.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Match.objectLike(Map.of("EngineVersion", "17", "AutoMinorVersionUpgrade", true)));
    template.hasResourceProperties(
        "AWS::RDS::DBParameterGroup", Match.objectLike(Map.of("Family", "postgres17")));
  }

  @Test
  void tls_is_required_by_the_parameter_group() {
    template.hasResourceProperties(
        "AWS::RDS::DBParameterGroup",
        Match.objectLike(Map.of("Parameters", Map.of("rds.force_ssl", "1"))));
  }

  @Test
  void credentials_are_generated_into_secrets_manager_never_a_parameter() {
    template.hasResourceProperties(
        "AWS::SecretsManager::Secret",
        Match.objectLike(
            Map.of(
                "GenerateSecretString",
                Match.objectLike(
                    Map.of(
                        "GenerateStringKey",
                        "password",
                        "SecretStringTemplate",
                        Match.stringLikeRegexp("\"dbname\":\"gifmachine\""))))));
    template.hasResourceProperties(
        "AWS::RDS::DBInstance",
        Match.objectLike(
            Map.of(
                "MasterUserPassword",
                Match.objectLike(
                    Map.of(
                        "Fn::Join",
                        Match.arrayWith(
                            List.of(
                                Match.arrayWith(
                                    List.of(
                                        Match.stringLikeRegexp("resolve:secretsmanager"))))))))));
    template.hasResourceProperties(
        "AWS::SecretsManager::SecretTargetAttachment",
        Match.objectLike(Map.of("TargetType", "AWS::RDS::DBInstance")));
    assertThat(template.toJSON()).doesNotContainKey("Parameters");
  }

  @Test
  void port_5432_is_open_only_to_the_service_and_monitoring_groups() {
    template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 2);
    template.allResourcesProperties(
        "AWS::EC2::SecurityGroupIngress",
        Match.objectLike(
            Map.of(
                "FromPort",
                5432,
                "ToPort",
                5432,
                "SourceSecurityGroupId",
                Match.objectLike(
                    Map.of(
                        "Fn::ImportValue",
                        Match.stringLikeRegexp("(Service|Monitoring)SecurityGroup"))))));
  }

  @Test
  void endpoint_and_secret_are_outputs() {
    assertThat(Deployments.contractOutputs(template))
        .containsExactlyInAnyOrder(
            StackOutputs.DATABASE_ENDPOINT, StackOutputs.DATABASE_SECRET_ARN);
  }
}
